/**
 * The update manager on a fake clock with a fake updater: when it checks, what it downloads, and that it
 * restarts only when asked and only once no job runs and the bot is not delivering.
 */
import { describe, expect, it } from 'vitest';
import type { InstallKind, UpdateState } from '@shared/api/updates';
import type { Settings } from '@shared/settings';
import { ApiError } from '@shared/api';
import { UpdateManager, type FoundUpdate, type UpdaterPort } from '@core/updates/manager';
import {
  BUSY_POLL_MS,
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  RETRY_AFTER_ERROR_MS,
  type ChannelChoice,
} from '@core/updates/policy';
import { FakeClock } from '@test/helpers/fake-clock';

/** An updater whose every check and download the test answers. */
class FakeUpdater implements UpdaterPort {
  checks: ChannelChoice[] = [];
  downloads = 0;
  installs = 0;
  private answers: Array<FoundUpdate | null | Error> = [];
  private downloadFails: Error | null = null;
  private progress: ((p: number) => void) | null = null;
  private finishDownload: (() => void) | null = null;
  /** Downloads wait for finish() when set. */
  holdDownloads = false;

  answer(...answers: Array<FoundUpdate | null | Error>): this {
    this.answers.push(...answers);
    return this;
  }
  failDownload(err: Error): void {
    this.downloadFails = err;
  }
  async check(choice: ChannelChoice): Promise<FoundUpdate | null> {
    this.checks.push(choice);
    const next = this.answers.length > 1 ? this.answers.shift()! : (this.answers[0] ?? null);
    if (next instanceof Error) throw next;
    return next;
  }
  async download(onProgress: (percent: number) => void): Promise<void> {
    this.downloads++;
    if (this.downloadFails) throw this.downloadFails;
    this.progress = onProgress;
    onProgress(0);
    if (this.holdDownloads) await new Promise<void>((resolve) => (this.finishDownload = resolve));
    onProgress(100);
  }
  report(percent: number): void {
    this.progress?.(percent);
  }
  finish(): void {
    this.finishDownload?.();
  }
  installAndRestart(): void {
    this.installs++;
  }
}

function setup(
  opts: {
    install?: InstallKind;
    settings?: Partial<Settings['updates']>;
    updater?: FakeUpdater | null;
    checksDisabled?: boolean;
  } = {},
) {
  const clock = new FakeClock();
  const updater = opts.updater === undefined ? new FakeUpdater() : opts.updater;
  const settings: Settings['updates'] = { autoCheck: true, channel: 'stable', ...opts.settings };
  const busy = { runningJobs: 0, delivering: false };
  const seen: UpdateState[] = [];
  const manager = new UpdateManager({
    install: opts.install ?? 'nsis',
    current: '1.0.0',
    updater,
    clock,
    settings: () => settings,
    busy: () => ({ ...busy }),
    onChange: (s) => seen.push(s),
    releasesUrl: 'https://example.invalid/releases',
    checksDisabled: opts.checksDisabled ?? false,
  });
  const change = (patch: Partial<Settings['updates']>) => {
    Object.assign(settings, patch);
    manager.settingsChanged({ ...settings });
  };
  return { clock, updater: updater!, manager, busy, seen, change };
}

