/**
 * One ComfyUI that ComfyDesk launches, as a backend of the manager (manager.ts): the single one, or the one of a
 * GPU (`--cuda-device N`) when ComfyUI runs on several (launch-set.ts owns them). Its record (kind 'launched',
 * with its device; kept when it comes back on another port), 'starting' while it boots, and 'gone' when the
 * launcher gave up restarting it.
 */
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { Config } from '@core/config';
import type { BackendRecord, BackendRecords } from './records';
import type { ComfyBackend } from './backend';
import { LaunchedComfy, type LaunchSettings, type TimedLogLine } from '../launch/launched-comfy';
import type { CrashInfo, LauncherOptions, ReadyInfo } from '../launch/supervisor';
import type { LaunchRecordStore } from '../launch/launch-record';
import { exitText, type InstanceStatus } from '../launch/launch-status';
import { normalizeBaseUrl } from '../protocol/probe';

export const LAUNCHED_NAME = 'ComfyUI (launched by ComfyDesk)';

/** Why the jobs of a launched ComfyUI the launcher gave up on end (or run elsewhere). */
export function gaveUpReason(info: CrashInfo, name?: string): string {
  const how = info.error
    ? info.error.summary.replace(/\.$/, '')
    : `${name ? `${name}'s ComfyUI` : 'ComfyUI'} exited (${exitText({ code: info.code, signal: info.signal })})`;
  if (info.maxAttempts === 0) return `${how}, and restarting it is off.`;
  return `${how}, and ComfyDesk gave up after ${info.maxAttempts} restart${info.maxAttempts === 1 ? '' : 's'}.`;
}

/** What a link needs of the manager (through the set). */
export interface LaunchLinkHost {
  records: BackendRecords;
  config: Config['comfy'];
  clock: Clock;
  log: Logger;
  launchDir: string;
  launcher?: Partial<LauncherOptions>;
  started(): boolean;
  backend(id: string): ComfyBackend | undefined;
  startLive(record: BackendRecord): void;
  stopLive(id: string): Promise<void>;
  forgetVersion(id: string): void;
  /** Forget a stale launched record that holds an address now used by another launched ComfyUI. */
  dropRecord(id: string): void;
  changed(): void;
  gone(backendId: string, reason: string): void;
}

/** What the set tells a link about itself and its siblings. */
export interface LinkContext {
  device: number | null;
  /** "GPU 1 · RTX 3060" (the GPUs detected last), "ComfyUI" for the single one. */
  name(): string;
  records?: LaunchRecordStore;
  logDir: string;
  /** The ports of the other launched ComfyUIs. */
  avoidPorts(): ReadonlySet<number>;
  /** The address a sibling that owns this record runs at now (null: no active sibling owns it). */
  siblingUrl(recordId: string): string | null | undefined;
  status(): void;
  logLine(line: TimedLogLine & { device: number | null }): void;
}

