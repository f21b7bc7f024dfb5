/**
 * The ComfyUI that ComfyDesk launches itself: one ComfyLauncher built from the effective launch settings (the
 * app's settings override the config file), a timestamped rolling log tail with each run marked, the record of
 * what runs (launch-record.ts) so the next start can take it over or stop it after a crash of the app, and a
 * rebuild of the launcher when the settings change while nothing runs (a running ComfyUI keeps its settings until
 * it is restarted).
 */
import { join } from 'node:path';
import type { ComfySettings } from '@shared/settings';
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import {
  ComfyLauncher,
  LaunchError,
  type CrashInfo,
  type LauncherOptions,
  type LauncherState,
  type ReadyInfo,
  type RunInfo,
} from './supervisor';
import type { LogLine, LogStream } from './log-tail';
import { TypedEmitter } from '@core/typed-emitter';
import { reclaimPrevious, stopProcessTree, type LaunchRecordStore } from './launch-record';
import { identifyProcess } from './process-info';
import { treeKillerFor } from './process-tree';
import { probeComfy } from '../protocol/probe';
import { exitText, explain, type LaunchedStatus } from './launch-status';

export type { LaunchedStatus } from './launch-status';

export interface LaunchSettings {
  launchPath: string | null;
  autoLaunch: boolean;
  extraArgs: string[];
  /** A fixed port (config); null: a free one is picked. */
  port: number | null;
}

/**
 * What is launched: the settings' folder, else the config file's; auto launch when either asks for it (the
 * config file is boot-time, so the settings can switch it on but not off); the config's extra flags, then the
 * settings' own (for a flag given twice ComfyUI takes the last); the config's fixed port, if any.
 */
export function effectiveLaunchSettings(
  config: { launchPath?: string; autoLaunch: boolean; extraArgs?: readonly string[]; launchPort?: number },
  settings: ComfySettings,
): LaunchSettings {
  return {
    launchPath: settings.launchPath ?? config.launchPath ?? null,
    autoLaunch: settings.autoLaunch || config.autoLaunch,
    extraArgs: [...(config.extraArgs ?? []), ...settings.extraArgs],
    port: config.launchPort ?? null,
  };
}

export interface TimedLogLine {
  /** Clock time the line arrived. */
  at: number;
  stream: LogStream;
  text: string;
  /** Which run of ComfyUI printed it (1, 2, …; each run starts with a line of ComfyDesk's saying so). */
  run: number;
}

interface LaunchedEvents {
  state: [state: LauncherState];
  ready: [info: ReadyInfo];
  crash: [info: CrashInfo];
  log: [line: TimedLogLine];
}

export interface LaunchedComfyOptions {
  /** The launched ComfyUI's input/, output/ and logs/ folders are made here. */
  dir: string;
  readyTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Where what runs is recorded (none: nothing is taken over after a crash of the app). */
  records?: LaunchRecordStore;
  /** Its runs' output files go here (default `<dir>/logs`): one folder per launched ComfyUI. */
  logDir?: string;
  /** Ports the other launched ComfyUIs hold (one per GPU): never chosen for this one. */
  avoidPorts?: () => ReadonlySet<number>;
  /** More launcher options (tests: python, port, env, restart policy, readiness poll). */
  launcher?: Partial<LauncherOptions>;
  tailLines?: number;
}

export const NO_LAUNCH_PATH =
  'No ComfyUI folder is set to launch. Choose the folder that holds main.py in Settings → ComfyUI (or set comfy.launchPath in config.json).';

const sameSettings = (a: LaunchSettings | null, b: LaunchSettings): boolean =>
  !!a &&
  a.launchPath === b.launchPath &&
  a.port === b.port &&
  a.extraArgs.join('\u0000') === b.extraArgs.join('\u0000');

export class LaunchedComfy extends TypedEmitter<LaunchedEvents> {
  private launcher: ComfyLauncher | null = null;
  private detach: Array<() => void> = [];
  /** The settings the current launcher was built with. */
  private built: LaunchSettings | null = null;
  private wanted: LaunchSettings = { launchPath: null, autoLaunch: false, extraArgs: [], port: null };
  private restartPending = false;
  private crash: CrashInfo | null = null;
  private readonly tail: TimedLogLine[] = [];
  private readonly tailLines: number;
  /** Runs so far (across launchers), for marking the log. */
  private runs = 0;
  /** Restarts after a crash since it was last started or stopped by hand. */
  private restartsDone = 0;

