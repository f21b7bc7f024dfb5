/** The typed failure of starting ComfyUI. `message` is readable and ends with the last log lines. */
import type { LogLine } from './log-tail';

export type LaunchErrorKind =
  | 'not-found' // no ComfyUI folder (main.py) found
  | 'no-python' // no interpreter to run it
  | 'spawn-failed' // the OS refused to start the process
  | 'exited-before-ready' // the process ended before it was ready
  | 'timeout' // not ready in time (the process was stopped)
  | 'stopped' // stop() was called while starting
  | 'io'; // could not create the output/input folders

export class LaunchError extends Error {
  override readonly name = 'LaunchError';

  constructor(
    readonly kind: LaunchErrorKind,
    summary: string,
    readonly logTail: LogLine[] = [],
    readonly exit?: { code: number | null; signal: NodeJS.Signals | null },
  ) {
    super(LaunchError.compose(summary, logTail));
  }

  private static compose(summary: string, tail: LogLine[]): string {
    if (tail.length === 0) return summary;
    const shown = tail.slice(-20).map((l) => `  ${l.text}`);
    return `${summary}\nLast output:\n${shown.join('\n')}`;
  }
}
