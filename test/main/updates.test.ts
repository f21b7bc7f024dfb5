/**
 * The Electron side of updates: electron-updater driven as the core decides (a stand-in AppUpdater records what
 * it is told), how an installed copy is recognised on disk, and the one notification per downloaded version.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UpdateState } from '@shared/api/updates';
import { EventBus } from '@core/events';
import { channelChoice } from '@core/updates/policy';
import { electronUpdaterPort, installKindOf, notifyWhenDownloaded, type Updater } from '../../electron/main/updates';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** What electron-updater's AppUpdater does with the calls the port makes. */
class StandInUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  allowPrerelease = false;
  allowDowngrade = false;
  private _channel: string | null = null;
  result: { isUpdateAvailable: boolean; updateInfo: { version: string; releaseNotes?: string | null } } | null = null;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  get channel(): string | null {
    return this._channel;
  }
  set channel(value: string | null) {
    this._channel = value;
    // As electron-updater: a channel set by hand allows downgrades.
    this.allowDowngrade = true;
  }
  checkForUpdates = vi.fn(async () => this.result);
  downloadUpdate = vi.fn(async () => {
    this.emit('download-progress', { percent: 12.5 });
    this.emit('download-progress', { percent: 100 });
    return ['/tmp/ComfyDesk-Setup.exe'];
  });
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

function port(updater = new StandInUpdater()) {
  const order: string[] = [];
  const exit = vi.fn();
  const p = electronUpdaterPort({
    updater: updater as unknown as Updater,
    quitThen: async (install) => {
      order.push('quit sequence');
      install();
    },
    exit,
    exitAfterMs: 5,
  });
  return { updater, port: p, order, exit };
}

describe('electron-updater behind the port', () => {
  it('never downloads on its own; installs on a quit the user chose', () => {
    const { updater } = port();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('checks on the chosen channel without allowing a downgrade, and returns notes as text', async () => {
    const { updater, port: p } = port();
    updater.result = {
      isUpdateAvailable: true,
      updateInfo: { version: '1.3.0-beta.1', releaseNotes: '<p>New <b>queue</b></p>' },
    };
    expect(await p.check(channelChoice('beta'))).toEqual({ version: '1.3.0-beta.1', releaseNotes: 'New queue' });
    expect(updater).toMatchObject({ channel: 'beta', allowPrerelease: true, allowDowngrade: false });
    updater.result = { isUpdateAvailable: false, updateInfo: { version: '1.0.0' } };
    expect(await p.check(channelChoice('stable'))).toBeNull();
    expect(updater).toMatchObject({ channel: 'latest', allowPrerelease: false, allowDowngrade: false });
    updater.result = null;
    expect(await p.check(channelChoice('stable'))).toBeNull();
  });

  it('reports download progress and stops listening afterwards', async () => {
    const { updater, port: p } = port();
    const seen: number[] = [];
    await p.download((percent) => seen.push(percent));
    expect(seen).toEqual([12.5, 100]);
    expect(updater.listenerCount('download-progress')).toBe(0);
  });

  it('restarts through the quit sequence, then the installer (which starts the new version)', async () => {
    const { updater, port: p, order, exit } = port();
    await p.installAndRestart();
    expect(order).toEqual(['quit sequence']);
    expect(updater.installs).toEqual([[false, true]]);
    // If the installer never quits the app, it exits anyway (the update installs on quit).
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
  });
});

describe('install kind on disk', () => {
  const place = (over: Partial<Parameters<typeof installKindOf>[0]>) => ({
    platform: 'linux' as NodeJS.Platform,
    isPackaged: true,
    resourcesPath: dirs.make('comfydesk-res-'),
    execPath: join(dirs.make('comfydesk-exe-'), 'comfydesk'),
    productName: 'ComfyDesk',
    env: {},
    ...over,
  });

  it('the .deb leaves resources/package-type; the AppImage sets APPIMAGE; else an unpacked folder', () => {
    const deb = place({});
    writeFileSync(join(deb.resourcesPath, 'package-type'), 'deb');
    expect(installKindOf(deb)).toBe('deb');
    expect(installKindOf(place({ env: { APPIMAGE: '/home/u/ComfyDesk.AppImage' } }))).toBe('appimage');
    expect(installKindOf(place({}))).toBe('unpacked');
    expect(installKindOf(place({ isPackaged: false }))).toBe('development');
  });

  it('on Windows the NSIS uninstaller beside the executable marks an installed copy', () => {
    const dir = dirs.make('comfydesk-win-');
    mkdirSync(dir, { recursive: true });
    const win = place({ platform: 'win32', execPath: join(dir, 'ComfyDesk.exe') });
    expect(installKindOf(win)).toBe('unpacked');
    writeFileSync(join(dir, 'Uninstall ComfyDesk.exe'), '');
    expect(installKindOf(win)).toBe('nsis');
  });
});

describe('the update notification', () => {
  it('tells once per downloaded version', () => {
    const events = new EventBus();
    const notify = vi.fn();
    const off = notifyWhenDownloaded(events, notify);
    const state = (status: UpdateState['status'], version: string | null) =>
      ({ status, version }) as unknown as UpdateState;
    events.emit('updates.changed', state('downloading', '1.1.0'));
    events.emit('updates.changed', state('downloaded', '1.1.0'));
    events.emit('updates.changed', state('downloaded', '1.1.0'));
    events.emit('updates.changed', state('downloaded', '1.2.0'));
    expect(notify.mock.calls.map(([n]) => (n as { title: string }).title)).toEqual([
      'ComfyDesk 1.1.0 is ready',
      'ComfyDesk 1.2.0 is ready',
    ]);
    off();
  });
});
