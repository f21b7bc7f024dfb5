/**
 * The output library: takes a finished job's files into per-day folders with readable unique names, records
 * and indexes them, queues thumbnails off the hot path, and removes files, thumbnails and rows together.
 * The jobs engine calls `incomingDir` and `ingest`; the API, the media server and the bot call the rest.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { SEARCH_TOTAL_CAP } from '@shared/api/library';
import type { Job } from '@shared/jobs';
import type { Output, OutputQuery } from '@shared/library';
import type { Clock } from '../clock';
import type { CollectedFile } from '@core/comfy/protocol/collect-outputs';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { NewOutput, OutputsRepo } from '@core/store/outputs-repo';
import { findOnPath } from './ffmpeg';
import { mediaType } from './media-types';
import { dayFolder, outputStem, placeExclusive } from './naming';
import { ThumbnailQueue } from './thumbs';

export interface LibraryOptions {
  libraryDir: string;
  store: OutputsRepo;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  events: EventBus;
  /** ffmpeg for video thumbnails and fitting; default: looked up on PATH. null = none. */
  ffmpegPath?: string | null;
  /** Thumbnail long side (default 320). */
  thumbnailSize?: number;
}

export type MediaKind = 'file' | 'thumb';
export interface MediaFile {
  path: string;
  mime: string;
}
/** `id` may be the number or its decimal text (as it arrives in a URL). */
export type ResolveMedia = (kind: MediaKind, id: number | string) => MediaFile | null;

/** Folders under the library dir that are ours, not outputs. */
const INCOMING = '.incoming';
const THUMBS = '.thumbs';
/** Files unlinked at once when outputs are removed. */
const UNLINK_CONCURRENCY = 16;

export class Library {
  readonly dir: string;
  readonly ffmpegPath: string | null;
  private readonly thumbs: ThumbnailQueue;
  private readonly madeDirs = new Set<string>();
  /** Day folders an ingest is placing files in, with how many ingests are. */
  private readonly ingestingDirs = new Map<string, number>();

  constructor(private readonly opts: LibraryOptions) {
    this.dir = opts.libraryDir;
    this.ffmpegPath = opts.ffmpegPath === undefined ? findOnPath('ffmpeg') : opts.ffmpegPath;
    this.thumbs = new ThumbnailQueue({
      dir: join(this.dir, THUMBS),
      store: opts.store,
      events: opts.events,
      logger: opts.logger.child('thumbs'),
      ffmpegPath: this.ffmpegPath,
      ...(opts.thumbnailSize ? { size: opts.thumbnailSize } : {}),
    });
  }

  /**
   * Clear what a previous run left half-done (incoming folders) and regenerate missing
   * thumbnails in the background. Call before the jobs engine starts collecting.
   */
  async start(): Promise<void> {
    await rm(join(this.dir, INCOMING), { recursive: true, force: true });
    await this.emptyTrash();
    this.thumbs.start();
  }

  /** Finish deletions a crash interrupted: unlink what the trash still lists (unless a row owns that path again). */
  async emptyTrash(): Promise<number> {
    let done = 0;
    for (;;) {
      const paths = this.opts.store.trashed(500);
      if (paths.length === 0) return done;
      const gone = await this.unlinkAll(paths.filter((p) => !this.opts.store.hasFilePath(p)));
      const owned = paths.filter((p) => this.opts.store.hasFilePath(p));
      this.opts.store.untrash([...gone, ...owned]);
      done += gone.length;
      // A file that cannot be deleted now (in use on Windows) stays listed for the next start.
      if (gone.length + owned.length < paths.length) return done;
    }
  }

  /** Whether an ingest is placing files in this folder right now (the orphan scan leaves them alone). */
  isIngestingInto(dir: string): boolean {
    return (this.ingestingDirs.get(dir) ?? 0) > 0;
  }

  /** Where the thumbnail of an output goes. */
  thumbnailPathFor(output: Pick<Output, 'id' | 'createdAt'>): string {
    return this.thumbs.pathFor(output);
  }

  /** The folder of every thumbnail. */
  get thumbnailsDir(): string {
    return join(this.dir, THUMBS);
  }

  /** Stop making thumbnails: queued ones are abandoned (found again at next start), the current one finishes. */
  async stop(): Promise<void> {
    await this.thumbs.stop();
  }

  /** Thumbnails waiting to be made. */
  thumbnailsPending(): number {
    return this.thumbs.pending;
  }

  /** The jobs engine is collecting a job's results: thumbnails wait for a gap (see ThumbnailQueue.hold). */
  holdThumbnails(): () => void {
    return this.thumbs.hold();
  }

  /** Resolves when no thumbnail is queued or being made (tests, benchmarks). */
  thumbnailsIdle(): Promise<void> {
    return this.thumbs.idle();
  }

