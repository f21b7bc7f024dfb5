/**
 * The ComfyUI that ComfyDesk launches, as a backend of the manager (manager.ts): its record (kind 'launched',
 * kept when it comes back on another port), 'starting' while it boots, taking over the one a previous session
 * left running, the auto launch at start and when the settings ask for it, and 'gone' when the launcher gave up
 * restarting it.
 */
import type { Settings } from '@shared/settings';
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { Config } from '@core/config';
import type { BackendRecord, BackendRecords } from './records';
import type { ComfyBackend } from './backend';
import {
  effectiveLaunchSettings,
  LaunchedComfy,
  type LaunchedStatus,
  type LaunchSettings,
  type TimedLogLine,
} from '../launch/launched-comfy';
import type { CrashInfo, LauncherOptions, ReadyInfo } from '../launch/supervisor';
import type { LaunchRecordStore } from '../launch/launch-record';
import { exitText } from '../launch/launch-status';
import { normalizeBaseUrl } from '../protocol/probe';

const LAUNCHED_NAME = 'ComfyUI (launched by ComfyDesk)';

/** Why the jobs of a launched ComfyUI the launcher gave up on end (or run elsewhere). */
export function gaveUpReason(info: CrashInfo): string {
  const how = info.error
    ? info.error.summary.replace(/\.$/, '')
    : `ComfyUI exited (${exitText({ code: info.code, signal: info.signal })})`;
  if (info.maxAttempts === 0) return `${how}, and restarting it is off.`;
  return `${how}, and ComfyDesk gave up after ${info.maxAttempts} restart${info.maxAttempts === 1 ? '' : 's'}.`;
}

/** What the link needs of the manager. */
export interface LaunchLinkHost {
  records: BackendRecords;
  config: Config['comfy'];
  clock: Clock;
  log: Logger;
  launchDir: string;
  launchRecords?: LaunchRecordStore;
  launcher?: Partial<LauncherOptions>;
  started(): boolean;
  backend(id: string): ComfyBackend | undefined;
  startLive(record: BackendRecord): void;
  stopLive(id: string): Promise<void>;
  forgetVersion(id: string): void;
  anyOnline(): boolean;
  changed(): void;
  status(status: LaunchedStatus & { backendId: string | null }): void;
  logLine(line: TimedLogLine): void;
  gone(backendId: string, reason: string): void;
}

export class LaunchLink {
  readonly launched: LaunchedComfy;
  /** The backend record of the launched ComfyUI, once known. */
  private id: string | null;
  /** Why the launcher gave up on it, until the 'crashed' state that follows has been told. */
  private gaveUp: string | null = null;

  constructor(
    private readonly h: LaunchLinkHost,
    settings: Settings,
  ) {
    this.launched = new LaunchedComfy({
      dir: h.launchDir,
      readyTimeoutMs: h.config.startTimeoutSec * 1000,
      clock: h.clock,
      logger: h.log,
      ...(h.launchRecords ? { records: h.launchRecords } : {}),
      ...(h.launcher ? { launcher: h.launcher } : {}),
    });
    this.launched.configure(this.settingsFrom(settings));
    this.id = this.record()?.id ?? null;
    this.launched.on('log', (line) => h.logLine(line));
    this.launched.on('state', (state) => {
      const b = this.backend();
      if (state === 'starting') b?.markStarting(true);
      else if (state === 'stopped') b?.markStarting(false);
      // A failed start: no longer booting, unless a restart is scheduled.
      else if (state === 'crashed') queueMicrotask(() => this.launched.active || b?.markStarting(false));
      h.status(this.status());
      // Given up (said by the crash just before): its jobs will not come back there; they run elsewhere (once) or
      // end with the reason. Told once the state says so, so nobody takes it for still starting.
      const gone = this.gaveUp;
      this.gaveUp = null;
      if (state === 'crashed' && gone && this.id) h.gone(this.id, gone);
      h.changed();
    });
    this.launched.on('crash', (info) => {
      h.log.warn('the launched ComfyUI crashed', {
        code: info.code,
        signal: info.signal,
        restart: info.willRestart,
        attempt: info.attempt,
      });
      this.backend()?.markStarting(info.willRestart);
      this.gaveUp = info.willRestart ? null : gaveUpReason(info);
      h.changed();
    });
    this.launched.on('ready', (info) => this.onReady(info));
  }

