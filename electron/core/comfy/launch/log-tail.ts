/**
 * A rolling tail of a child process's output: keeps the last N complete lines of stdout and stderr
 * (interleaved in arrival order) and splits raw chunks into lines for whoever listens.
 */

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  text: string;
}

/** Keeps at most `capacity` lines; the oldest are dropped first. */
export class LogTail {
  private readonly lines: LogLine[] = [];

  constructor(readonly capacity = 200) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('LogTail capacity must be >= 1');
  }

  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** The kept lines, oldest first (a copy). */
  snapshot(): LogLine[] {
    return this.lines.slice();
  }

  /** The last `n` lines (all by default) as one string, one line each. */
  text(n = this.capacity): string {
    return this.lines
      .slice(Math.max(0, this.lines.length - n))
      .map((l) => l.text)
      .join('\n');
  }

  clear(): void {
    this.lines.length = 0;
  }
}

/**
 * Splits a byte stream into lines. Handles chunks that end mid-line (also inside a UTF-8 character) and CRLF.
 * A lone CR redraws the current line (tqdm progress bars), so only the last drawing of such a line is kept.
 * Lines longer than `maxLineLength` are cut so one runaway line cannot eat memory.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxLineLength = 4000,
  ) {}

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const parts = (this.pending + text).split(/\r?\n/);
    this.pending = redrawn(parts.pop() ?? '', true);
    for (const part of parts) this.emit(redrawn(part, false));
    if (this.pending.length > this.maxLineLength) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  /** Emit whatever is left (a last line without a newline). */
  end(): void {
    const rest = redrawn(this.pending + this.decoder.decode(), false);
    this.pending = '';
    if (rest.length > 0) this.emit(rest);
  }

  private emit(line: string): void {
    const cut = line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line;
    if (cut.trim().length > 0) this.onLine(cut);
  }
}

/**
 * What is left of a line after carriage-return redraws: the text after the last CR. For the unfinished
 * pending line a trailing CR is kept (the next drawing replaces what is before it).
 */
function redrawn(line: string, pending: boolean): string {
  const stripped = line.endsWith('\r') ? line.replace(/\r+$/, '') : line;
  const at = stripped.lastIndexOf('\r');
  const last = at >= 0 ? stripped.slice(at + 1) : stripped;
  return pending && line.endsWith('\r') ? `${last}\r` : last;
}