export class LaunchLink {
  readonly launched: LaunchedComfy;
  /** The backend record of this ComfyUI, once known. */
  private id: string | null;
  /** Why the launcher gave up on it, until the 'crashed' state that follows has been told. */
  private gaveUp: string | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly h: LaunchLinkHost,
    private readonly c: LinkContext,
    settings: LaunchSettings,
  ) {
    this.launched = new LaunchedComfy({
      dir: h.launchDir,
      logDir: c.logDir,
      avoidPorts: () => c.avoidPorts(),
      readyTimeoutMs: h.config.startTimeoutSec * 1000,
      clock: h.clock,
      logger: c.device === null ? h.log : h.log.child(`gpu${c.device}`),
      ...(c.records ? { records: c.records } : {}),
      ...(h.launcher ? { launcher: h.launcher } : {}),
    });
    this.launched.configure(settings);
    this.id = this.record()?.id ?? null;
    const on = this.launched.on.bind(this.launched);
    this.offs.push(on('log', (line) => c.logLine({ ...line, device: c.device })));
    this.offs.push(
      on('state', (state) => {
        const b = this.backend();
        if (state === 'starting') b?.markStarting(true);
        else if (state === 'stopped') b?.markStarting(false);
        // A failed start: no longer booting, unless a restart is scheduled.
        else if (state === 'crashed') queueMicrotask(() => this.launched.active || b?.markStarting(false));
        c.status();
        // Given up (said by the crash just before): its jobs will not come back there; they run elsewhere (once) or
        // end with the reason. Told once the state says so, so nobody takes it for still starting.
        const gone = this.gaveUp;
        this.gaveUp = null;
        if (state === 'crashed' && gone && this.id) h.gone(this.id, gone);
        h.changed();
      }),
    );
    this.offs.push(
      on('crash', (info) => {
        h.log.warn('the launched ComfyUI crashed', {
          ...(c.device === null ? {} : { gpu: c.device }),
          code: info.code,
          signal: info.signal,
          restart: info.willRestart,
          attempt: info.attempt,
        });
        this.backend()?.markStarting(info.willRestart);
        this.gaveUp = info.willRestart ? null : gaveUpReason(info, c.device === null ? undefined : this.name);
        h.changed();
      }),
    );
    this.offs.push(on('ready', (info) => this.onReady(info)));
  }

  get device(): number | null {
    return this.c.device;
  }

  get name(): string {
    return this.c.name();
  }

  get backendId(): string | null {
    return this.id;
  }

  status(): InstanceStatus {
    const run = this.launched.status();
    return {
      ...run,
      backendId: this.id,
      device: this.c.device,
      name: this.name,
      port: this.launched.port ?? null,
      restarts: this.launched.restarts,
    };
  }

  /** The record was removed. */
  forget(id: string): void {
    if (this.id === id) this.id = null;
  }

  /** A live backend was made for this record: it shows 'starting' while its ComfyUI boots. */
  attached(record: BackendRecord, backend: ComfyBackend): void {
    if (record.id === this.id && this.launched.state === 'starting') backend.markStarting(true);
  }

  /** Its record (kind 'launched', this device), if there is one. */
  record(): BackendRecord | undefined {
    if (this.id) {
      const r = this.h.records.get(this.id);
      if (r) return r;
    }
    return this.h.records.list().find((r) => r.kind === 'launched' && r.device === this.c.device);
  }

  /** The name its backend record has. */
  recordName(): string {
    return this.c.device === null ? LAUNCHED_NAME : `${this.name} (launched)`;
  }

  /** Stop listening to its launcher (it was taken out of the settings and has stopped). */
  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private onReady(info: ReadyInfo): void {
    if (!this.h.started()) return;
    const url = normalizeBaseUrl(info.url) ?? info.url;
    const launchPath = this.launched.settings.launchPath;
    const record = this.claim(url, launchPath);
    this.id = record.id;
    this.h.log.info('launched ComfyUI is ready', {
      url,
      via: info.via,
      ...(this.c.device === null ? {} : { gpu: this.c.device }),
    });
    if (record.enabled) this.h.startLive(record);
    // Ready: ask at once instead of waiting for the socket's next try (the answer reconnects its socket at once);
    // 'starting' ends either way (unless by then this run ended and another boot began).
    const b = this.h.backend(record.id);
    const stillThisRun = () => this.launched.state === 'running' && this.launched.status().pid === info.pid;
    if (b) void b.recheck().finally(() => stillThisRun() && b.markStarting(false));
    this.h.changed();
  }

  /**
   * The record for this ComfyUI now at `url`: its own (moved there when it came back on another port), or the one
   * that holds the address. A launched record of another GPU at that address is stale (that GPU does not run
   * there now): it passes to this one when this one has none, else it is dropped; a sibling's that still runs
   * elsewhere is moved to its own address first.
   */
  private claim(url: string, launchPath: string | null): BackendRecord {
    const { records } = this.h;
    const own = this.record();
    let atUrl = records.byUrl(url);
    if (atUrl && atUrl.id !== own?.id && atUrl.kind === 'launched' && atUrl.device !== this.c.device) {
      const elsewhere = this.c.siblingUrl(atUrl.id);
      if (elsewhere && elsewhere !== url && !records.byUrl(elsewhere)) {
        this.moveTo(atUrl, elsewhere);
      } else if (own) {
        this.h.dropRecord(atUrl.id);
      } else {
        void this.h.stopLive(atUrl.id);
        records.update(atUrl.id, { device: this.c.device, name: this.recordName(), launchPath });
      }
      atUrl = records.byUrl(url);
    }
    if (atUrl) return this.named(atUrl);
    // Same ComfyUI, another port: keep its id and clientId, reconnect at the new address.
    if (own) return this.named(this.moveTo(own, url, launchPath));
    return records.ensure(url, 'launched', this.recordName(), launchPath ?? undefined, this.c.device);
  }

  private moveTo(record: BackendRecord, url: string, launchPath?: string | null): BackendRecord {
    void this.h.stopLive(record.id);
    this.h.forgetVersion(record.id);
    return this.h.records.update(record.id, { url, ...(launchPath !== undefined ? { launchPath } : {}) }) ?? record;
  }

  /** A GPU's record carries the GPU's name as last detected. */
  private named(record: BackendRecord): BackendRecord {
    if (record.kind !== 'launched' || this.c.device === null || record.name === this.recordName()) return record;
    return this.h.records.update(record.id, { name: this.recordName() }) ?? record;
  }

  private backend(): ComfyBackend | undefined {
    return this.id ? this.h.backend(this.id) : undefined;
  }
}
