/**
 * A `downloads.start` request checked before anything is fetched: the catalogue entry or the link (pages turned
 * into download links, links with secrets refused), the backend's folder (the named one, else the first that can
 * take it), a file already there, an identical download already queued (returned as is), a failed one to go on
 * with (its part file is kept), and, when the size is known, the free space. Every refusal is readable.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { refusal, type ApiError } from '@shared/api';
import type { DownloadStart } from '@shared/api/models';
import type { BackendRecord } from '@shared/backends';
import {
  canonicalDownloadFolder,
  type Destination,
  type DownloadFolder,
  type DownloadService,
} from '@shared/downloads';
import type { ModelFolder } from '@shared/workflow-manifest';
import type { DownloadRecord, DownloadsRepo, NewDownload } from '@core/store/downloads-repo';
import type { ModelCatalog } from './catalog';
import { civitaiModelFile } from './civitai';
import { fileSize, partPath } from './disk';
import { DownloadError, formatBytes } from './download-errors';
import { normalizeLink, type ServiceHosts } from './hosts';
import type { DownloadTimeouts } from './http-get';

export interface RequestDeps {
  repo: DownloadsRepo;
  catalog: ModelCatalog;
  /** The backend records, in the order one is chosen when the caller names none. */
  backends(): BackendRecord[];
  destination(backendId: string, folder: DownloadFolder): Promise<Destination>;
  freeSpace(dir: string): Promise<number>;
  spareBytes(total: number): number;
  hosts: ServiceHosts;
  dispatcher: Dispatcher;
  timeouts: DownloadTimeouts;
  token(service: DownloadService): string | null;
}

/** What to do with a request: nothing new (the same download is queued), go on with a failed one, or a new one. */
export type DownloadPlan =
  | { kind: 'same'; record: DownloadRecord }
  | { kind: 'resume'; record: DownloadRecord }
  | { kind: 'new'; download: Omit<NewDownload, 'id'> };

export async function planDownload(input: DownloadStart, deps: RequestDeps): Promise<DownloadPlan> {
  return 'entry' in input
    ? planEntry(input.entry.folder, input.entry.file, input.backendId, deps)
    : planLink(input.url, input.folder, input.backendId, input.sha256 ?? null, deps);
}

async function planEntry(
  folder: ModelFolder,
  file: string,
  backendId: string | undefined,
  deps: RequestDeps,
): Promise<DownloadPlan> {
  const state = deps.catalog.state();
  if (!state.ok) throw refusal('unavailable', 'No model catalogue', state.problem);
  const entry = deps.catalog.find(folder, file);
  if (!entry) {
    throw refusal(
      'not_found',
      'Not in the catalogue',
      `${file} (${canonicalDownloadFolder(folder)}) is not in the model catalogue. Download it by its link instead.`,
    );
  }
  const dest = await chooseDestination(entry.folder, backendId, deps);
  if ((await fileSize(path.join(dest.dir, entry.file), -1)) >= 0) {
    throw refusal(
      'conflict',
      'Already there',
      `${entry.file} is already in ${dest.dir}: nothing was downloaded or overwritten.`,
    );
  }
  const active = deps.repo.active().find((d) => d.dir === dest.dir && d.file === entry.file);
  if (active) return { kind: 'same', record: active };
  const previous = deps.repo.latestFor(dest.dir, entry.file);
  const failed = previous?.state === 'failed' ? previous : null;
  const have = failed ? await fileSize(partPath(dest.dir, entry.file)) : 0;
  await refuseIfNoSpace(deps, dest.dir, entry.file, entry.bytes, have);
  await makeFolder(dest.dir);
  if (failed) return { kind: 'resume', record: failed };
  return {
    kind: 'new',
    download: {
      source: 'catalog',
      backendId: dest.backendId,
      folder: canonicalDownloadFolder(entry.folder),
      file: entry.file,
      dir: dest.dir,
      urls: entry.urls,
      expectedBytes: entry.bytes,
      sha256: entry.sha256,
    },
  };
}