  /** A job's temp folder, on the library's file system so `ingest` moves instead of copying. Created here. */
  incomingDir(jobId: string): string {
    const dir = this.incomingPath(jobId);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * Take a finished job's files into the library: move each into `<libraryDir>/<YYYY-MM-DD>/`, read its
   * dimensions from the header, record and index it, remove the job's incoming folder, announce
   * `library.added` and queue thumbnails. Files that are neither image nor video are dropped. On failure
   * the files are put back where they were, so the call can be retried.
   */
  async ingest(job: Job, files: readonly CollectedFile[]): Promise<Output[]> {
    const createdAt = this.opts.clock.now();
    const dayDir = join(this.dir, dayFolder(createdAt));
    await this.ensureDir(dayDir);
    const seed = seedOf(job.params.seed);
    const moved: { from: string; to: string }[] = [];
    const rows: NewOutput[] = [];
    let outputs: Output[];
    this.ingestingDirs.set(dayDir, (this.ingestingDirs.get(dayDir) ?? 0) + 1);
    try {
      let index = 0;
      for (const file of files) {
        const type = mediaType(file.path);
        if (!type) {
          this.opts.logger.debug('not a library file, skipped', { jobId: job.id, file: file.path });
          continue;
        }
        index++;
        const size = type.kind === 'image' ? await imageSize(file.path) : null;
        const ext = extname(file.path).toLowerCase();
        const stem = outputStem(createdAt, job.workflow, seed, index);
        const taken = (path: string) => this.opts.store.hasFilePath(path);
        const to = await placeExclusive(file.path, dayDir, stem, ext, taken).catch(async (err: unknown) => {
          // The day folder was deleted while we ran: make it again once.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(file.path)) throw err;
          this.madeDirs.delete(dayDir);
          await this.ensureDir(dayDir);
          return placeExclusive(file.path, dayDir, stem, ext, taken);
        });
        moved.push({ from: file.path, to });
        rows.push({
          jobId: job.id,
          filePath: to,
          kind: type.kind,
          mime: type.mime,
          width: size?.width ?? null,
          height: size?.height ?? null,
          bytes: file.bytes,
          userId: job.userId,
          guildId: job.guildId,
          workflow: job.workflow,
          prompt: job.prompt,
          negative: job.negative,
          seed,
          createdAt,
        });
      }
      outputs = this.opts.store.addMany(rows);
    } catch (err) {
      for (const m of moved.reverse()) await rename(m.to, m.from).catch(() => {});
      throw err;
    } finally {
      const left = (this.ingestingDirs.get(dayDir) ?? 1) - 1;
      if (left > 0) this.ingestingDirs.set(dayDir, left);
      else this.ingestingDirs.delete(dayDir);
    }
    await rm(this.incomingPath(job.id), { recursive: true, force: true }).catch((err: unknown) =>
      this.opts.logger.warn('could not remove a job’s incoming folder', { jobId: job.id, error: err }),
    );
    if (outputs.length) {
      this.opts.events.emit('library.added', outputs);
      this.thumbs.enqueue(outputs);
    }
    return outputs;
  }

  get(id: number): Output | null {
    return this.opts.store.get(id);
  }

  byJob(jobId: string): Output[] {
    return this.opts.store.byJob(jobId);
  }

  /** One gallery page, newest first, with the number of matches (capped at SEARCH_TOTAL_CAP). */
  search(query: OutputQuery = {}): { items: Output[]; total: number; totalCapped: boolean } {
    const { items, total, capped } = this.opts.store.page(query, SEARCH_TOTAL_CAP);
    return { items, total, totalCapped: capped };
  }

  facets(): ReturnType<OutputsRepo['facets']> {
    // Workflow names are the manifests' ids; the renderer shows titles from workflows.list.
    return this.opts.store.facets();
  }

  stats(): { count: number; bytes: number } {
    return this.opts.store.stats();
  }

  /** Returns the updated output, or null when it does not exist. Emits `library.changed`. */
  setFavourite(id: number, favourite: boolean): Output | null {
    if (!this.opts.store.setFavourite(id, favourite)) return null;
    this.opts.events.emit('library.changed', { id, favourite });
    return this.opts.store.get(id);
  }

  /** Remove one output (row, file, thumbnail). False when it was already gone. */
  async remove(id: number): Promise<boolean> {
    return (await this.removeMany([id])).length > 0;
  }

  /**
   * Remove outputs: rows first in one transaction (so nothing points at a missing file), then files and
   * thumbnails (one already missing is fine). Emits `library.removed` with the ids that existed.
   */
  async removeMany(ids: readonly number[]): Promise<number[]> {
    const removed = this.opts.store.removeMany([...new Set(ids)], (o) => [o.thumbnailPath ?? this.thumbs.pathFor(o)]);
    if (removed.length === 0) return [];
    const gone = removed.map((o) => o.id);
    this.thumbs.forget(gone);
    const paths = removed.flatMap((o) => [o.filePath, o.thumbnailPath ?? this.thumbs.pathFor(o)]);
    this.opts.store.untrash(await this.unlinkAll(paths));
    this.opts.events.emit('library.removed', { ids: gone });
    return gone;
  }

  /** Unlink files, a few at a time; returns the paths that are gone now (deleted, or already missing). */
  private async unlinkAll(paths: readonly string[]): Promise<string[]> {
    const gone: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const p = paths[next++]!;
        try {
          await unlink(p);
          gone.push(p);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') gone.push(p);
          else this.opts.logger.warn('could not delete a library file', { file: p, error: err });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UNLINK_CONCURRENCY, paths.length) }, worker));
    return gone;
  }

  /** The file or thumbnail behind a media URL: a pure look-up (no file access), null when unknown. */
  readonly resolveMedia: ResolveMedia = (kind, id) => {
    const n = typeof id === 'number' ? id : /^[0-9]{1,15}$/.test(id) ? Number(id) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) return null;
    const output = this.opts.store.get(n);
    if (!output) return null;
    if (kind === 'thumb') return output.thumbnailPath ? { path: output.thumbnailPath, mime: 'image/webp' } : null;
    return { path: output.filePath, mime: output.mime };
  };

  private incomingPath(jobId: string): string {
    return join(this.dir, INCOMING, jobId.replace(/[^A-Za-z0-9_-]/g, '_') || 'job');
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

/** A usable seed from job params: a non-negative safe integer, else null. */
function seedOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Width and height from the file header (no decoding); null when unreadable. */
async function imageSize(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const m = await sharp(path, { animated: false }).metadata();
    const oriented = m.autoOrient;
    const width = oriented?.width ?? m.width;
    const height = m.pageHeight ?? oriented?.height ?? m.height;
    return width && height ? { width, height } : null;
  } catch {
    return null;
  }
}
