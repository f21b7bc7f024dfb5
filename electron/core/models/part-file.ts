/**
 * The `<name>.part` file a download writes next to its target: the bytes are hashed (SHA-256) as they are taken,
 * written in order with one write in flight (batched, so the network never waits on the disk for long), and a
 * resumed download hashes the bytes already there first. The finished file is renamed to its real name without
 * ever replacing a file that is already there.
 */
import { constants } from 'node:fs';
import { link, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';

/** Bytes waiting for the disk before the reader is asked to wait. */
const HIGH_WATER = 16 * 1024 * 1024;
const READ_CHUNK = 4 * 1024 * 1024;

/** The target name already exists (`commit` never replaces it). */
export class TargetExistsError extends Error {
  override readonly name = 'TargetExistsError';
  constructor(readonly path: string) {
    super(`${path} exists`);
  }
}

export class PartFile {
  private hash: Hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | null = null;
  private failure: unknown = null;
  private written: number;
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    /** Bytes taken (hashed); the disk has them once `flush()` resolves. */
    public size: number,
  ) {
    this.written = size;
  }

  /**
   * Open (or create) the part file. With `keep`, the bytes already there are hashed first (checking `signal`
   * between reads); without it the file starts empty.
   */
  static async open(path: string, keep: boolean, signal: AbortSignal): Promise<PartFile> {
    const fh = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      let size = (await fh.stat()).size;
      if (!keep && size > 0) {
        await fh.truncate(0);
        size = 0;
      }
      const part = new PartFile(path, fh, size);
      if (size > 0) await part.hashExisting(signal);
      return part;
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
  }

  private async hashExisting(signal: AbortSignal): Promise<void> {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (let pos = 0; pos < this.size;) {
      signal.throwIfAborted();
      const { bytesRead } = await this.fh.read(buffer, 0, Math.min(READ_CHUNK, this.size - pos), pos);
      if (bytesRead === 0) break;
      this.hash.update(buffer.subarray(0, bytesRead));
      pos += bytesRead;
    }
  }

  /** Take a chunk: hashed now, written soon. False when the caller should `await drain()` before the next. */
  write(chunk: Buffer): boolean {
    if (this.failure) throw this.failure;
    this.hash.update(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.size += chunk.length;
    this.writing ??= this.writeLoop();
    return this.pendingBytes < HIGH_WATER;
  }

  /** Resolves once the bytes waiting for the disk are below the high-water mark again. */
  async drain(): Promise<void> {
    while (this.pendingBytes >= HIGH_WATER && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
  }

  /** Every byte taken is on disk (or the write error is thrown). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        const bytes = batch.reduce((n, b) => n + b.length, 0);
        const { bytesWritten } = await this.fh.writev(batch, this.written);
        if (bytesWritten !== bytes) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
        this.written += bytes;
        this.pendingBytes -= bytes;
        for (const wake of this.waiters.splice(0)) wake();
      }
    } catch (err) {
      this.failure = err;
      for (const wake of this.waiters.splice(0)) wake();
    } finally {
      this.writing = null;
    }
  }

  /** Start again from nothing (the host sent the whole file instead of the rest). */
  async truncate(): Promise<void> {
    await this.flush();
    await this.fh.truncate(0);
    this.size = 0;
    this.written = 0;
    this.hash = createHash('sha256');
  }

  /** The SHA-256 (hex) of every byte taken. Ends the hash: call once, when the file is complete. */
  digest(): string {
    return this.hash.digest('hex');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush().catch(() => {});
    await this.fh.close().catch(() => {});
  }

  /** Close and delete the part file. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }

  /**
   * Make it the real file: flushed, synced to disk, then linked under `target` (which fails when `target` exists,
   * so nothing is ever replaced) and the part name removed. Where the drive cannot link (FAT, some network
   * drives), it is renamed after checking the name is free.
   */
  async commit(target: string): Promise<void> {
    await this.flush();
    await this.fh.sync();
    await this.close();
    try {
      await link(this.path, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new TargetExistsError(target);
      if (
        await stat(target).then(
          () => true,
          () => false,
        )
      )
        throw new TargetExistsError(target);
      await rename(this.path, target);
      return;
    }
    await unlink(this.path);
  }
}
