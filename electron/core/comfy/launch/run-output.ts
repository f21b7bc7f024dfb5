/**
 * Where a launched ComfyUI writes its output: two files per run (stdout, stderr) in the launcher's log folder,
 * followed from here line by line. Files, not pipes: a pipe dies with this app, and ComfyUI's next write (a
 * progress bar) would then fail with a broken pipe in the middle of a job; a file outlives the app, so a
 * ComfyUI taken over after a crash keeps running and its output is still there to read.
 */
import { closeSync, openSync, promises as fsp, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { LineSplitter, type LogLine, type LogStream } from './log-tail';

export interface RunLogFiles {
  stdout: string;
  stderr: string;
}

const RUN_FILE = /^comfyui-(\d{13})-(\d+)\.(stdout|stderr)\.log$/;

/**
 * Make the two (empty) files of a new run in `dir` and open them for the child; the files of all but the newest
 * `keep` earlier runs are removed. Close the descriptors once the child has them (`closeRunFds`).
 */
export async function createRunLogs(
  dir: string,
  now: number,
  keep = 10,
): Promise<{ files: RunLogFiles; fds: [number, number] }> {
  await fsp.mkdir(dir, { recursive: true });
  const names = (await fsp.readdir(dir)).filter((n) => RUN_FILE.test(n));
  const runs = [...new Set(names.map((n) => n.replace(/\.(stdout|stderr)\.log$/, '')))].sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep + 1))) {
    for (const stream of ['stdout', 'stderr']) await fsp.rm(join(dir, `${old}.${stream}.log`), { force: true });
  }
  let seq = 0;
  let base = `comfyui-${String(now).padStart(13, '0')}-${seq}`;
  while (runs.includes(base)) base = `comfyui-${String(now).padStart(13, '0')}-${++seq}`;
  const files = { stdout: join(dir, `${base}.stdout.log`), stderr: join(dir, `${base}.stderr.log`) };
  const out = openSync(files.stdout, 'a');
  let err: number;
  try {
    err = openSync(files.stderr, 'a');
  } catch (e) {
    closeSync(out);
    throw e;
  }
  return { files, fds: [out, err] };
}

export function closeRunFds(fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

interface Followed {
  path: string;
  splitter: LineSplitter;
  position: number;
  /** Started in the middle of the file: the first (partial) line is dropped. */
  skipFirst: boolean;
  reading: Promise<void>;
  watcher: FSWatcher | null;
}

/**
 * Follows a run's output files and hands over each complete line. Reads when the file changes (fs.watch) and on a
 * short poll (watch is not reliable everywhere); `finish()` reads to the end and emits a last unterminated line.
 */
export class OutputFollower {
  private readonly followed: Followed[];
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  /**
   * `fromEnd`: start this many bytes before the current end (the tail of an adopted run); default from the start.
   * `maxBytes`: a file read to its end past this size is emptied (ComfyUI appends, so it goes on writing at the
   * new end): weeks of progress bars must not fill the disk.
   */
  constructor(
    files: RunLogFiles,
    private readonly onLine: (line: LogLine) => void,
    private readonly opts: { fromEnd?: number; pollMs?: number; maxBytes?: number } = {},
  ) {
    this.followed = (['stdout', 'stderr'] as const).map((stream) => this.entry(files[stream], stream));
  }

  private entry(path: string, stream: LogStream): Followed {
    const f: Followed = {
      path,
      position: 0,
      skipFirst: false,
      reading: Promise.resolve(),
      watcher: null,
      splitter: new LineSplitter((text) => {
        if (f.skipFirst) {
          f.skipFirst = false;
          return;
        }
        this.onLine({ stream, text });
      }),
    };
    return f;
  }

  async start(): Promise<void> {
    if (this.opts.fromEnd !== undefined) {
      for (const f of this.followed) {
        const size = (await fsp.stat(f.path).catch(() => null))?.size ?? 0;
        f.position = Math.max(0, size - this.opts.fromEnd);
        f.skipFirst = f.position > 0;
      }
    }
    if (this.stopped) return;
    for (const f of this.followed) {
      try {
        f.watcher = watch(f.path, { persistent: false }, () => void this.read(f));
        f.watcher.on('error', () => {
          f.watcher?.close();
          f.watcher = null;
        });
      } catch {
        f.watcher = null; // the poll below still reads it
      }
    }
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 250);
    this.timer.unref();
    await this.poll();
  }

  /** Read what was written since the last read. */
  poll(): Promise<void> {
    return Promise.all(this.followed.map((f) => this.read(f))).then(() => undefined);
  }

  /** Read to the end, emit any last unterminated line, and stop following. */
  async finish(): Promise<void> {
    await this.poll();
    for (const f of this.followed) f.splitter.end();
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const f of this.followed) {
      f.watcher?.close();
      f.watcher = null;
    }
  }

  /** One read at a time per file, chained. */
  private read(f: Followed): Promise<void> {
    f.reading = f.reading.then(() => this.readMore(f)).catch(() => undefined);
    return f.reading;
  }

  private async readMore(f: Followed): Promise<void> {
    const handle = await fsp.open(f.path, 'r').catch(() => null);
    if (!handle) return;
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, f.position);
        if (bytesRead === 0) break;
        f.position += bytesRead;
        f.splitter.write(buf.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    if (f.position > (this.opts.maxBytes ?? 32 * 1024 * 1024) && !this.stopped) {
      await fsp.truncate(f.path, 0).then(
        () => (f.position = 0),
        () => undefined, // kept as it is; tried again after the next read
      );
    }
  }
}