/** Lets the promise chains of a check (check → download → state) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const V2: FoundUpdate = { version: '1.1.0', releaseNotes: 'Faster gallery' };

describe('update checks', () => {
  it('checks shortly after start and then once a day, on the stable channel', async () => {
    const { clock, updater, manager } = setup();
    updater.answer(null);
    manager.start();
    expect(manager.state()).toMatchObject({ status: 'idle', nextCheckAt: clock.now() + FIRST_CHECK_DELAY_MS });
    clock.advance(FIRST_CHECK_DELAY_MS - 1);
    expect(updater.checks).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(updater.checks).toEqual([{ channel: 'latest', allowPrerelease: false, allowDowngrade: false }]);
    expect(manager.state()).toMatchObject({ status: 'up-to-date', lastCheckAt: clock.now() });
    expect(clock.pendingDelays()).toEqual([CHECK_INTERVAL_MS]);
    clock.advance(CHECK_INTERVAL_MS);
    await settle();
    clock.advance(CHECK_INTERVAL_MS);
    await settle();
    expect(updater.checks).toHaveLength(3);
    manager.stop();
    expect(clock.pendingCount).toBe(0);
  });

  it('the setting turns checks off (and on again); the beta channel asks for pre-releases', async () => {
    const { clock, updater, manager, change } = setup({ settings: { autoCheck: false } });
    manager.start();
    expect(clock.pendingCount).toBe(0);
    expect(manager.state()).toMatchObject({ autoCheck: false, nextCheckAt: null });
    change({ autoCheck: true, channel: 'beta' });
    expect(clock.pendingDelays()).toEqual([FIRST_CHECK_DELAY_MS]);
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(updater.checks).toEqual([{ channel: 'beta', allowPrerelease: true, allowDowngrade: false }]);
    change({ autoCheck: false });
    expect(clock.pendingCount).toBe(0);
    clock.advance(10 * CHECK_INTERVAL_MS);
    expect(updater.checks).toHaveLength(1);
  });

  it('a new channel is asked about soon, not a day later', async () => {
    const { clock, updater, manager, change } = setup();
    manager.start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(clock.pendingDelays()).toEqual([CHECK_INTERVAL_MS]);
    change({ channel: 'beta' });
    expect(clock.pendingDelays()).toEqual([FIRST_CHECK_DELAY_MS]);
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(updater.checks.map((c) => c.channel)).toEqual(['latest', 'beta']);
  });

  it('a failed check is retried within the hour and says why', async () => {
    const { clock, updater, manager } = setup();
    updater.answer(new Error('getaddrinfo ENOTFOUND api.github.com'), null);
    manager.start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(manager.state()).toMatchObject({
      status: 'error',
      error: 'The update check failed: getaddrinfo ENOTFOUND api.github.com',
    });
    expect(clock.pendingDelays()).toEqual([RETRY_AFTER_ERROR_MS]);
    clock.advance(RETRY_AFTER_ERROR_MS);
    await settle();
    expect(manager.state()).toMatchObject({ status: 'up-to-date', error: null });
  });

  it('"Check now" answers after the check; two at once share one', async () => {
    const { updater, manager } = setup({ settings: { autoCheck: false } });
    updater.answer(null);
    manager.start();
    const [a, b] = await Promise.all([manager.check(), manager.check()]);
    expect(updater.checks).toHaveLength(1);
    expect(a.status).toBe('up-to-date');
    expect(b.status).toBe('up-to-date');
  });

  it('COMFYDESK_AUTO_UPDATE=0 keeps every check off, whatever the setting', async () => {
    const { clock, manager } = setup({ checksDisabled: true });
    manager.start();
    expect(clock.pendingCount).toBe(0);
    expect(manager.state().status).toBe('unsupported');
    await expect(manager.check()).rejects.toBeInstanceOf(ApiError);
  });
});

describe('downloads in the background', () => {
  it('a new version downloads at once, with progress, then waits for the user', async () => {
    const { clock, updater, manager, seen } = setup();
    updater.answer(V2);
    updater.holdDownloads = true;
    manager.start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(manager.state()).toMatchObject({ status: 'downloading', version: '1.1.0', percent: 0 });
    updater.report(41.6);
    expect(manager.state().percent).toBe(42);
    updater.finish();
    await settle();
    expect(manager.state()).toMatchObject({
      status: 'downloaded',
      version: '1.1.0',
      releaseNotes: 'Faster gallery',
      percent: null,
      restartBlockedBy: null,
      restartPending: false,
    });
    const statuses = seen.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses).toEqual(['checking', 'downloading', 'downloaded']);
    expect(seen.filter((s) => s.status === 'downloading').map((s) => s.percent)).toEqual([0, 42, 100]);
    // Downloaded is not installed: nothing restarts on its own, even days later with nothing running.
    clock.advance(3 * CHECK_INTERVAL_MS);
    await settle();
    expect(updater.installs).toBe(0);
    // A later check finding the same version downloads nothing again.
    expect(updater.downloads).toBe(1);
    expect(manager.state().status).toBe('downloaded');
  });

  it('a failed download is an error that the next check retries', async () => {
    const { clock, updater, manager } = setup();
    updater.answer(V2);
    updater.failDownload(new Error('sha512 checksum mismatch'));
    manager.start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(manager.state()).toMatchObject({
      status: 'error',
      error: 'The update could not be downloaded: sha512 checksum mismatch',
    });
    expect(clock.pendingDelays()).toEqual([RETRY_AFTER_ERROR_MS]);
  });

  it('the .deb is told about a new version but never downloads it: the package updates it', async () => {
    const { clock, updater, manager } = setup({ install: 'deb' });
    updater.answer(V2);
    manager.start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(manager.state()).toMatchObject({ status: 'available', version: '1.1.0', install: 'deb' });
    expect(manager.state().manual).toMatch(/update through the package/);
    expect(updater.downloads).toBe(0);
    expect(() => manager.restart()).toThrow(/No update has been downloaded/);
  });

  it('copies that do not update themselves say how to update and plan nothing', async () => {
    for (const install of ['development', 'unpacked', 'headless'] as const) {
      const { clock, manager } = setup({ install, updater: null });
      manager.start();
      expect(clock.pendingCount).toBe(0);
      expect(manager.state()).toMatchObject({ status: 'unsupported', install });
      expect(manager.state().manual).toBeTruthy();
      await expect(manager.check()).rejects.toThrow(manager.state().manual!);
    }
  });
});

describe('restart to update', () => {
  async function downloaded() {
    const ctx = setup();
    ctx.updater.answer(V2);
    ctx.manager.start();
    ctx.clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(ctx.manager.state().status).toBe('downloaded');
    return ctx;
  }

  it('restarts at once when nothing runs', async () => {
    const { manager, updater } = await downloaded();
    manager.restart();
    await settle();
    expect(updater.installs).toBe(1);
  });

  it('waits while a job runs or the bot delivers, then restarts once', async () => {
    const { clock, manager, updater, busy } = await downloaded();
    busy.runningJobs = 2;
    expect(manager.state().restartBlockedBy).toBe('2 jobs are running');
    expect(manager.restart()).toMatchObject({ restartPending: true, restartBlockedBy: '2 jobs are running' });
    clock.advance(BUSY_POLL_MS * 10);
    await settle();
    expect(updater.installs).toBe(0);

    // The jobs end while a result is being posted to Discord: still waiting.
    busy.runningJobs = 0;
    busy.delivering = true;
    manager.busyChanged();
    clock.advance(BUSY_POLL_MS);
    await settle();
    expect(updater.installs).toBe(0);
    expect(manager.state().restartBlockedBy).toBe('the Discord bot is delivering results');

    // Delivered: the next look restarts.
    busy.delivering = false;
    clock.advance(BUSY_POLL_MS);
    await settle();
    expect(updater.installs).toBe(1);
    manager.restart();
    clock.advance(BUSY_POLL_MS * 10);
    await settle();
    expect(updater.installs).toBe(1);
  });

  it('a job ending restarts without waiting for the next poll', async () => {
    const { manager, updater, busy } = await downloaded();
    busy.runningJobs = 1;
    manager.restart();
    busy.runningJobs = 0;
    manager.busyChanged();
    await settle();
    expect(updater.installs).toBe(1);
  });

  it('a waiting restart can be called off; the update stays ready', async () => {
    const { clock, manager, updater, busy } = await downloaded();
    busy.runningJobs = 1;
    manager.restart();
    expect(manager.cancelRestart()).toMatchObject({ restartPending: false, status: 'downloaded' });
    busy.runningJobs = 0;
    clock.advance(BUSY_POLL_MS * 3);
    manager.busyChanged();
    await settle();
    expect(updater.installs).toBe(0);
  });

  it('an install that fails is reported and leaves the app running', async () => {
    const { manager, updater } = await downloaded();
    updater.installAndRestart = () => {
      throw new Error('the installer is missing');
    };
    manager.restart();
    await settle();
    expect(manager.state()).toMatchObject({
      restartPending: false,
      error: 'The update could not be installed: the installer is missing',
      status: 'downloaded',
    });
  });

  it('refuses when nothing was downloaded', () => {
    const { manager } = setup();
    expect(() => manager.restart()).toThrow(ApiError);
  });
});
