import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { bool } from './json';
import type { BackendKind, BackendRecord } from '@shared/backends';
import type { SettingsRepo } from './settings-repo';
import { z } from 'zod';
import {
  LaunchRecordSchema,
  type LaunchRecord,
  type LaunchRecordBook,
  type LaunchRecordStore,
} from '@core/comfy/launch/launch-record';

export type { BackendKind, BackendRecord };

interface BackendRow {
  id: string;
  name: string;
  url: string;
  kind: BackendKind;
  enabled: number;
  client_id: string;
  launch_path: string | null;
  launch_device: number | null;
  last_seen: number | null;
  tls_pin: string | null;
}

const toRecord = (r: BackendRow): BackendRecord => ({
  id: r.id,
  name: r.name,
  url: r.url,
  kind: r.kind,
  enabled: bool(r.enabled),
  clientId: r.client_id,
  launchPath: r.launch_path,
  device: r.launch_device,
  lastSeen: r.last_seen,
  tlsPin: r.tls_pin,
});

export class BackendsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Add a backend by URL, or return the existing one. */
  ensure(url: string, kind: BackendKind, name?: string, launchPath?: string, device?: number | null): BackendRecord {
    const found = this.byUrl(url);
    if (found) return found;
    const at = this.now();
    const id = this.newId();
    this.db
      .prepare(
        `INSERT INTO backends (id, name, url, kind, enabled, client_id, launch_path, launch_device, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
      )
      .run(id, name ?? url, url, kind, `comfydesk-${this.newId()}`, launchPath ?? null, device ?? null, at, at);
    return this.get(id)!;
  }

  get(id: string): BackendRecord | null {
    const row = this.db.prepare('SELECT * FROM backends WHERE id = ?').get(id) as BackendRow | undefined;
    return row ? toRecord(row) : null;
  }

  byUrl(url: string): BackendRecord | null {
    const row = this.db.prepare('SELECT * FROM backends WHERE url = ?').get(url) as BackendRow | undefined;
    return row ? toRecord(row) : null;
  }

  list(): BackendRecord[] {
    return (this.db.prepare('SELECT * FROM backends ORDER BY created_at, id').all() as BackendRow[]).map(toRecord);
  }

  setEnabled(id: string, enabled: boolean): void {
    this.db
      .prepare('UPDATE backends SET enabled = ?, updated_at = ? WHERE id = ?')
      .run(enabled ? 1 : 0, this.now(), id);
  }

  /**
   * Change a backend's address, name, launch folder or CUDA device (a launched ComfyUI may come back on another
   * port; a launched record may pass to the GPU now launched at its address).
   */
  update(
    id: string,
    fields: { url?: string; name?: string; launchPath?: string | null; device?: number | null },
  ): BackendRecord | null {
    const current = this.get(id);
    if (!current) return null;
    this.db
      .prepare('UPDATE backends SET url = ?, name = ?, launch_path = ?, launch_device = ?, updated_at = ? WHERE id = ?')
      .run(
        fields.url ?? current.url,
        fields.name ?? current.name,
        fields.launchPath === undefined ? current.launchPath : fields.launchPath,
        fields.device === undefined ? current.device : fields.device,
        this.now(),
        id,
      );
    return this.get(id);
  }

  /** Trust one certificate (its SHA-256 fingerprint) for this https backend, or with null the system's trust again. */
  setTlsPin(id: string, fingerprint: string | null): void {
    this.db.prepare('UPDATE backends SET tls_pin = ?, updated_at = ? WHERE id = ?').run(fingerprint, this.now(), id);
  }

  touch(id: string): void {
    const at = this.now();
    this.db.prepare('UPDATE backends SET last_seen = ?, updated_at = ? WHERE id = ?').run(at, at, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM backends WHERE id = ?').run(id);
  }
}

const REMOVED_KEY = 'comfy.removedUrls';
const RemovedUrlsSchema = z.array(z.string());

/** The local ComfyUI addresses the user removed (a settings value), as the backends manager reads them. */
export function removedBackendUrls(settings: SettingsRepo): {
  list(): string[];
  remember(url: string): void;
  forget(url: string): void;
} {
  const list = (): string[] => settings.getValue(REMOVED_KEY, RemovedUrlsSchema) ?? [];
  return {
    list,
    remember(url) {
      const now = list();
      if (!now.includes(url)) settings.setValue(REMOVED_KEY, [...now, url]);
    },
    forget(url) {
      const now = list();
      if (now.includes(url))
        settings.setValue(
          REMOVED_KEY,
          now.filter((u) => u !== url),
        );
    },
  };
}

const LAUNCHED_KEY = 'comfy.launched';
const LAUNCHED_GPUS_KEY = 'comfy.launchedGpus';
const LaunchedGpusSchema = z.record(z.string().regex(/^\d+$/), LaunchRecordSchema);

/**
 * What ComfyDesk launched and is running now (settings values), so the next start can take it over or stop it:
 * the single ComfyUI's record, and one per GPU (by device number) when it runs on several.
 */
export function launchRecordBook(settings: SettingsRepo): LaunchRecordBook {
  const single: LaunchRecordStore = {
    get: () => settings.getValue(LAUNCHED_KEY, LaunchRecordSchema) ?? null,
    set: (record) => settings.setValue(LAUNCHED_KEY, LaunchRecordSchema.parse(record)),
    clear: () => settings.setValue(LAUNCHED_KEY, null),
  };
  const gpus = (): Record<string, LaunchRecord> => settings.getValue(LAUNCHED_GPUS_KEY, LaunchedGpusSchema) ?? {};
  const ofGpu = (device: number): LaunchRecordStore => ({
    get: () => gpus()[String(device)] ?? null,
    set: (record) => settings.setValue(LAUNCHED_GPUS_KEY, { ...gpus(), [device]: LaunchRecordSchema.parse(record) }),
    clear: () => {
      const { [String(device)]: _gone, ...rest } = gpus();
      settings.setValue(LAUNCHED_GPUS_KEY, rest);
    },
  });
  return {
    of: (device) => (device === null ? single : ofGpu(device)),
    devices: () =>
      Object.keys(gpus())
        .map(Number)
        .sort((a, b) => a - b),
  };
}