  get backendId(): string | null {
    return this.id;
  }

  status(): LaunchedStatus & { backendId: string | null } {
    return { ...this.launched.status(), backendId: this.id };
  }

  /** The record was removed. */
  forget(id: string): void {
    if (this.id === id) this.id = null;
  }

  /** A live backend was made for this record: it shows 'starting' while the launched ComfyUI boots. */
  attached(record: BackendRecord, backend: ComfyBackend): void {
    if (record.id === this.id && this.launched.state === 'starting') backend.markStarting(true);
  }

  onSettings(s: Settings): void {
    const before = this.launched.settings;
    const next = this.settingsFrom(s);
    this.launched.configure(next);
    const asked = next.autoLaunch && !!next.launchPath && (!before.autoLaunch || before.launchPath !== next.launchPath);
    if (asked && this.h.started() && !this.launched.active && !this.h.anyOnline()) {
      this.launched
        .start()
        .catch((err: unknown) => this.h.log.warn('launching ComfyUI failed', { error: String(err) }));
    }
  }

  /**
   * At start: the ComfyUI this app launched last time, if it still runs, is taken over (or stopped when it does
   * not answer); then the usual addresses are looked at (`discover` says how many found ones are in use); with
   * auto launch on and nothing in use, ComfyUI is launched.
   */
  async reclaimThenLaunch(discover: () => Promise<number>): Promise<void> {
    const reclaimed = await this.launched.reclaim().catch((err: unknown) => {
      this.h.log.warn('looking at the ComfyUI left by the previous session failed', { error: String(err) });
      return 'none' as const;
    });
    if (reclaimed === 'adopted') this.h.log.info('took over the ComfyUI the previous session launched');
    const found = await discover();
    const s = this.launched.settings;
    if (!this.h.started() || !s.autoLaunch || !s.launchPath || this.launched.active) return;
    if (found > 0) {
      this.h.log.info('a ComfyUI is already running; not launching another');
      return;
    }
    // Not awaited: stop() waits for the discovery, and must be able to stop a ComfyUI that is still booting.
    this.launched.start().catch((err: unknown) => this.h.log.warn('launching ComfyUI failed', { error: String(err) }));
  }

  private settingsFrom(s: Settings): LaunchSettings {
    return effectiveLaunchSettings(this.h.config, s.comfy);
  }

  private onReady(info: ReadyInfo): void {
    if (!this.h.started()) return;
    const url = normalizeBaseUrl(info.url) ?? info.url;
    const launchPath = this.launched.settings.launchPath;
    const previous = this.record();
    let record = this.h.records.byUrl(url);
    if (!record && previous) {
      // Same ComfyUI, another port: keep its id and clientId, reconnect at the new address.
      void this.h.stopLive(previous.id);
      this.h.forgetVersion(previous.id);
      record = this.h.records.update(previous.id, { url, launchPath });
    }
    record ??= this.h.records.ensure(url, 'launched', LAUNCHED_NAME, launchPath ?? undefined);
    this.id = record.id;
    this.h.log.info('launched ComfyUI is ready', { url, via: info.via });
    if (record.enabled) this.h.startLive(record);
    // Ready: ask at once instead of waiting for the socket's next try (the answer reconnects its socket at once);
    // 'starting' ends either way (unless by then this run ended and another boot began).
    const b = this.h.backend(record.id);
    const stillThisRun = () => this.launched.state === 'running' && this.launched.status().pid === info.pid;
    if (b) void b.recheck().finally(() => stillThisRun() && b.markStarting(false));
    this.h.changed();
  }

  private record(): BackendRecord | undefined {
    return this.h.records.list().find((r) => r.kind === 'launched');
  }

  private backend(): ComfyBackend | undefined {
    return this.id ? this.h.backend(this.id) : undefined;
  }
}
