/**
 * Starts and supervises one ComfyUI process (`python main.py --listen … --port …`).
 *
 * States: stopped → starting → running → (crashed → starting → running …) → stopping → stopped.
 * Ready = the "To see the GUI go to:" log line on either stream, or `/api/system_stats` answering as ComfyUI,
 * whichever comes first. A crash after a successful start is restarted with exponential backoff up to
 * `restart.maxAttempts`; a process that ends before it was ever ready is not restarted: `start()` rejects
 * with a LaunchError holding the log tail. `stop()` ends the whole process tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import { systemClock, type Clock, type ClockTimer } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import { LaunchError } from './launch-error';
import { LogTail, LineSplitter, type LogLine, type LogStream } from './log-tail';
import { buildLaunchArgs, PORT_IN_USE, READY_LINE } from './launch-args';
import { exitedSummary, noPythonSummary, notFoundSummary, spawnFailedSummary } from './launch-hints';
import {
  type CrashInfo,
  type LauncherEvents,
  type LauncherOptions,
  type LauncherState,
  type ReadyInfo,
  type RestartPolicy,
} from './supervisor-types';
import {
  choosePython,
  defaultInstallEnv,
  discoverInstall,
  inspectInstall,
  type ComfyInstall,
  type PythonChoice,
} from './install';
import { findFreePort, isPortFree } from './ports';
import { probeComfy } from '../protocol/probe';
import { spawnDetached, treeKillerFor, type TreeKiller } from './process-tree';

export * from './supervisor-types';
export { LaunchError, type LaunchErrorKind } from './launch-error';

interface Run {
  child: ChildProcess;
  port: number;
  ready: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class ComfyLauncher extends EventEmitter<LauncherEvents> {
  private _state: LauncherState = 'stopped';
  private readonly tail: LogTail;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly killer: TreeKiller = treeKillerFor();
  private readonly policy: RestartPolicy;
  private run: Run | null = null;
  private starting: Promise<ReadyInfo> | null = null;
  private restartTimer: ClockTimer | undefined;
  private stableTimer: ClockTimer | undefined;
  private attempts = 0;
  private lastPort: number | undefined;
  private resolved: { install: ComfyInstall; python: PythonChoice } | null = null;
  private _ready: ReadyInfo | null = null;
  private _lastError: LaunchError | null = null;

  constructor(private readonly opts: LauncherOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? nullLogger).child('launcher');
    this.tail = new LogTail(opts.tailLines ?? 200);
    this.policy = { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 60_000, resetAfterMs: 300_000, ...opts.restart };
  }

  get state(): LauncherState {
    return this._state;
  }

  /** Set while running. */
  get info(): ReadyInfo | null {
    return this._state === 'running' ? this._ready : null;
  }

  get lastError(): LaunchError | null {
    return this._lastError;
  }

  get pid(): number | undefined {
    return this.run?.child.pid;
  }

  logTail(): LogLine[] {
    return this.tail.snapshot();
  }

  /** Start (or join a start in progress). Resolves once ComfyUI is ready. */
  start(): Promise<ReadyInfo> {
    if (this._state === 'running' && this._ready) return Promise.resolve(this._ready);
    if (this.starting) return this.starting;
    if (this._state === 'stopping')
      return Promise.reject(new LaunchError('stopped', 'ComfyUI is stopping; start it again once stopped'));
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.attempts = 0;
    this.resolved = null; // look for the install and python again (the user may have fixed them)
    return this.attempt(false);
  }

  /** Stop the process tree: SIGTERM (taskkill /T), then SIGKILL (/F) after the grace period. */
  async stop(): Promise<void> {
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.clock.clearTimeout(this.stableTimer);
    const run = this.run;
    if (!run) {
      if (this._state !== 'stopped') this.setState('stopped');
      return;
    }
    this.setState('stopping');
    this.killer.terminate(run.child);
    const grace = this.clock.setTimeout(() => this.killer.kill(run.child), this.opts.stopGraceMs ?? 10_000);
    await run.exited;
    this.clock.clearTimeout(grace);
    this.setState('stopped');
  }

  private setState(next: LauncherState): void {
    const prev = this._state;
    if (prev === next) return;
    this._state = next;
    this.emit('state', next, prev);
  }

  private attempt(isRestart: boolean): Promise<ReadyInfo> {
    this.setState('starting');
    const p = this.launchOnce(true).then(
      (info) => {
        this.starting = null;
        this._ready = info;
        this._lastError = null;
        this.setState('running');
        this.emit('ready', info);
        this.clock.clearTimeout(this.stableTimer);
        this.stableTimer = this.clock.setTimeout(() => {
          this.attempts = 0;
        }, this.policy.resetAfterMs);
        return info;
      },
      (err: unknown) => {
        this.starting = null;
        const error =
          err instanceof LaunchError ? err : new LaunchError('spawn-failed', String(err), this.tail.snapshot());
        this._lastError = error;
        if (error.kind === 'stopped') {
          // stop() owns the state from here.
        } else if (isRestart) {
          this.onCrash(error.exit?.code ?? null, error.exit?.signal ?? null, error);
        } else {
          this.setState('crashed');
        }
        throw error;
      },
    );
    this.starting = p;
    return p;
  }

  private async resolveInstall(): Promise<{ install: ComfyInstall; python: PythonChoice }> {
    if (this.resolved) return this.resolved;
    const env = this.opts.installEnv ?? defaultInstallEnv();
    const install = this.opts.comfyDir
      ? await inspectInstall(this.opts.comfyDir, env)
      : await discoverInstall(this.opts.searchPlaces ?? [], env);
    if (!install) {
      const where = this.opts.comfyDir
        ? `in ${this.opts.comfyDir}`
        : `in any of: ${(this.opts.searchPlaces ?? []).join(', ') || '(no places given)'}`;
      throw new LaunchError('not-found', notFoundSummary(where));
    }
    const python: PythonChoice | null = this.opts.python
      ? { command: this.opts.python, kind: 'system' }
      : await choosePython(install, env);
    if (!python) {
      throw new LaunchError('no-python', noPythonSummary(install.comfyDir));
    }
    this.resolved = { install, python };
    return this.resolved;
  }

  private async pickPort(): Promise<number> {
    if (this.opts.port !== undefined) return this.opts.port;
    if (this.lastPort !== undefined && (await isPortFree(this.lastPort, this.opts.host ?? '127.0.0.1')))
      return this.lastPort;
    return findFreePort(this.opts.host ?? '127.0.0.1');
  }

  private async launchOnce(mayRetryPort: boolean): Promise<ReadyInfo> {
    const { install, python } = await this.resolveInstall();
    try {
      await fsp.mkdir(this.opts.outputDir, { recursive: true });
      await fsp.mkdir(this.opts.inputDir, { recursive: true });
    } catch (err) {
      throw new LaunchError('io', `Cannot create the output/input folders: ${(err as Error).message}`);
    }
    const port = await this.pickPort();
    this.lastPort = port;
    if (this._state !== 'starting') throw new LaunchError('stopped', 'Start cancelled');
    const host = this.opts.host ?? '127.0.0.1';
    const args = buildLaunchArgs({
      mainPy: install.mainPy,
      host,
      port,
      outputDir: this.opts.outputDir,
      inputDir: this.opts.inputDir,
      previewMethod: this.opts.previewMethod ?? 'auto',
      extraArgs: this.opts.extraArgs ?? [],
    });
    this.log.info('starting ComfyUI', { python: python.command, kind: python.kind, port });
    try {
      return await this.spawnAndWait(python, install, args, port);
    } catch (err) {
      if (
        mayRetryPort &&
        this.opts.port === undefined &&
        err instanceof LaunchError &&
        err.kind === 'exited-before-ready' &&
        err.logTail.some((l) => PORT_IN_USE.test(l.text))
      ) {
        this.lastPort = undefined;
        return this.launchOnce(false);
      }
      throw err;
    }
  }

  private spawnAndWait(python: PythonChoice, install: ComfyInstall, args: string[], port: number): Promise<ReadyInfo> {
    const child = spawn(python.command, args, {
      cwd: install.comfyDir,
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: spawnDetached(),
      windowsHide: true,
    });
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let resolveExited!: (v: { code: number | null; signal: NodeJS.Signals | null }) => void;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (resolveExited = r));
    const run: Run = { child, port, ready: false, exited };
    this.run = run;
    const url = `http://127.0.0.1:${port}`;
    const onParentExit = () => this.killer.kill(child);
    if (this.opts.killOnParentExit !== false) process.once('exit', onParentExit);

    return new Promise<ReadyInfo>((resolve, reject) => {
      let settled = false;
      let pollTimer: ClockTimer | undefined;
      let closeFallback: ClockTimer | undefined;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timeout);
        this.clock.clearTimeout(pollTimer);
        fn();
      };
      const markReady = (via: 'log' | 'api', readyPort = port) => {
        if (run.ready || settled || this.run !== run || this._state !== 'starting') return;
        run.ready = true;
        const readyUrl = readyPort === port ? url : `http://127.0.0.1:${readyPort}`;
        settle(() => resolve({ url: readyUrl, port: readyPort, pid: child.pid ?? -1, via, python, install }));
      };
      const onLine = (stream: LogStream) => (text: string) => {
        const line = { stream, text };
        this.tail.push(line);
        this.emit('log', line);
        const m = READY_LINE.exec(text);
        if (m) markReady('log', Number(m[3]));
      };
      const splitters = {
        stdout: new LineSplitter(onLine('stdout')),
        stderr: new LineSplitter(onLine('stderr')),
      };
      child.stdout?.on('data', (c: Buffer) => splitters.stdout.write(c));
      child.stderr?.on('data', (c: Buffer) => splitters.stderr.write(c));

      const timeoutMs = this.opts.readyTimeoutMs ?? 180_000;
      const timeout = this.clock.setTimeout(() => {
        settle(() => {
          this.killer.kill(child);
          reject(
            new LaunchError(
              'timeout',
              `ComfyUI was not ready within ${Math.round(timeoutMs / 1000)} s; it was stopped.`,
              this.tail.snapshot(),
            ),
          );
        });
      }, timeoutMs);

      const pollMs = this.opts.pollIntervalMs ?? 1000;
      const probe =
        this.opts.probeReady ?? (async (u: string) => (await probeComfy(u, { timeoutMs: 2000 })).kind === 'comfyui');
      const poll = () => {
        pollTimer = this.clock.setTimeout(() => {
          void probe(url).then(
            (ok) => (ok ? markReady('api') : !settled && poll()),
            () => !settled && poll(),
          );
        }, pollMs);
      };
      if (pollMs > 0) poll();

      let finalized = false;
      const finalize = () => {
        if (finalized) return;
        finalized = true;
        this.clock.clearTimeout(closeFallback);
        splitters.stdout.end();
        splitters.stderr.end();
        if (this.run === run) this.run = null;
        const pid = child.pid ?? -1;
        this.emit('exit', { ...exitInfo, pid });
        resolveExited(exitInfo);
        if (!settled) {
          const stopping = this._state === 'stopping';
          settle(() =>
            reject(
              stopping
                ? new LaunchError('stopped', 'ComfyUI was stopped before it was ready.', this.tail.snapshot(), exitInfo)
                : new LaunchError(
                    'exited-before-ready',
                    exitedSummary(this.tail.snapshot(), { python: python.command, port, comfyDir: install.comfyDir }),
                    this.tail.snapshot(),
                    exitInfo,
                  ),
            ),
          );
        } else if (run.ready) {
          this.onRunEnded(exitInfo);
        }
      };
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (child.pid === undefined) {
          process.off('exit', onParentExit);
          finalized = true;
          if (this.run === run) this.run = null;
          resolveExited(exitInfo);
          settle(() =>
            reject(new LaunchError('spawn-failed', spawnFailedSummary(python.command, err), this.tail.snapshot())),
          );
        }
      });
      child.on('exit', (code, signal) => {
        exitInfo = { code, signal };
        process.off('exit', onParentExit);
        // Reap anything the process left behind in its group; then stdio closes and 'close' follows.
        this.killer.kill(child);
        closeFallback = this.clock.setTimeout(finalize, 2000);
      });
      child.on('close', finalize);
    });
  }

  /** The process of a successful start ended. */
  private onRunEnded(exit: { code: number | null; signal: NodeJS.Signals | null }): void {
    this.clock.clearTimeout(this.stableTimer);
    if (this._state === 'stopping') return; // stop() finishes the state change
    this.log.warn('ComfyUI exited unexpectedly', exit);
    this.onCrash(exit.code, exit.signal);
  }

  private onCrash(code: number | null, signal: NodeJS.Signals | null, error?: LaunchError): void {
    this.setState('crashed');
    const attempt = this.attempts + 1;
    const willRestart = attempt <= this.policy.maxAttempts;
    const delayMs = willRestart ? Math.min(this.policy.baseDelayMs * 2 ** (attempt - 1), this.policy.maxDelayMs) : 0;
    const info: CrashInfo = {
      code,
      signal,
      logTail: this.tail.snapshot(),
      attempt,
      willRestart,
      delayMs,
      ...(error ? { error } : {}),
    };
    this.emit('crash', info);
    if (!willRestart) return;
    this.attempts = attempt;
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (this._state !== 'crashed') return;
      this.attempt(true).catch(() => {
        // Reported through the 'crash' event and lastError.
      });
    }, delayMs);
  }
}