  constructor(private readonly opts: LaunchedComfyOptions) {
    super();
    this.emitterLog = opts.logger;
    this.tailLines = opts.tailLines ?? 500;
  }

  get settings(): LaunchSettings {
    return this.wanted;
  }

  get state(): LauncherState {
    return this.launcher?.state ?? 'stopped';
  }

  /** The port of the current (or last) run; undefined before the first. */
  get port(): number | undefined {
    return this.launcher?.port;
  }

  /** Restarts after a crash since it was last started or stopped by hand. */
  get restarts(): number {
    return this.restartsDone;
  }

  /** Starting, running, stopping, or crashed with a restart on its way. */
  get active(): boolean {
    const s = this.state;
    return s === 'starting' || s === 'running' || s === 'stopping' || (s === 'crashed' && this.restartPending);
  }

  configure(settings: LaunchSettings): void {
    this.wanted = { ...settings, extraArgs: [...settings.extraArgs] };
    if (!this.active && !sameSettings(this.built, this.wanted)) this.rebuild();
  }

  /** Start (or join a start in progress); resolves once ComfyUI is ready. Rejects with a LaunchError. */
  start(): Promise<ReadyInfo> {
    if (!this.wanted.launchPath) return Promise.reject(new LaunchError('not-found', NO_LAUNCH_PATH));
    if (!this.active && !sameSettings(this.built, this.wanted)) this.rebuild();
    if (!this.active) {
      this.crash = null;
      this.restartsDone = 0;
    }
    return this.launcher!.start();
  }

  async stop(): Promise<void> {
    this.restartPending = false;
    this.crash = null;
    this.restartsDone = 0;
    await this.launcher?.stop();
    if (!sameSettings(this.built, this.wanted)) this.rebuild();
  }

  async restart(): Promise<ReadyInfo> {
    if (!this.wanted.launchPath) throw new LaunchError('not-found', NO_LAUNCH_PATH);
    await this.stop();
    return this.start();
  }

  /**
   * The ComfyUI a previous run of the app recorded (see launch-record.ts): taken over when it is ours and
   * answers, its process tree stopped when it is ours and does not, forgotten otherwise.
   */
  async reclaim(): Promise<'adopted' | 'stopped' | 'none'> {
    const records = this.opts.records;
    const record = records?.get();
    if (!records || !record || this.active) return 'none';
    const killer = treeKillerFor();
    const stopTree = (pid: number) =>
      stopProcessTree(pid, { killer, clock: this.opts.clock, graceMs: this.opts.launcher?.stopGraceMs ?? 10_000 });
    const outcome = await reclaimPrevious(record, {
      launchPath: this.wanted.launchPath,
      identify: (pid, want) => identifyProcess(pid, want),
      answers: async (url) => (await probeComfy(url, { timeoutMs: 3000 })).kind === 'comfyui',
      stopTree,
      log: this.opts.logger,
    });
    if (outcome.kind === 'adopt' && !this.active) {
      if (!sameSettings(this.built, this.wanted)) this.rebuild();
      try {
        await this.launcher!.adopt(record);
        return 'adopted';
      } catch (err) {
        this.opts.logger.warn('could not take over the ComfyUI left running; stopping it', { error: String(err) });
        await stopTree(record.pid);
      }
    }
    // Forgotten, unless a start that came meanwhile already recorded its own process.
    if (records.get()?.pid === record.pid) records.clear();
    if (outcome.kind !== 'stopped') {
      if (outcome.kind === 'gone')
        this.opts.logger.info('the recorded ComfyUI is not taken over', { why: outcome.why });
      return 'none';
    }
    this.mark(`── ComfyDesk: stopped the ComfyUI left by the previous session (pid ${record.pid}): ${outcome.why} ──`);
    this.launcher?.preferPort(record.port);
    return 'stopped';
  }

  /** The last lines of its output, oldest first (kept across restarts; each run begins with a marking line). */
  logTail(): TimedLogLine[] {
    return this.tail.slice();
  }

  status(): LaunchedStatus {
    const l = this.launcher;
    const state = this.state;
    return {
      state,
      url: l?.info?.url ?? null,
      pid: l && state !== 'stopped' ? (l.pid ?? null) : null,
      restartNeeded: this.active && !sameSettings(this.built, this.wanted),
      adopted: state === 'running' && !!l?.current?.adopted,
      ...explain(state, this.crash, l?.lastError ?? null),
    };
  }

  private push(stream: LogStream, text: string): void {
    const timed = { at: this.opts.clock.now(), stream, text, run: this.runs };
    this.tail.push(timed);
    if (this.tail.length > this.tailLines) this.tail.splice(0, this.tail.length - this.tailLines);
    this.emit('log', timed);
  }

