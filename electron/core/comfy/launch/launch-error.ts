/**
 * The typed failure of starting ComfyUI. `message` is readable: what happened, the recognised problem and its fix
 * (startup-failure.ts) when there is one, then the last log lines of that start only.
 */
import type { LogLine } from './log-tail';
import type { StartupProblem } from './startup-failure';

export type LaunchErrorKind =
  | 'not-found' // no ComfyUI folder (main.py) found
  | 'no-python' // no interpreter to run it
  | 'spawn-failed' // the OS refused to start the process
  | 'exited-before-ready' // the process ended before it was ready
  | 'timeout' // not ready in time (the process was stopped)
  | 'stopped' // stop() was called while starting
  | 'io'; // could not create the output/input/log folders

export class LaunchError extends Error {
  override readonly name = 'LaunchError';

  constructor(
    readonly kind: LaunchErrorKind,
    readonly summary: string,
    readonly logTail: LogLine[] = [],
    readonly exit?: { code: number | null; signal: NodeJS.Signals | null },
    readonly problem?: StartupProblem,
  ) {
    super(LaunchError.compose(kind, summary, logTail, problem));
  }

  /** The same failure with its recognised problem attached. */
  withProblem(problem: StartupProblem | null): LaunchError {
    if (!problem) return this;
    return new LaunchError(this.kind, this.summary, this.logTail, this.exit, problem);
  }

  private static compose(kind: LaunchErrorKind, summary: string, tail: LogLine[], problem?: StartupProblem): string {
    const parts = [summary];
    if (problem) parts.push(`${problem.problem}\nFix: ${problem.fix}`);
    else if (kind === 'exited-before-ready' && tail.length > 0)
      parts.push('Its last output lines are below: fix what they report, then start it again.');
    if (tail.length > 0)
      parts.push(
        `Last output:\n${tail
          .slice(-20)
          .map((l) => `  ${l.text}`)
          .join('\n')}`,
      );
    return parts.join('\n');
  }
}