async function planLink(
  raw: string,
  folder: DownloadFolder,
  backendId: string | undefined,
  sha256: string | null,
  deps: RequestDeps,
): Promise<DownloadPlan> {
  const link = normalizeLink(raw, deps.hosts);
  if (!link.ok) throw refusal('bad_request', 'Cannot download this link', link.message);
  const dest = await chooseDestination(folder, backendId, deps);
  let url = link.url;
  if (url === null && 'civitaiModel' in link) {
    try {
      const found = await civitaiModelFile(link.civitaiModel, {
        dispatcher: deps.dispatcher,
        timeouts: deps.timeouts,
        token: deps.token('civitai'),
        hosts: deps.hosts,
        dir: dest.dir,
      });
      url = found.url;
      sha256 ??= found.sha256;
    } catch (err) {
      if (err instanceof DownloadError) throw refusal('unavailable', 'Cannot download this link', err.message);
      throw err;
    }
  }
  const active = deps.repo.active().find((d) => d.dir === dest.dir && d.urls[0] === url);
  if (active) return { kind: 'same', record: active };
  await makeFolder(dest.dir);
  const failed = deps.repo.list().find((d) => d.state === 'failed' && d.dir === dest.dir && d.urls[0] === url);
  if (failed) return { kind: 'resume', record: failed };
  return {
    kind: 'new',
    download: {
      source: 'url',
      backendId: dest.backendId,
      folder: canonicalDownloadFolder(folder),
      file: null,
      dir: dest.dir,
      urls: [url!],
      expectedBytes: null,
      sha256,
    },
  };
}

/** The named backend's folder, or the first backend's that can take the file (the launched ComfyUI first). */
async function chooseDestination(
  folder: DownloadFolder,
  backendId: string | undefined,
  deps: RequestDeps,
): Promise<Destination & { ok: true }> {
  const fail = (d: Destination & { ok: false }): ApiError => refusal('conflict', 'Cannot download there', d.reason);
  if (backendId) {
    const d = await deps.destination(backendId, folder);
    if (!d.ok) throw fail(d);
    return d;
  }
  const records = deps.backends();
  if (records.length === 0) {
    throw refusal(
      'unavailable',
      'No ComfyUI yet',
      'No ComfyUI backend is set up to download into. Choose your ComfyUI folder in Settings → ComfyUI (or start ' +
        'your ComfyUI), then try again.',
    );
  }
  const refused: Array<Destination & { ok: false }> = [];
  for (const r of records) {
    const d = await deps.destination(r.id, folder);
    if (d.ok) return d;
    refused.push(d);
  }
  throw fail(refused[0]!);
}

async function refuseIfNoSpace(
  deps: RequestDeps,
  dir: string,
  file: string,
  bytes: number,
  have: number,
): Promise<void> {
  const need = bytes - have;
  const spare = deps.spareBytes(bytes);
  const free = await deps.freeSpace(dir).catch(() => Infinity);
  if (free >= need + spare) return;
  throw refusal(
    'limit',
    'Not enough disk space',
    `Not enough free space for ${file} in ${dir}: it needs ${formatBytes(need + spare)} (${formatBytes(need)} to ` +
      `download plus ${formatBytes(spare)} to spare) and only ${formatBytes(free)} is free. Free up ` +
      `${formatBytes(need + spare - free)} on that drive, then start the download again.`,
  );
}

async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch {
    throw refusal(
      'conflict',
      'Cannot download there',
      `ComfyDesk cannot make the folder ${dir}. Check that its drive is there and that your user may write into it.`,
    );
  }
}

/** Order of the backends when none is named: the launched ComfyUI, then those on this machine, then the rest. */
export function downloadOrder(records: BackendRecord[], isThisMachine: (url: string) => boolean): BackendRecord[] {
  const rank = (r: BackendRecord): number =>
    r.kind === 'launched' ? 0 : r.kind === 'local' || isThisMachine(r.url) ? 1 : 2;
  return records.filter((r) => r.enabled).sort((a, b) => rank(a) - rank(b));
}
