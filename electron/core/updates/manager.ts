/**
 * Keeps the app up to date without surprising anyone: checks at start and once a day (unless turned off), on the
 * chosen channel; downloads in the background; restarts only when the user asks, and even then only once no job
 * is running on ComfyUI and the bot is not in the middle of delivering a result. Plain Node on the injected
 * clock; the updater itself (electron-updater in the desktop shell) comes in as an UpdaterPort.
 */
import { refusal } from '@shared/api';
import type { InstallKind, UpdateState, UpdateStatus } from '@shared/api/updates';
import type { Settings } from '@shared/settings';
import type { Clock, ClockTimer } from '../clock';
import { nullLogger, type Logger } from '../log';
import {
  BUSY_POLL_MS,
  channelChoice,
  installSupport,
  nextCheckAt,
  restartBlocker,
  type BusyFacts,
  type ChannelChoice,
} from './policy';

export interface FoundUpdate {
  version: string;
  /** Plain text (see releaseNotesText). */
  releaseNotes: string | null;
}

/** What the manager needs of an updater. */
export interface UpdaterPort {
  /** Look for a newer version on this channel; null when the running one is the newest. */
  check(choice: ChannelChoice): Promise<FoundUpdate | null>;
  /** Download the version the last check found, reporting 0–100. */
  download(onProgress: (percent: number) => void): Promise<void>;
  /** Quit the app in its usual order and start the downloaded version. */
  installAndRestart(): Promise<void> | void;
}

export interface UpdateManagerOptions {
  install: InstallKind;
  /** The running version. */
  current: string;
  /** Null where nothing updates itself (headless, development, tests). */
  updater: UpdaterPort | null;
  clock: Clock;
  settings(): Settings['updates'];
  busy(): BusyFacts;
  onChange(state: UpdateState): void;
  logger?: Logger;
  releasesUrl?: string | null;
  /** Checks are off whatever the setting says (COMFYDESK_AUTO_UPDATE=0: tests, managed machines). */
  checksDisabled?: boolean;
}

export class UpdateManager {
  private status: UpdateStatus;
  private version: string | null = null;
  private notes: string | null = null;
  private percent: number | null = null;
  private error: string | null = null;
  /** The version downloaded and ready to install (with its notes). */
  private downloaded: FoundUpdate | null = null;
  private lastCheckAt: number | null = null;
  private lastFailed = false;
  private nextAt: number | null = null;
  private timer: ClockTimer | undefined;
  private pollTimer: ClockTimer | undefined;
  private pending = false;
  private restarting = false;
  private running = false;
  private checking: Promise<void> | null = null;
  private lastSettings: Settings['updates'] | null = null;
  private readonly log: Logger;
  private readonly support;

  constructor(private readonly o: UpdateManagerOptions) {
    this.log = o.logger ?? nullLogger;
    this.support = installSupport(o.install);
    this.status = this.canCheck() ? 'idle' : 'unsupported';
  }

  state(): UpdateState {
    const settings = this.o.settings();
    return {
      install: this.o.install,
      status: this.status,
      current: this.o.current,
      version: this.version,
      releaseNotes: this.notes,
      percent: this.percent,
      channel: settings.channel,
      autoCheck: settings.autoCheck,
      lastCheckAt: this.lastCheckAt,
      nextCheckAt: this.nextAt,
      error: this.error,
      restartBlockedBy: this.status === 'downloaded' ? restartBlocker(this.o.busy()) : null,
      restartPending: this.pending,
      manual: this.support.manual,
      releasesUrl: this.o.releasesUrl ?? null,
    };
  }

  /** Plans the first automatic check (with the core started). */
  start(): void {
    this.running = true;
    this.lastSettings = { ...this.o.settings() };
    this.plan();
  }

  stop(): void {
    this.running = false;
    this.o.clock.clearTimeout(this.timer);
    this.o.clock.clearTimeout(this.pollTimer);
    this.timer = this.pollTimer = undefined;
    this.nextAt = null;
  }

  /** The settings changed: turning checks off cancels the next one; a new channel is asked about soon. */
  settingsChanged(settings: Settings['updates']): void {
    const before = this.lastSettings;
    this.lastSettings = { ...settings };
    if (before && before.autoCheck === settings.autoCheck && before.channel === settings.channel) return;
    if (before && before.channel !== settings.channel) {
      // What was found on the other channel no longer answers the question.
      this.lastCheckAt = null;
      this.lastFailed = false;
    }
    if (this.running) this.plan();
    this.changed();
  }

