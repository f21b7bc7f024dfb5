/**
 * One run of ComfyUI under the supervisor (supervisor.ts): a process this app spawned (`spawnRun`: output to the
 * run's log files, ready on the "To see the GUI go to:" line or `/api/system_stats`, a ready timeout), or one a
 * previous run of the app left running and this one took over (`adoptRun`: followed by pid). Either way the
 * supervisor sees a `RunHandle`: its pid and port, when it ended, and how to stop its process tree.
 */
import { spawn } from 'node:child_process';
import type { Clock, ClockTimer } from '@core/clock';
import { LaunchError } from './launch-error';
import type { LogLine } from './log-tail';
import { READY_LINE } from './launch-args';
import { spawnFailedSummary } from './launch-hints';
import { closeRunFds, createRunLogs, OutputFollower, type RunLogFiles } from './run-output';
import { spawnDetached, type TreeKiller } from './process-tree';
import { isProcessAlive } from './process-info';
import type { ComfyInstall, PythonChoice } from './install';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunHandle {
  readonly pid: number;
  readonly port: number;
  readonly files: RunLogFiles;
  /** Clock time the process was started (by this app or, when adopted, by the previous run). */
  readonly startedAt: number;
  readonly adopted: boolean;
  ready: boolean;
  /** Resolves once the process has ended and its output was read to the end. */
  readonly exited: Promise<ExitInfo>;
  /** Ask the process tree to end (SIGTERM / taskkill /T). */
  terminate(): void;
  /** Force it (SIGKILL / taskkill /T /F). */
  kill(): void;
}

interface Common {
  clock: Clock;
  killer: TreeKiller;
  onLine(line: LogLine): void;
  /** The lines of this run so far (for the errors it fails with). */
  tail(): LogLine[];
  /** Kill the tree if this Node process exits without stopping it. */
  killOnParentExit: boolean;
}

export interface SpawnRunOptions extends Common {
  python: PythonChoice;
  install: ComfyInstall;
  args: string[];
  port: number;
  env: Readonly<Record<string, string>> | undefined;
  logDir: string;
  readyTimeoutMs: number;
  pollIntervalMs: number;
  probe(url: string): Promise<boolean>;
  /** Still wanted (not stopped while the log files were made)? Checked right before the spawn. */
  mayStart(): boolean;
  /** Called at once after the spawn, before anything else can happen (so a stop() finds the process). */
  onSpawned(handle: RunHandle): void;
  /** Still the run being started (not stopped or replaced meanwhile). */
  isCurrent(): boolean;
  /** stop() was called: an exit before ready is "stopped", not a failure. */
  stopping(): boolean;
}

export interface SpawnedRun {
  handle: RunHandle;
  /** Resolves when ComfyUI is ready (with the port its ready line names); rejects with a LaunchError. */
  ready: Promise<{ via: 'log' | 'api'; port: number }>;
}

function parentExitGuard(o: Common, pid: number): () => void {
  if (!o.killOnParentExit) return () => {};
  const onParentExit = () => o.killer.kill(pid);
  process.once('exit', onParentExit);
  return () => process.off('exit', onParentExit);
}

