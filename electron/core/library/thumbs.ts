/**
 * Thumbnails, off the job's hot path: one at a time, WebP about 320 px on the long side, made with sharp
 * (images) or ffmpeg's first frame (videos, only when ffmpeg is on PATH). A failing file is logged and
 * skipped; outputs whose thumbnail is missing are found again at start.
 */
import { access, mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Output } from '@shared/library';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { OutputsRepo } from '@core/store/outputs-repo';
import { runFfmpeg } from './ffmpeg';
import { dayFolder } from './naming';

export interface ThumbnailQueueOptions {
  /** Where thumbnails live (`<libraryDir>/.thumbs`). */
  dir: string;
  store: OutputsRepo;
  events: EventBus;
  logger: Logger;
  /** ffmpeg for video thumbnails; null = videos get none (the UI shows an icon). */
  ffmpegPath: string | null;
  /** Long side in pixels (default 320). */
  size?: number;
}

const SCAN_PAGE = 500;
/** Under a steady stream of results, one thumbnail is still made after this many have been collected. */
const MAX_HELD_RELEASES = 20;

export class ThumbnailQueue {
  private readonly queue: number[] = [];
  private readonly queued = new Set<number>();
  private readonly size: number;
  private running: Promise<void> | null = null;
  private scanning: Promise<void> | null = null;
  private stopped = false;
  private tmpSeq = 0;
  /** Jobs whose results are being collected right now (the hot path), and who waits for them to end. */
  private holds = 0;
  private releasedWhileWaiting = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: ThumbnailQueueOptions) {
    this.size = opts.size ?? 320;
  }

  /** Where the thumbnail of an output goes. */
  pathFor(output: Pick<Output, 'id' | 'createdAt'>): string {
    return join(this.opts.dir, dayFolder(output.createdAt), `${output.id}.webp`);
  }

  /** Whether this output can get a thumbnail at all. */
  canThumbnail(output: Pick<Output, 'kind'>): boolean {
    return output.kind === 'image' || this.opts.ffmpegPath !== null;
  }

  /** Queue thumbnails for these outputs (duplicates and impossible ones are skipped). */
  enqueue(outputs: readonly Output[]): void {
    if (this.stopped) return;
    for (const o of outputs) {
      if (!this.canThumbnail(o) || this.queued.has(o.id)) continue;
      this.queued.add(o.id);
      this.queue.push(o.id);
    }
    this.kick();
  }

  /**
   * A job's results are being downloaded and indexed: thumbnails wait for a gap so delivery comes first (but never
   * starve: one is made after every MAX_HELD_RELEASES results). Returns the release; calling it twice is harmless.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.releasedWhileWaiting++;
      if (this.holds === 0 || this.releasedWhileWaiting >= MAX_HELD_RELEASES) this.wake?.();
    };
  }

  private async gap(): Promise<void> {
    this.releasedWhileWaiting = 0;
    while (this.holds > 0 && this.releasedWhileWaiting < MAX_HELD_RELEASES && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Drop queued work for outputs that were removed. */
  forget(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.queued.delete(id)) continue;
      const at = this.queue.indexOf(id);
      if (at >= 0) this.queue.splice(at, 1);
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Look (in the background) for outputs whose thumbnail is missing and queue them. */
  start(): void {
    this.stopped = false;
    this.scanning ??= this.scanMissing()
      .catch((err: unknown) => this.opts.logger.warn('scanning for missing thumbnails failed', { error: err }))
      .finally(() => {
        this.scanning = null;
      });
  }

  /** Resolves when the start scan is done and the queue is empty. */
  async idle(): Promise<void> {
    while (this.scanning || this.running) await (this.scanning ?? this.running);
  }

  /** Abandon queued work (it is found again at next start) and wait for the thumbnail being made. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.queued.clear();
    this.wake?.();
    await this.idle();
  }

  private kick(): void {
    if (this.running || this.queue.length === 0 || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      await this.gap();
      const id = this.queue.shift();
      if (id === undefined || this.stopped) break;
      this.queued.delete(id);
      try {
        await this.makeOne(id);
      } catch (err) {
        // e.g. the store closed under us at shutdown; the next start finds this one again
        this.opts.logger.warn('thumbnail not recorded', { id, error: err });
      }
    }
  }

  private async makeOne(id: number): Promise<void> {
    const output = this.opts.store.get(id);
    if (!output || !this.canThumbnail(output)) return;
    const dest = this.pathFor(output);
    const tmp = `${dest}.${process.pid}-${++this.tmpSeq}.tmp`;
    try {
      await mkdir(join(dest, '..'), { recursive: true });
      if (output.kind === 'image') await this.fromImage(output.filePath, tmp);
      else await this.fromVideo(output.filePath, tmp);
      await rename(tmp, dest);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      // A source file deleted by hand is expected (its row stays until the user deletes it): no warning.
      const gone = !(await access(output.filePath).then(
        () => true,
        () => false,
      ));
      if (gone) this.opts.logger.debug('no thumbnail: the file is missing', { id, file: output.filePath });
      else this.opts.logger.warn('could not make a thumbnail', { id, file: output.filePath, error: err });
      return;
    }
    // Removed while we worked: do not leave an orphan behind.
    if (!this.opts.store.setThumbnail(id, dest)) {
      await unlink(dest).catch(() => {});
      return;
    }
    this.opts.events.emit('library.changed', { id, thumbnailPath: dest });
  }

  private async fromImage(file: string, dest: string): Promise<void> {
    await this.resize(sharp(file, { animated: false, failOn: 'error' }), dest);
  }

  private async fromVideo(file: string, dest: string): Promise<void> {
    const { stdout } = await runFfmpeg(
      this.opts.ffmpegPath!,
      ['-v', 'error', '-nostdin', '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'],
      30_000,
    );
    if (stdout.length === 0) throw new Error('ffmpeg gave no frame');
    await this.resize(sharp(stdout), dest);
  }

  private async resize(image: Sharp, dest: string): Promise<void> {
    await image
      .rotate()
      .resize({ width: this.size, height: this.size, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78, effort: 2 })
      .toFile(dest);
  }

  /** Queue every output whose thumbnail is missing (never made, or its file is gone). */
  private async scanMissing(): Promise<void> {
    // One directory listing per day folder instead of one access() per output.
    const listings = new Map<string, Promise<Set<string>>>();
    let after = 0;
    for (;;) {
      if (this.stopped) return;
      const page = this.opts.store.scan(after, SCAN_PAGE);
      if (page.length === 0) return;
      after = page[page.length - 1]!.id;
      const missing = await Promise.all(page.map(async (o) => ((await this.thumbMissing(o, listings)) ? o : null)));
      const todo: Output[] = [];
      for (const o of missing) {
        if (!o) continue;
        if (this.canThumbnail(o)) todo.push(o);
        else if (o.thumbnailPath !== null && this.opts.store.setThumbnail(o.id, null)) {
          this.opts.events.emit('library.changed', { id: o.id, thumbnailPath: null });
        }
      }
      this.enqueue(todo);
    }
  }

  private async thumbMissing(o: Output, listings: Map<string, Promise<Set<string>>>): Promise<boolean> {
    if (o.thumbnailPath === null) return this.canThumbnail(o);
    const dir = dirname(o.thumbnailPath);
    let names = listings.get(dir);
    if (!names) {
      names = readdir(dir).then(
        (n) => new Set(n),
        () => new Set<string>(),
      );
      listings.set(dir, names);
    }
    return !(await names).has(basename(o.thumbnailPath));
  }
}
