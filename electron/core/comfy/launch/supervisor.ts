/**
 * Starts and supervises one ComfyUI process (`python main.py --listen … --port …`), or takes over one that a
 * previous run of the app left running (`adopt`).
 *
 * States: stopped → starting → running → (crashed → starting → running …) → stopping → stopped.
 * Ready = the "To see the GUI go to:" log line on either stream, or `/api/system_stats` answering as ComfyUI,
 * whichever comes first. A crash after a successful start is restarted with exponential backoff up to
 * `restart.maxAttempts`; a process that ends before it was ever ready is not restarted: `start()` rejects
 * with a LaunchError holding that start's own output and, when the output shows a known start-up problem, its
 * fix (startup-failure.ts). `stop()` ends the whole process tree. Each run's output goes to its own files
 * (run-output.ts), so ComfyUI keeps running, and writing, if this app dies.
 */
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock, type ClockTimer } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import { LaunchError } from './launch-error';
import { LogTail, type LogLine } from './log-tail';
import { buildLaunchArgs, PORT_IN_USE } from './launch-args';
import { noPythonSummary, notFoundSummary } from './launch-hints';
import type {
  CrashInfo,
  LauncherEvents,
  LauncherOptions,
  LauncherState,
  ReadyInfo,
  RestartPolicy,
  RunInfo,
} from './supervisor-types';
import {
  choosePython,
  defaultInstallEnv,
  discoverInstall,
  inspectInstall,
  type ComfyInstall,
  type PythonChoice,
} from './install';
import { choosePort } from './ports';
import { probeComfy } from '../protocol/probe';
import { treeKillerFor, type TreeKiller } from './process-tree';
import { adoptRun, spawnRun, type ExitInfo, type RunHandle } from './launch-run';
import { diagnoseStartup } from './startup-failure';
import type { RunLogFiles } from './run-output';

export * from './supervisor-types';
export { LaunchError, type LaunchErrorKind } from './launch-error';

export class ComfyLauncher extends EventEmitter<LauncherEvents> {
  private _state: LauncherState = 'stopped';
  /** The output of the current (or last) run only. */
  private readonly tail: LogTail;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly killer: TreeKiller = treeKillerFor();
  private readonly policy: RestartPolicy;
  private run: RunHandle | null = null;
  private runCount = 0;
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

  get restartPolicy(): Readonly<RestartPolicy> {
    return this.policy;
  }

  /** Set while running. */
  get info(): ReadyInfo | null {
    return this._state === 'running' ? this._ready : null;
  }

  /** Why the last start failed; cleared when the next start begins. */
  get lastError(): LaunchError | null {
    return this._lastError;
  }

  get pid(): number | undefined {
    return this.run?.pid;
  }

  /** The port of the current (or last) run, or the one it chose for the start under way. */
  get port(): number | undefined {
    return this.lastPort;
  }

  /** The process now (spawned or taken over), while there is one. */
  get current(): RunInfo | null {
    const r = this.run;
    return r
      ? {
          pid: r.pid,
          port: r.port,
          startedAt: r.startedAt,
          files: r.files,
          run: this.runCount,
          adopted: r.adopted,
          mainPy: this.resolved?.install.mainPy ?? '',
        }
      : null;
  }

  /** The output of the current (or last) run. */
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

  /** The next start uses this port when it is free (the port of a ComfyUI this app stopped for being stuck). */
  preferPort(port: number): void {
    if (this.opts.port === undefined) this.lastPort = port;
  }

