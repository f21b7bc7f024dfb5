/**
 * The model downloads' test set-up: a model host double, a generated catalogue whose entries point at it, a fake
 * ComfyUI whose models folder is on disk, and a core connected to it with the downloader tuned for tests (the host
 * plays Hugging Face, retries without waiting, an optional free-space probe). Waits are on events.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DownloadView, DownloadProgress } from '@shared/downloads';
import type { CatalogEntry } from '@shared/model-catalog';
import type { Core } from '@core/app';
import type { Logger } from '@core/log';
import type { DownloadTuning } from '@core/models/downloads';
import type { CoreFixtures } from '@test/helpers/fixtures';
import type { FakeComfy, FakeComfyOptions } from '@test/fakes/comfyui';
import { startModelHost, type HostedFile, type ModelHost } from '@test/fakes/model-host';

/** A catalogue entry for a hosted file (its real size and hash unless told otherwise). */
export function catalogEntry(
  f: HostedFile,
  folder: CatalogEntry['folder'],
  file: string,
  over: Partial<CatalogEntry> = {},
): CatalogEntry {
  return {
    file,
    folder,
    urls: [f.url],
    bytes: f.size,
    sha256: f.sha256,
    source: 'https://example.invalid/model-page',
    licence: 'test licence',
    gated: false,
    ...over,
  };
}

export function writeCatalog(dir: string, models: CatalogEntry[]): string {
  const file = path.join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify({ version: 1, models }, null, 2));
  return file;
}

export interface World {
  host: ModelHost;
  comfy: FakeComfy;
  core: Core;
  /** The fake ComfyUI's models folder. */
  modelsDir: string;
  catalogPath: string;
  dataDir: string;
  backendId: string;
}

export interface WorldOptions {
  /** Catalogue entries; they may point at `host` (made first and passed in). */
  catalog?: (host: ModelHost) => CatalogEntry[];
  comfy?: FakeComfyOptions;
  tuning?: Partial<DownloadTuning>;
  /** Reuse a host (a second core in the same test). */
  host?: ModelHost;
  dataDir?: string;
  catalogPath?: string;
  logger?: Logger;
}

/** Test tuning: the host plays Hugging Face, retries come at once, reports at most every 50 ms. */
export function testTuning(host: ModelHost, more: Partial<DownloadTuning> = {}): Partial<DownloadTuning> {
  return {
    hosts: { huggingface: [host.host], civitai: [] },
    retryDelaysMs: [0, 0, 0],
    progressIntervalMs: 50,
    spareBytes: () => 1024,
    timeouts: { connectMs: 5000, headersMs: 10_000, bodyMs: 10_000 },
    ...more,
  };
}

export async function startWorld(
  f: Pick<CoreFixtures, 'startComfy' | 'startCore' | 'tempDir' | 'defer'>,
  o: WorldOptions = {},
): Promise<World> {
  let host = o.host;
  if (!host) {
    const started = await startModelHost();
    f.defer(() => started.close());
    host = started;
  }
  const dir = f.tempDir('comfydesk-models-');
  const catalogPath = o.catalogPath ?? writeCatalog(dir, o.catalog?.(host) ?? []);
  const modelsDir = o.comfy?.modelsDir ?? path.join(dir, 'comfy-models');
  const comfy = await f.startComfy({ modelsDir, ...o.comfy });
  const dataDir = o.dataDir ?? f.tempDir('comfydesk-data-');
  const core = await f.startCore({
    dataDir,
    comfyUrl: comfy.url,
    models: { catalogPath, tuning: testTuning(host, o.tuning) },
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const backendId = core.comfy.list()[0]!.id;
  return { host, comfy, core, modelsDir, catalogPath, dataDir, backendId };
}

/** The next `download.changed` of this download in one of these states (or now, if it is in one). */
export function downloadIn(core: Core, id: string, states: DownloadView['state'][]): Promise<DownloadView> {
  return new Promise((resolve) => {
    const off = core.events.on('download.changed', (d) => {
      if (d.id === id && states.includes(d.state)) {
        off();
        resolve(d);
      }
    });
    const now = core.downloads.list().find((d) => d.id === id);
    if (now && states.includes(now.state)) {
      off();
      resolve(now);
    }
  });
}

/** The first progress report of this download with at least `bytes` done. */
export function progressAt(core: Core, id: string, bytes: number): Promise<DownloadProgress> {
  return new Promise((resolve) => {
    const off = core.events.on('download.progress', (p) => {
      if (p.id === id && p.bytesDone >= bytes) {
        off();
        resolve(p);
      }
    });
  });
}

/** The message of a refused call. */
export async function refusedWith(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('the call was not refused');
}
