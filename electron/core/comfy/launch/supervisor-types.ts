/** Types and pure helpers of the ComfyUI launcher (launcher.ts). */
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { LaunchError } from './launch-error';
import type { LogLine } from './log-tail';
import type { ComfyInstall, InstallEnv, PythonChoice } from './install';

export type LauncherState = 'stopped' | 'starting' | 'running' | 'crashed' | 'stopping';

export const READY_LINE = /To see the GUI go to: (https?):\/\/(\S+):(\d+)/;
export const PORT_IN_USE = /address already in use|Errno 98|Errno 48|10048|only one usage of each socket address/i;

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
}

export interface ReadyInfo {
  url: string;
  port: number;
  pid: number;
  via: 'log' | 'api';
  python: PythonChoice;
  install: ComfyInstall;
}

export interface CrashInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  logTail: LogLine[];
  /** 1-based number of this restart attempt, when one is scheduled. */
  attempt: number;
  willRestart: boolean;
  delayMs: number;
  /** Set when the crash happened during a restart attempt (never ready). */
  error?: LaunchError;
}

export interface LauncherEvents {
  state: [state: LauncherState, previous: LauncherState];
  log: [line: LogLine];
  ready: [info: ReadyInfo];
  crash: [info: CrashInfo];
  exit: [info: { code: number | null; signal: NodeJS.Signals | null; pid: number }];
}


export function buildLaunchArgs(o: {
  mainPy: string;
  host: string;
  port: number;
  outputDir: string;
  inputDir: string;
  previewMethod: string;
  extraArgs: readonly string[];
}): string[] {
  return [
    o.mainPy,
    '--listen', o.host,
    '--port', String(o.port),
    '--output-directory', o.outputDir,
    '--input-directory', o.inputDir,
    '--preview-method', o.previewMethod,
    ...o.extraArgs,
  ];
}
