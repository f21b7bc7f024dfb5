/** The options and events of BackendManager (manager.ts). */
import type { Config } from '@core/config';
import type { EventBus } from '@core/events';
import type { Logger } from '@core/log';
import type { Clock } from '@core/clock';
import type { Settings } from '@shared/settings';
import type { BackendRecords, RemovedAddresses } from './records';
import type { BackendStatus, ComfyBackend, ComfyBackendOptions } from './backend';
import type { LauncherView } from '../launch/launch-status';
import type { CommandRunner } from '../launch/gpus';
import type { DeviceLogLine } from './launch-set';
import type { LauncherOptions } from '../launch/supervisor';
import type { BackendAuthStore } from './auth-store';
import type { LaunchRecordBook } from '../launch/launch-record';

export interface BackendManagerEvents {
  added: [backend: ComfyBackend];
  removed: [id: string];
  status: [id: string, status: BackendStatus];
  /** Something the health summary shows changed (status, version, records, launcher state, capabilities). */
  changed: [];
  /** A new output line of a launched ComfyUI (`device`: which GPU's, null for the single one). */
  log: [line: DeviceLogLine];
  /** A launched ComfyUI changed state (the whole launcher's status, with each instance). */
  launcher: [status: LauncherView];
  /** A backend is gone for good (the launcher gave up restarting it): its jobs must go elsewhere or end. */
  gone: [backendId: string, reason: string];
}

export interface BackendManagerOptions {
  /** The stored backend records. */
  records: BackendRecords;
  /** Addresses the user removed. */
  removed: RemovedAddresses;
  /** The current settings (launch settings live in `settings.comfy`). */
  settings(): Settings;
  /** Used to follow `settings.changed`. */
  events: EventBus;
  config: Config['comfy'];
  /** The launched ComfyUI's input/ and output/ go under here. */
  launchDir: string;
  clock?: Clock;
  logger?: Logger;
  /** Where to look for an already running ComfyUI at start (default 127.0.0.1:8188 and :8000; [] = don't look). */
  discoverUrls?: readonly string[];
  /** More launcher options (tests). */
  launcher?: Partial<LauncherOptions>;
  /** Each backend's credentials (a ComfyUI behind a reverse proxy). */
  auth?: BackendAuthStore;
  /** Where what the launcher runs is recorded (per GPU), to take it over (or stop it) after a crash of the app. */
  launchRecords?: LaunchRecordBook;
  /** Runs nvidia-smi to list the GPUs (tests script its answer). */
  gpuRunner?: CommandRunner;
  /** More options for every ComfyBackend (tests: socket backoff). */
  backend?: Pick<ComfyBackendOptions, 'client' | 'socket' | 'random'>;
}