/** Spawn `python main.py …` with its output going to a new pair of run log files, and follow it. */
export async function spawnRun(o: SpawnRunOptions): Promise<SpawnedRun> {
  let logs: Awaited<ReturnType<typeof createRunLogs>>;
  try {
    logs = await createRunLogs(o.logDir, o.clock.now());
  } catch (err) {
    throw new LaunchError('io', `Cannot create ComfyUI's log files in ${o.logDir}: ${(err as Error).message}`);
  }
  if (!o.mayStart()) {
    closeRunFds(logs.fds);
    throw new LaunchError('stopped', 'Start cancelled');
  }
  const startedAt = o.clock.now();
  let ready = false;
  let readyHit: ((via: 'log' | 'api', port: number) => void) | null = null;
  const follower = new OutputFollower(logs.files, (line) => {
    o.onLine(line);
    const m = READY_LINE.exec(line.text);
    if (m) readyHit?.('log', Number(m[3]));
  });
  let child;
  try {
    child = spawn(o.python.command, o.args, {
      cwd: o.install.comfyDir,
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', ...o.env },
      stdio: ['ignore', logs.fds[0], logs.fds[1]],
      detached: spawnDetached(),
      windowsHide: true,
    });
  } finally {
    closeRunFds(logs.fds);
  }
  const pid = child.pid ?? -1;
  let resolveExited!: (v: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolveExited = r));
  const handle: RunHandle = {
    pid,
    port: o.port,
    files: logs.files,
    startedAt,
    adopted: false,
    get ready() {
      return ready;
    },
    set ready(v: boolean) {
      ready = v;
    },
    exited,
    terminate: () => {
      if (pid > 0 && child.exitCode === null && child.signalCode === null) o.killer.terminate(pid);
    },
    kill: () => {
      if (pid > 0 && (process.platform !== 'win32' || (child.exitCode === null && child.signalCode === null)))
        o.killer.kill(pid);
    },
  };
  const releaseGuard = pid > 0 ? parentExitGuard(o, pid) : () => {};
  o.onSpawned(handle);
  void follower.start();

  const readyP = new Promise<{ via: 'log' | 'api'; port: number }>((resolve, reject) => {
    let settled = false;
    let pollTimer: ClockTimer | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      readyHit = null;
      o.clock.clearTimeout(timeout);
      o.clock.clearTimeout(pollTimer);
      fn();
    };
    readyHit = (via, port) => {
      if (ready || settled || !o.isCurrent()) return;
      ready = true;
      settle(() => resolve({ via, port }));
    };
    const tail = (): LogLine[] => o.tail();
    const timeout = o.clock.setTimeout(() => {
      settle(() => {
        handle.kill();
        reject(
          new LaunchError(
            'timeout',
            `ComfyUI was not ready within ${Math.round(o.readyTimeoutMs / 1000)} s; it was stopped.`,
            tail(),
          ),
        );
      });
    }, o.readyTimeoutMs);
    const poll = () => {
      pollTimer = o.clock.setTimeout(() => {
        void o.probe(`http://127.0.0.1:${o.port}`).then(
          (ok) => (ok ? readyHit?.('api', o.port) : !settled && poll()),
          () => !settled && poll(),
        );
      }, o.pollIntervalMs);
    };
    if (o.pollIntervalMs > 0) poll();

    let exitInfo: ExitInfo = { code: null, signal: null };
    let finalized = false;
    const finalize = async () => {
      if (finalized) return;
      finalized = true;
      await follower.finish();
      resolveExited(exitInfo);
      if (settled) return;
      const how = exitInfo.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo.code}`;
      settle(() =>
        reject(
          o.stopping()
            ? new LaunchError('stopped', 'ComfyUI was stopped before it was ready.', tail(), exitInfo)
            : new LaunchError('exited-before-ready', `ComfyUI exited (${how}) before it was ready.`, tail(), exitInfo),
        ),
      );
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      finalized = true;
      follower.stop();
      resolveExited(exitInfo);
      settle(() => reject(new LaunchError('spawn-failed', spawnFailedSummary(o.python.command, err), o.tail())));
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      releaseGuard();
      // Reap anything the process left behind in its group.
      handle.kill();
      void finalize();
    });
  });
  return { handle, ready: readyP };
}

export interface AdoptRunOptions extends Common {
  pid: number;
  port: number;
  files: RunLogFiles;
  startedAt: number;
  /** How often to look whether the process still lives (default 1 s). */
  alivePollMs?: number;
  /** Bytes of its log files read back at take-over (default 64 KiB). */
  tailBytes?: number;
}

/** Take over a ComfyUI a previous run of the app started: follow its output files and its pid. */
export function adoptRun(o: AdoptRunOptions): RunHandle {
  let resolveExited!: (v: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolveExited = r));
  const follower = new OutputFollower(o.files, (line) => o.onLine(line), { fromEnd: o.tailBytes ?? 64 * 1024 });
  void follower.start();
  const releaseGuard = parentExitGuard(o, o.pid);
  let timer: ClockTimer | undefined;
  let over = false;
  let every = o.alivePollMs ?? 1000;
  const look = () => {
    o.clock.clearTimeout(timer);
    timer = undefined;
    if (over) return;
    if (isProcessAlive(o.pid)) {
      timer = o.clock.setTimeout(look, every);
      timer.unref?.();
      return;
    }
    over = true;
    releaseGuard();
    o.killer.kill(o.pid); // stragglers of its group
    void follower.finish().then(() => resolveExited({ code: null, signal: null }));
  };
  look();
  return {
    pid: o.pid,
    port: o.port,
    files: o.files,
    startedAt: o.startedAt,
    adopted: true,
    ready: true,
    exited,
    // While it is being stopped, look often, so the stop does not wait a whole interval after it ended.
    terminate: () => {
      o.killer.terminate(o.pid);
      every = Math.min(every, 100);
      look();
    },
    kill: () => {
      o.killer.kill(o.pid);
      every = Math.min(every, 100);
      look();
    },
  };
}
