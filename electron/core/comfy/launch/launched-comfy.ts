/**
 * The ComfyUI that ComfyDesk launches itself: one ComfyLauncher built from the effective launch settings (the
 * app's settings override the config file), a timestamped rolling log tail, and a rebuild of the launcher when
 * the settings change while nothing runs (a running ComfyUI keeps its settings until it is restarted).
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
} from './supervisor';
import type { LogLine, LogStream } from './log-tail';
import { TypedEmitter } from '@core/typed-emitter';

export interface LaunchSettings {
  launchPath: string | null;
  autoLaunch: boolean;
  extraArgs: string[];
}

/**
 * What is launched: the settings' folder, else the config file's; auto launch when either asks for it (the
 * config file is boot-time, so the settings can switch it on but not off); extra flags from the settings.
 */
export function effectiveLaunchSettings(
  config: { launchPath?: string; autoLaunch: boolean },
  settings: ComfySettings,
): LaunchSettings {
  return {
    launchPath: settings.launchPath ?? config.launchPath ?? null,
    autoLaunch: settings.autoLaunch || config.autoLaunch,
    extraArgs: [...settings.extraArgs],
  };
}

export interface TimedLogLine {
  /** Clock time the line arrived. */
  at: number;
  stream: LogStream;
  text: string;
}

export interface LaunchedStatus {
  state: LauncherState;
  /** Where it answers while running. */
  url: string | null;
  pid: number | null;
  /** Why the last start failed, with the last log lines. */
  error: string | null;
  /** The settings changed since it was started; they apply on the next (re)start. */
  restartNeeded: boolean;
}

interface LaunchedEvents {
  state: [state: LauncherState];
  ready: [info: ReadyInfo];
  crash: [info: CrashInfo];
  log: [line: TimedLogLine];
}

export interface LaunchedComfyOptions {
  /** The launched ComfyUI's input/ and output/ folders are made here. */
  dir: string;
  readyTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** More launcher options (tests: python, port, env, restart policy, readiness poll). */
  launcher?: Partial<LauncherOptions>;
  tailLines?: number;
}

export const NO_LAUNCH_PATH =
  'No ComfyUI folder is set to launch. Choose the folder that holds main.py in Settings → ComfyUI (or set comfy.launchPath in config.json).';

const sameSettings = (a: LaunchSettings | null, b: LaunchSettings): boolean =>
  !!a && a.launchPath === b.launchPath && a.extraArgs.join('\u0000') === b.extraArgs.join('\u0000');

export class LaunchedComfy extends TypedEmitter<LaunchedEvents> {
  private launcher: ComfyLauncher | null = null;
  private detach: Array<() => void> = [];
  /** The settings the current launcher was built with. */
  private built: LaunchSettings | null = null;
  private wanted: LaunchSettings = { launchPath: null, autoLaunch: false, extraArgs: [] };
  private restartPending = false;
  private readonly tail: TimedLogLine[] = [];
  private readonly tailLines: number;

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
    return this.launcher!.start();
  }

  async stop(): Promise<void> {
    this.restartPending = false;
    await this.launcher?.stop();
    if (!sameSettings(this.built, this.wanted)) this.rebuild();
  }

  async restart(): Promise<ReadyInfo> {
    if (!this.wanted.launchPath) throw new LaunchError('not-found', NO_LAUNCH_PATH);
    await this.stop();
    return this.start();
  }

  /** The last lines of its output, oldest first (kept across restarts). */
  logTail(): TimedLogLine[] {
    return this.tail.slice();
  }

  status(): LaunchedStatus {
    const l = this.launcher;
    return {
      state: this.state,
      url: l?.info?.url ?? null,
      pid: l && this.state !== 'stopped' ? (l.pid ?? null) : null,
      error: l?.lastError?.message ?? null,
      restartNeeded: this.active && !sameSettings(this.built, this.wanted),
    };
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
      extraArgs: s.extraArgs,
      readyTimeoutMs: this.opts.readyTimeoutMs,
      clock: this.opts.clock,
      logger: this.opts.logger,
      ...this.opts.launcher,
    });
    const onState = (state: LauncherState) => {
      if (state !== 'crashed') this.restartPending = false;
      this.emit('state', state);
    };
    const onReady = (info: ReadyInfo) => this.emit('ready', info);
    const onCrash = (info: CrashInfo) => {
      this.restartPending = info.willRestart;
      this.emit('crash', info);
    };
    const onLog = (line: LogLine) => {
      const timed = { at: this.opts.clock.now(), stream: line.stream, text: line.text };
      this.tail.push(timed);
      if (this.tail.length > this.tailLines) this.tail.splice(0, this.tail.length - this.tailLines);
      this.emit('log', timed);
    };
    launcher.on('state', onState).on('ready', onReady).on('crash', onCrash).on('log', onLog);
    this.detach.push(() =>
      launcher.off('state', onState).off('ready', onReady).off('crash', onCrash).off('log', onLog),
    );
    this.launcher = launcher;
  }
}
