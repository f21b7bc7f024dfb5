/**
 * The launched ComfyUI's status as people read it: after an unexpected exit, the exit code or signal, what comes
 * next ("restart 2 of 3 in 4 s" or "gave up after 3 restarts") and the last lines of that run's output; after a
 * failed start, its recognised problem and fix. A start in progress carries no earlier error.
 */
import type { CrashInfo, LauncherState } from './supervisor-types';
import type { LaunchError } from './launch-error';
import type { LogLine } from './log-tail';
import type { StartupProblem } from './startup-failure';

export interface LaunchedStatus {
  state: LauncherState;
  /** Where it answers while running. */
  url: string | null;
  pid: number | null;
  /** Why the last start failed or the last run ended, what comes next, and its last output lines. */
  error: string | null;
  /** The settings changed since it was started; they apply on the next (re)start. */
  restartNeeded: boolean;
  /** The running ComfyUI was left running by the previous session and taken over. */
  adopted: boolean;
  /** How the last run ended unexpectedly (null: it did not, or a start failed before it ran). */
  exit: { code: number | null; signal: string | null } | null;
  /** The restart under way or scheduled after a crash. */
  restart: { attempt: number; of: number; inMs: number | null } | null;
  /** It crashed and was not restarted (the attempts were used up). */
  gaveUp: boolean;
  /** The start-up problem recognised in the failed start's output, with its fix. */
  problem: StartupProblem | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

export function exitText(exit: { code: number | null; signal: string | null }): string {
  if (exit.signal) return `signal ${exit.signal}`;
  if (exit.code !== null) return `exit code ${exit.code}`;
  return 'no exit code: it was taken over from the previous session';
}

function lastLines(tail: readonly LogLine[]): string {
  if (tail.length === 0) return '';
  return `\nLast output:\n${tail
    .slice(-20)
    .map((l) => `  ${l.text}`)
    .join('\n')}`;
}

/** What comes after this crash, in words. */
export function nextStep(crash: CrashInfo): string {
  if (crash.willRestart) return `Restart ${crash.attempt} of ${crash.maxAttempts} in ${seconds(crash.delayMs)}.`;
  if (crash.maxAttempts === 0) return 'It is not restarted (restarts are off).';
  return `Gave up after ${plural(crash.maxAttempts, 'restart')}: start it again from the Health page.`;
}

/** The status text of a crash: how it ended, what comes next, the recognised problem, and that run's last lines. */
export function describeCrash(crash: CrashInfo): string {
  const how = crash.error
    ? crash.error.summary
    : `ComfyUI exited unexpectedly (${exitText({ code: crash.code, signal: crash.signal })}).`;
  const problem = crash.error?.problem ? `\n${crash.error.problem.problem}\nFix: ${crash.error.problem.fix}` : '';
  return `${how} ${nextStep(crash)}${problem}${lastLines(crash.error?.logTail ?? crash.logTail)}`;
}

/** The parts of the status that explain the state (everything but url, pid and restartNeeded). */
export function explain(
  state: LauncherState,
  crash: CrashInfo | null,
  lastError: LaunchError | null,
): Pick<LaunchedStatus, 'error' | 'exit' | 'restart' | 'gaveUp' | 'problem'> {
  const none = { error: null, exit: null, restart: null, gaveUp: false, problem: null };
  if (state === 'starting') {
    // A start shows its own output only: the error that came before it is not carried along.
    return crash?.willRestart
      ? { ...none, restart: { attempt: crash.attempt, of: crash.maxAttempts, inMs: null } }
      : none;
  }
  if (state !== 'crashed') return none;
  if (crash) {
    return {
      error: describeCrash(crash),
      exit: crash.error && !crash.error.exit ? null : { code: crash.code, signal: crash.signal },
      restart: crash.willRestart ? { attempt: crash.attempt, of: crash.maxAttempts, inMs: crash.delayMs } : null,
      gaveUp: !crash.willRestart,
      problem: crash.error?.problem ?? null,
    };
  }
  return { ...none, error: lastError?.message ?? null, problem: lastError?.problem ?? null };
}

/** One launched ComfyUI's status: its run's, its backend record, device, name, port and restarts. */
export interface InstanceStatus extends LaunchedStatus {
  backendId: string | null;
  /** Its CUDA device; null for the single ComfyUI launched without `--cuda-device`. */
  device: number | null;
  name: string;
  port: number | null;
  restarts: number;
}

/** The launcher as a whole (the API's LauncherStatus): one summary line of state plus each instance. */
export interface LauncherView extends LaunchedStatus {
  backendId: string | null;
  instances: InstanceStatus[];
}

/** A launched ComfyUI that is not running and never ran (what the status says before any start). */
export const STOPPED_LAUNCH: LaunchedStatus = {
  state: 'stopped',
  url: null,
  pid: null,
  error: null,
  restartNeeded: false,
  adopted: false,
  exit: null,
  restart: null,
  gaveUp: false,
  problem: null,
};

/** The state that says most about several: one starting, else one running, else stopping, crashed, stopped. */
const TELLING: readonly LauncherState[] = ['starting', 'running', 'stopping', 'crashed', 'stopped'];

/**
 * One instance: its own status. Several: the most telling state, the first running one's address, and the errors
 * of those that crashed, each under its name ("GPU 1 · RTX 3060: ComfyUI exited unexpectedly …").
 */
export function summarizeInstances(instances: InstanceStatus[]): LauncherView {
  if (instances.length <= 1) {
    const only = instances[0];
    if (!only) return { ...STOPPED_LAUNCH, backendId: null, instances };
    const { device: _d, name: _n, port: _p, restarts: _r, ...run } = only;
    return { ...run, instances };
  }
  const state = TELLING.find((s) => instances.some((i) => i.state === s)) ?? 'stopped';
  const running = instances.filter((i) => i.state === 'running');
  const crashed = instances.filter((i) => i.state === 'crashed' && i.error);
  const restarting = instances.find((i) => i.restart);
  return {
    state,
    url: running[0]?.url ?? null,
    pid: running[0]?.pid ?? null,
    error: crashed.length ? crashed.map((i) => `${i.name}: ${i.error}`).join('\n\n') : null,
    restartNeeded: instances.some((i) => i.restartNeeded),
    adopted: running.length > 0 && running.every((i) => i.adopted),
    exit: crashed[0]?.exit ?? null,
    restart: restarting?.restart ?? null,
    gaveUp: instances.some((i) => i.gaveUp),
    problem: crashed.find((i) => i.problem)?.problem ?? null,
    backendId: (running[0] ?? instances[0])!.backendId,
    instances,
  };
}