  /** A check now (the user's "Check for updates"); answers once it is done. */
  async check(): Promise<UpdateState> {
    if (!this.canCheck()) {
      throw refusal('conflict', 'Updates', this.support.manual ?? 'This copy does not update itself.');
    }
    await this.runCheck();
    return this.state();
  }

  /** "Restart to update": now when nothing is running, else as soon as nothing is. */
  restart(): UpdateState {
    if (this.status !== 'downloaded' || !this.support.selfUpdate) {
      throw refusal(
        'conflict',
        'No update to install',
        'No update has been downloaded yet.',
        this.support.manual ?? 'Check for updates first; a new version downloads in the background.',
      );
    }
    if (!this.pending) {
      this.pending = true;
      this.tryRestart();
    }
    return this.state();
  }

  cancelRestart(): UpdateState {
    if (this.pending && !this.restarting) {
      this.pending = false;
      this.o.clock.clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
      this.changed();
    }
    return this.state();
  }

  /** Jobs started or ended: a waiting restart may go now, and the app shows what still blocks it. */
  busyChanged(): void {
    if (this.pending) this.tryRestart();
  }

  private canCheck(): boolean {
    return this.support.checks && this.o.updater !== null && !this.o.checksDisabled;
  }

  private plan(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = null;
    if (!this.running || !this.canCheck() || !this.o.settings().autoCheck) return;
    const now = this.o.clock.now();
    const at = nextCheckAt({ now, lastCheckAt: this.lastCheckAt, lastFailed: this.lastFailed });
    this.nextAt = at;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runCheck();
    }, at - now);
    this.timer.unref?.();
  }

  private runCheck(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = null;
      this.plan();
      this.changed();
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const updater = this.o.updater!;
    // A download or a restart in progress is not interrupted by a check.
    if (this.status === 'downloading' || this.restarting) return;
    this.set('checking');
    let found: FoundUpdate | null;
    try {
      found = await updater.check(channelChoice(this.o.settings().channel));
    } catch (err) {
      this.fail('The update check failed', err);
      return;
    } finally {
      this.lastCheckAt = this.o.clock.now();
    }
    this.lastFailed = false;
    this.error = null;
    if (!found || found.version === this.downloaded?.version) {
      // A version downloaded before stays ready to install.
      this.set(this.downloaded ? 'downloaded' : 'up-to-date');
      return;
    }
    this.version = found.version;
    this.notes = found.releaseNotes;
    this.log.info('a new version is available', { version: found.version, current: this.o.current });
    if (!this.support.selfUpdate) {
      this.set('available');
      return;
    }
    this.percent = 0;
    this.set('downloading');
    try {
      await updater.download((percent) => {
        const rounded = Math.max(0, Math.min(100, Math.round(percent)));
        if (rounded === this.percent) return;
        this.percent = rounded;
        this.changed();
      });
    } catch (err) {
      this.percent = null;
      this.fail('The update could not be downloaded', err);
      return;
    }
    this.percent = null;
    this.downloaded = found;
    this.log.info('update downloaded', { version: found.version });
    this.set('downloaded');
  }

  private fail(what: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.lastFailed = true;
    this.error = `${what}: ${message}`;
    this.log.warn(what.toLowerCase(), { error: message });
    if (this.downloaded) {
      // What was downloaded before is still ready to install; the error stays visible beside it.
      this.version = this.downloaded.version;
      this.notes = this.downloaded.releaseNotes;
      this.set('downloaded');
      return;
    }
    this.set('error');
  }

  private tryRestart(): void {
    this.o.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.pending || this.restarting) return;
    const blocker = restartBlocker(this.o.busy());
    if (blocker) {
      this.pollTimer = this.o.clock.setTimeout(() => this.tryRestart(), BUSY_POLL_MS);
      this.pollTimer.unref?.();
      this.changed();
      return;
    }
    this.restarting = true;
    this.log.info('restarting to update', { version: this.downloaded?.version });
    this.changed();
    Promise.resolve()
      .then(() => this.o.updater!.installAndRestart())
      .catch((err: unknown) => {
        this.restarting = false;
        this.pending = false;
        this.fail('The update could not be installed', err);
        this.changed();
      });
  }

  private set(status: UpdateStatus): void {
    this.status = status;
    this.changed();
  }

  private changed(): void {
    try {
      this.o.onChange(this.state());
    } catch (err) {
      this.log.warn('update state listener failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