  /**
   * Take over a ComfyUI a previous run of the app launched and left running (found alive and answering on its
   * port): it is followed, restarted after a crash and stopped like one started here.
   */
  async adopt(prev: { pid: number; port: number; files: RunLogFiles; startedAt: number }): Promise<ReadyInfo> {
    if (this._state !== 'stopped' && this._state !== 'crashed') {
      throw new LaunchError('stopped', `ComfyUI is ${this._state}; it cannot take over another one.`);
    }
    const { install, python } = await this.resolveInstall();
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.attempts = 0;
    this._lastError = null;
    this.tail.clear();
    this.runCount += 1;
    const handle = adoptRun({
      ...prev,
      clock: this.clock,
      killer: this.killer,
      onLine: (line) => this.onLine(line),
      tail: () => this.tail.snapshot(),
      killOnParentExit: this.opts.killOnParentExit !== false,
      ...(this.opts.alivePollMs !== undefined ? { alivePollMs: this.opts.alivePollMs } : {}),
    });
    this.run = handle;
    this.lastPort = prev.port;
    this.emit('spawned', this.current!);
    this.watchRun(handle);
    const info: ReadyInfo = {
      url: `http://127.0.0.1:${prev.port}`,
      port: prev.port,
      pid: prev.pid,
      via: 'adopted',
      python,
      install,
    };
    this.log.info('took over the ComfyUI left running by the previous session', { pid: prev.pid, port: prev.port });
    this.becameReady(info);
    return info;
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
    run.terminate();
    const grace = this.clock.setTimeout(() => run.kill(), this.opts.stopGraceMs ?? 10_000);
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

  private onLine(line: LogLine): void {
    this.tail.push(line);
    this.emit('log', line);
  }

  private becameReady(info: ReadyInfo): void {
    this._ready = info;
    this._lastError = null;
    this.setState('running');
    this.emit('ready', info);
    this.clock.clearTimeout(this.stableTimer);
    this.stableTimer = this.clock.setTimeout(() => {
      this.attempts = 0;
    }, this.policy.resetAfterMs);
  }

  private attempt(isRestart: boolean): Promise<ReadyInfo> {
    // A start shows its own problem only: the previous one's error is gone once this one begins.
    this._lastError = null;
    this.setState('starting');
    const p = this.launchOnce(true).then(
      (info) => {
        this.starting = null;
        this.becameReady(info);
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
          this.onCrash(error.exit?.code ?? null, error.exit?.signal ?? null, null, error);
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

  private async launchOnce(mayRetryPort: boolean): Promise<ReadyInfo> {
    const { install, python } = await this.resolveInstall();
    try {
      await fsp.mkdir(this.opts.outputDir, { recursive: true });
      await fsp.mkdir(this.opts.inputDir, { recursive: true });
    } catch (err) {
      throw new LaunchError('io', `Cannot create the output/input folders: ${(err as Error).message}`);
    }
    const o = this.opts;
    const port = await choosePort({ fixed: o.port, last: this.lastPort, host: o.host, avoid: o.avoidPorts });
    this.lastPort = port;
    if (this._state !== 'starting') throw new LaunchError('stopped', 'Start cancelled');
    const host = this.opts.host ?? '127.0.0.1';
    const extraArgs = this.opts.extraArgs ?? [];
    const args = buildLaunchArgs({
      mainPy: install.mainPy,
      host,
      port,
      outputDir: this.opts.outputDir,
      inputDir: this.opts.inputDir,
      previewMethod: this.opts.previewMethod ?? 'auto',
      extraArgs,
    });
    this.log.info('starting ComfyUI', { python: python.command, kind: python.kind, port });
    let handle: RunHandle | null = null;
    const current = () => this._state === 'starting' && handle !== null && this.run === handle;
    try {
      const spawned = await spawnRun({
        python,
        install,
        args,
        port,
        env: this.opts.env,
        logDir: this.opts.logDir ?? path.join(os.tmpdir(), 'comfydesk-comfyui-logs'),
        readyTimeoutMs: this.opts.readyTimeoutMs ?? 180_000,
        pollIntervalMs: this.opts.pollIntervalMs ?? 1000,
        probe:
          this.opts.probeReady ?? (async (u: string) => (await probeComfy(u, { timeoutMs: 2000 })).kind === 'comfyui'),
        clock: this.clock,
        killer: this.killer,
        killOnParentExit: this.opts.killOnParentExit !== false,
        onLine: (line) => this.onLine(line),
        tail: () => this.tail.snapshot(),
        mayStart: () => this._state === 'starting',
        onSpawned: (h) => {
          handle = h;
          this.tail.clear();
          this.runCount += 1;
          this.run = h;
          this.watchRun(h);
          this.emit('spawned', this.current!);
        },
        isCurrent: current,
        stopping: () => this._state === 'stopping',
      });
      const ready = await spawned.ready;
      const url = `http://127.0.0.1:${ready.port}`;
      return { url, port: ready.port, pid: spawned.handle.pid, via: ready.via, python, install };
    } catch (err) {
      if (!(err instanceof LaunchError)) throw err;
      const problem =
        err.kind === 'exited-before-ready' || err.kind === 'timeout'
          ? diagnoseStartup(err.logTail, { python, install, port, fixedPort: this.opts.port !== undefined, extraArgs })
          : null;
      if (
        mayRetryPort &&
        this.opts.port === undefined &&
        err.kind === 'exited-before-ready' &&
        err.logTail.some((l) => PORT_IN_USE.test(l.text))
      ) {
        this.lastPort = undefined;
        return this.launchOnce(false);
      }
      throw err.withProblem(problem);
    }
  }

  /** Follow a run to its end: forget it, say so, and treat the end of a ready run as a crash (unless stopping). */
  private watchRun(handle: RunHandle): void {
    void handle.exited.then((exit: ExitInfo) => {
      if (this.run === handle) this.run = null;
      if (handle.pid > 0) this.emit('exit', { ...exit, pid: handle.pid });
      if (handle.ready) this.onRunEnded(exit, handle);
    });
  }

  /** The process of a successful start (or a taken-over one) ended. */
  private onRunEnded(exit: ExitInfo, handle: RunHandle): void {
    this.clock.clearTimeout(this.stableTimer);
    if (this._state === 'stopping' || this._state === 'stopped') return; // stop() finishes the state change
    this.log.warn('ComfyUI exited unexpectedly', { ...exit, pid: handle.pid });
    this.onCrash(exit.code, exit.signal, handle.pid);
  }

  private onCrash(code: number | null, signal: NodeJS.Signals | null, pid: number | null, error?: LaunchError): void {
    const attempt = this.attempts + 1;
    const willRestart = attempt <= this.policy.maxAttempts;
    const delayMs = willRestart ? Math.min(this.policy.baseDelayMs * 2 ** (attempt - 1), this.policy.maxDelayMs) : 0;
    const info: CrashInfo = {
      code,
      signal,
      logTail: this.tail.snapshot(),
      attempt,
      maxAttempts: this.policy.maxAttempts,
      willRestart,
      delayMs,
      run: this.runCount,
      pid,
      ...(error ? { error } : {}),
    };
    // The crash is told first, so whoever shows the 'crashed' state knows why and what comes next.
    this.emit('crash', info);
    this.setState('crashed');
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
