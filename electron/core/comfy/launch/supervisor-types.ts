/** Types of the ComfyUI process supervisor (supervisor.ts): states, options, events. */
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { LaunchError } from './launch-error';
import type { LogLine } from './log-tail';
import type { ComfyInstall, InstallEnv, PythonChoice } from './install';
import type { RunLogFiles } from './run-output';

export type LauncherState = 'stopped' | 'starting' | 'running' | 'crashed' | 'stopping';

export interface RestartPolicy {
  /** Restarts allowed in a row before giving up (0 = never restart). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Running this long without a crash resets the attempt count. */
  resetAfterMs: number;
}

export interface LauncherOptions {
  /** A ComfyUI folder (with main.py) or a portable root. When absent, `searchPlaces` are tried in order. */
  comfyDir?: string;
  searchPlaces?: readonly string[];
  /** Use this interpreter instead of choosing one. */
  python?: string;
  outputDir: string;
  inputDir: string;
  /** Fixed port; by default the OS picks a free one (kept across restarts while it stays free). */
  port?: number;
  /** Where each run's output files go (default: a folder in the OS temp dir). */
  logDir?: string;
  host?: string;
  previewMethod?: 'none' | 'auto' | 'latent2rgb' | 'taesd';
  extraArgs?: readonly string[];
  env?: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
  /** Interval of the `/api/system_stats` readiness poll; 0 turns the poll off (log line only). */
  pollIntervalMs?: number;
  tailLines?: number;
  stopGraceMs?: number;
  restart?: Partial<RestartPolicy>;
  clock?: Clock;
  logger?: Logger;
  installEnv?: InstallEnv;
  /**
   * Kill the process tree synchronously if this Node process exits without calling stop() (default true),
   * so a crashed app leaves no ComfyUI behind.
   */
  killOnParentExit?: boolean;
  /** Replaceable readiness probe (default: probeComfy says "comfyui"). */
  probeReady?: (url: string) => Promise<boolean>;
  /** Ports other launched ComfyUIs hold (one per GPU): never chosen for this one. */
  avoidPorts?: () => ReadonlySet<number>;
  /** How often a ComfyUI taken over from a previous run is checked to be alive (default 1 s). */
  alivePollMs?: number;
}

/** A run of ComfyUI as it is recorded (launch-record.ts) and taken over again after a crash of the app. */
export interface RunInfo {
  pid: number;
  port: number;
  /** Clock time it was started. */
  startedAt: number;
  files: RunLogFiles;
  /** 1-based number of the run in this launcher (for marking the log). */
  run: number;
  adopted: boolean;
  /** The main.py it runs (with the port, what tells it apart from other processes). */
  mainPy: string;
}

export interface ReadyInfo {
  url: string;
  port: number;
  pid: number;
  /** How readiness was seen; 'adopted': it was already running (left by a previous run of the app). */
  via: 'log' | 'api' | 'adopted';
  python: PythonChoice;
  install: ComfyInstall;
}

export interface CrashInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  logTail: LogLine[];
  /** 1-based number of this restart attempt (the one scheduled, or the one that would have come). */
  attempt: number;
  /** Restarts allowed in a row (the policy's maxAttempts). */
  maxAttempts: number;
  willRestart: boolean;
  delayMs: number;
  /** The run that ended (its number, pid). */
  run: number;
  pid: number | null;
  /** Set when the crash happened during a restart attempt (never ready). */
  error?: LaunchError;
}

export interface LauncherEvents {
  state: [state: LauncherState, previous: LauncherState];
  /** A process was started (or taken over): record it, so a crash of the app does not orphan it. */
  spawned: [info: RunInfo];
  log: [line: LogLine];
  ready: [info: ReadyInfo];
  crash: [info: CrashInfo];
  exit: [info: { code: number | null; signal: NodeJS.Signals | null; pid: number }];
}