  /** A line of ComfyDesk's own in the log (where a run begins or ends). */
  private mark(text: string): void {
    this.push('stdout', text);
  }

  private onSpawned(info: RunInfo): void {
    this.runs += 1;
    this.mark(
      info.adopted
        ? `── ComfyDesk: run ${this.runs}: took over ComfyUI (pid ${info.pid}, port ${info.port}) left running by the previous session; its recent output follows ──`
        : `── ComfyDesk: run ${this.runs}: started ComfyUI (pid ${info.pid}, port ${info.port}) ──`,
    );
    const launchPath = this.built?.launchPath;
    if (launchPath && info.mainPy) {
      this.opts.records?.set({
        pid: info.pid,
        port: info.port,
        startedAt: info.startedAt,
        launchPath,
        mainPy: info.mainPy,
        files: info.files,
      });
    }
  }

  private onExit(exit: { code: number | null; signal: NodeJS.Signals | null; pid: number }): void {
    this.mark(`── ComfyDesk: run ${this.runs} (pid ${exit.pid}) ended: ${exitText(exit)} ──`);
    if (this.opts.records?.get()?.pid === exit.pid) this.opts.records.clear();
  }

  private rebuild(): void {
    for (const off of this.detach.splice(0)) off();
    const s = this.wanted;
    this.built = { ...s, extraArgs: [...s.extraArgs] };
    if (!s.launchPath) {
      this.launcher = null;
      return;
    }
    const launcher = new ComfyLauncher({
      comfyDir: s.launchPath,
      outputDir: join(this.opts.dir, 'output'),
      inputDir: join(this.opts.dir, 'input'),
      logDir: this.opts.logDir ?? join(this.opts.dir, 'logs'),
      extraArgs: s.extraArgs,
      ...(s.port !== null ? { port: s.port } : {}),
      readyTimeoutMs: this.opts.readyTimeoutMs,
      clock: this.opts.clock,
      logger: this.opts.logger,
      ...(this.opts.avoidPorts ? { avoidPorts: this.opts.avoidPorts } : {}),
      ...this.opts.launcher,
    });
    const onState = (state: LauncherState) => {
      if (state !== 'crashed') this.restartPending = false;
      if (state === 'running' || state === 'stopped') this.crash = null;
      this.emit('state', state);
    };
    const onReady = (info: ReadyInfo) => this.emit('ready', info);
    const onCrash = (info: CrashInfo) => {
      this.restartPending = info.willRestart;
      if (info.willRestart) this.restartsDone += 1;
      this.crash = info;
      this.emit('crash', info);
    };
    const onLog = (line: LogLine) => this.push(line.stream, line.text);
    const onSpawned = (info: RunInfo) => this.onSpawned(info);
    const onExit = (exit: { code: number | null; signal: NodeJS.Signals | null; pid: number }) => this.onExit(exit);
    launcher
      .on('state', onState)
      .on('ready', onReady)
      .on('crash', onCrash)
      .on('log', onLog)
      .on('spawned', onSpawned)
      .on('exit', onExit);
    this.detach.push(() =>
      launcher
        .off('state', onState)
        .off('ready', onReady)
        .off('crash', onCrash)
        .off('log', onLog)
        .off('spawned', onSpawned)
        .off('exit', onExit),
    );
    this.launcher = launcher;
  }
}

/**
 * The ComfyUI a previous session launched for an instance that is no longer wanted (a GPU taken out of the
 * settings, or the single ComfyUI once GPUs are chosen, while the app was not running): its process tree is
 * stopped when it is ours, never another program's; its record is forgotten. Resolves true when it stopped one.
 */
export async function stopLeftover(
  records: LaunchRecordStore,
  o: { clock: Clock; logger: Logger; graceMs?: number },
): Promise<boolean> {
  const record = records.get();
  if (!record) return false;
  const killer = treeKillerFor();
  const outcome = await reclaimPrevious(record, {
    launchPath: null,
    identify: (pid, want) => identifyProcess(pid, want),
    answers: () => Promise.resolve(false),
    stopTree: (pid) => stopProcessTree(pid, { killer, clock: o.clock, graceMs: o.graceMs ?? 10_000 }),
    log: o.logger,
  });
  if (records.get()?.pid === record.pid) records.clear();
  if (outcome.kind === 'stopped') o.logger.info('stopped a ComfyUI left by the previous session', { pid: record.pid });
  return outcome.kind === 'stopped';
}
