/**
 * The library's orphan scan (at start, and on demand): files in the day folders no output row points at, rows
 * whose file is gone, and thumbnails of no output. Fixed both ways without losing anything:
 *   - a file without a row is moved to `<library>/orphans/<same relative path>` (it may be a picture the user
 *     wants, e.g. after restoring an older database); never deleted;
 *   - a row without a file gets its file back from there when it is there, else the row (and its thumbnail) goes;
 *   - a thumbnail of no output is deleted (thumbnails are made again when needed).
 * When most rows have no file the library folder is probably unplugged: then the scan reports and changes nothing.
 * Each fix checks again at that moment (an ingest may be placing files; a thumbnail may just have been made).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative } from 'node:path';
import type { OrphanReport } from '@shared/api/data';
import type { Library } from '@core/library/library';
import { mediaType } from '@core/library/media-types';
import type { LibraryUpkeepRepo } from '@core/store/library-upkeep-repo';
import type { OutputsRepo } from '@core/store/outputs-repo';
import type { Logger } from '../log';
import { breathe } from './retention';

export const ORPHANS_DIR = 'orphans';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PAGE = 5_000;
/** At least this many rows without files, and at least half of all rows: the folder looks unavailable. */
const UNPLUGGED_MIN = 20;

export interface OrphanDeps {
  library: Pick<Library, 'dir' | 'thumbnailsDir' | 'isIngestingInto' | 'removeMany'>;
  outputs: Pick<OutputsRepo, 'hasFilePath'>;
  upkeep: LibraryUpkeepRepo;
  logger: Logger;
  now: () => number;
  signal?: AbortSignal;
}

async function listDir(dir: string): Promise<{ name: string; isDir: boolean; isFile: boolean }[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((e) => ({
      name: e.name,
      isDir: e.isDirectory(),
      isFile: e.isFile(),
    }));
  } catch {
    return [];
  }
}

/** Media files in `<root>/<YYYY-MM-DD>/` (names starting with a dot are temporary files, left alone). */
async function dayFiles(root: string, accept: (name: string) => boolean, signal?: AbortSignal): Promise<string[]> {
  const files: string[] = [];
  for (const day of await listDir(root)) {
    if (!day.isDir || !DAY.test(day.name)) continue;
    signal?.throwIfAborted();
    for (const f of await listDir(join(root, day.name))) {
      if (f.isFile && !f.name.startsWith('.') && accept(f.name)) files.push(join(root, day.name, f.name));
    }
  }
  return files;
}

/** A free path like `path`, adding `-2`, `-3`… before the extension when taken. */
function freePath(path: string): string {
  if (!existsSync(path)) return path;
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  for (let n = 2; ; n++) if (!existsSync(`${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
}

function inside(root: string, path: string): string | null {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : null;
}

export async function scanOrphans(deps: OrphanDeps): Promise<OrphanReport> {
  const { library, upkeep, signal } = deps;
  const orphansDir = join(library.dir, ORPHANS_DIR);
  const files = new Set(await dayFiles(library.dir, (n) => mediaType(n) !== null, signal));
  const thumbs = await dayFiles(library.thumbnailsDir, (n) => n.endsWith('.webp'), signal);

  const known = new Set<string>();
  const knownThumbs = new Set<string>();
  const missing: { id: number; filePath: string }[] = [];
  let rows = 0;
  for (let after = 0; ;) {
    signal?.throwIfAborted();
    const page = upkeep.paths(after, PAGE);
    for (const r of page) {
      known.add(r.filePath);
      if (r.thumbnailPath) knownThumbs.add(r.thumbnailPath);
      if (!files.has(r.filePath)) missing.push({ id: r.id, filePath: r.filePath });
    }
    rows += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
    await breathe();
  }
  // A row whose file lives outside the day folders (an older layout) is only missing when the file is.
  const rowsWithoutFiles: typeof missing = [];
  for (const [i, m] of missing.entries()) {
    if (!existsSync(m.filePath)) rowsWithoutFiles.push(m);
    if (i % 1000 === 999) await breathe();
  }
  const filesWithoutRows = [...files].filter((f) => !known.has(f));
  const report: OrphanReport = {
    at: deps.now(),
    filesWithoutRows: filesWithoutRows.length,
    filesMovedAside: 0,
    orphansDir,
    rowsWithoutFiles: rowsWithoutFiles.length,
    rowsRelinked: 0,
    rowsRemoved: 0,
    thumbnailsRemoved: 0,
    notFixed: null,
  };
  if (rowsWithoutFiles.length >= UNPLUGGED_MIN && rowsWithoutFiles.length * 2 >= rows) {
    report.notFixed =
      `${rowsWithoutFiles.length} of ${rows} outputs have no file in ${library.dir}: the folder looks unavailable ` +
      '(an unplugged drive?), so nothing was changed';
    deps.logger.warn('orphan scan: library folder looks unavailable', { missing: rowsWithoutFiles.length, rows });
    return report;
  }

  // Rows without files: put the file back from the orphans folder, else remove the row.
  const toRemove: number[] = [];
  for (const m of rowsWithoutFiles) {
    const rel = inside(library.dir, m.filePath);
    const aside = rel ? join(orphansDir, rel) : null;
    if (aside && existsSync(aside) && !existsSync(m.filePath)) {
      await mkdir(dirname(m.filePath), { recursive: true });
      await rename(aside, m.filePath);
      report.rowsRelinked++;
    } else if (!existsSync(m.filePath)) toRemove.push(m.id);
  }
  for (let i = 0; i < toRemove.length; i += 250) {
    report.rowsRemoved += (await library.removeMany(toRemove.slice(i, i + 250))).length;
    await breathe();
  }

  // Files without rows: moved aside, unless a row owns them now or an ingest is placing files there.
  for (const file of filesWithoutRows) {
    signal?.throwIfAborted();
    if (deps.outputs.hasFilePath(file) || library.isIngestingInto(dirname(file))) continue;
    const rel = inside(library.dir, file)!;
    const target = freePath(join(orphansDir, rel));
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(file, target);
      report.filesMovedAside++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        deps.logger.warn('orphan scan: could not move a file aside', { file, error: err });
    }
  }

  // Thumbnails of no output.
  for (const thumb of thumbs) {
    if (knownThumbs.has(thumb)) continue;
    const id = /^(\d+)\.webp$/.exec(basename(thumb));
    if (upkeep.ownsThumbnail(id ? Number(id[1]) : null, thumb)) continue;
    try {
      await unlink(thumb);
      report.thumbnailsRemoved++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        deps.logger.warn('orphan scan: could not delete a thumbnail', { file: thumb, error: err });
    }
  }
  const changed = report.filesMovedAside + report.rowsRelinked + report.rowsRemoved + report.thumbnailsRemoved;
  if (report.filesWithoutRows + report.rowsWithoutFiles + report.thumbnailsRemoved > 0)
    deps.logger.info('orphan scan', { ...report, changed });
  return report;
}
