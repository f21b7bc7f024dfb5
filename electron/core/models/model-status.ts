/**
 * `models.catalog`: every catalogue file with, per backend, whether it is there (as the backend lists it, or on
 * disk in its folder), missing, or being downloaded; where it would go with the free space there; and which
 * workflows need it with the current model settings.
 */
import path from 'node:path';
import type { CatalogModel, ModelOnBackend, ModelsCatalog } from '@shared/api/models';
import type { BackendRecord } from '@shared/backends';
import { canonicalDownloadFolder, type Destination, type DownloadFolder } from '@shared/downloads';
import type { CatalogEntry } from '@shared/model-catalog';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { DownloadRecord } from '@core/store/downloads-repo';
import { requiredModelFiles } from '@core/workflows/requirements';
import type { CatalogState } from './catalog';
import { fileSize } from './disk';

export interface CatalogViewDeps {
  catalog: CatalogState;
  workflows: ReadonlyArray<{ manifest: WorkflowManifest }>;
  /** The user's model settings (settings key → file name). */
  modelSettings: Readonly<Record<string, string>>;
  backends: BackendRecord[];
  destination(backendId: string, folder: DownloadFolder): Promise<Destination>;
  /** The files a backend lists in a folder now; null when it is offline (or does not answer). */
  listed(backendId: string, folder: DownloadFolder): Promise<readonly string[] | null>;
  /** Queued and running downloads. */
  active: readonly DownloadRecord[];
}

const norm = (name: string): string => name.replace(/\\/g, '/');

/** Memoise an async look-up per key for the length of one view. */
function memo<T>(fn: (backendId: string, folder: DownloadFolder) => Promise<T>) {
  const cache = new Map<string, Promise<T>>();
  return (backendId: string, folder: DownloadFolder): Promise<T> => {
    const key = `${backendId}\u0000${folder}`;
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = fn(backendId, folder)));
    return hit;
  };
}

export async function catalogView(deps: CatalogViewDeps): Promise<ModelsCatalog> {
  if (!deps.catalog.ok) return { problem: deps.catalog.problem, models: [] };
  const destination = memo(deps.destination);
  const listed = memo(deps.listed);
  const needs = deps.workflows.map((w) => ({
    id: w.manifest.id,
    files: requiredModelFiles(w.manifest, { models: deps.modelSettings }),
  }));

  const onBackend = async (entry: CatalogEntry, b: BackendRecord): Promise<ModelOnBackend> => {
    const folder = canonicalDownloadFolder(entry.folder);
    const [dest, files] = await Promise.all([destination(b.id, folder), listed(b.id, folder)]);
    const download = deps.active.find(
      (d) =>
        d.file === entry.file &&
        canonicalDownloadFolder(d.folder) === folder &&
        (d.backendId === b.id || (dest.ok && d.dir === dest.dir)),
    );
    const onDisk = dest.ok && (await fileSize(path.join(dest.dir, entry.file), -1)) >= 0;
    const listedThere = files?.some((f) => norm(f) === norm(entry.file)) ?? false;
    const state: ModelOnBackend['state'] = download
      ? 'downloading'
      : listedThere || onDisk
        ? 'present'
        : files !== null || dest.ok
          ? 'missing'
          : 'unknown';
    return {
      backendId: b.id,
      backendName: b.name,
      kind: b.kind,
      state,
      downloadId: download?.id ?? null,
      destination: dest,
    };
  };

  const models: CatalogModel[] = await Promise.all(
    deps.catalog.entries.map(async (entry) => {
      const folder = canonicalDownloadFolder(entry.folder);
      return {
        ...entry,
        workflows: needs
          .filter((w) => w.files.some((f) => f.folder === folder && norm(f.file) === norm(entry.file)))
          .map((w) => w.id),
        backends: await Promise.all(deps.backends.map((b) => onBackend(entry, b))),
      };
    }),
  );
  return { problem: null, models };
}
