/**
 * electron-updater behind the core's UpdaterPort. Every decision (when to check, which channel, when it may
 * restart) is the core's (electron/core/updates); this file only drives electron-updater: GitHub Releases as
 * electron-builder's `publish` config wrote into app-update.yml, no download or install of its own, and a
 * restart that runs the app's quit sequence (bot, core) before the installer takes over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppUpdater, ProgressInfo } from 'electron-updater';
import type { InstallKind, UpdateState } from '@shared/api/updates';
import type { EventBus } from '@core/events';
import type { UpdaterPort } from '@core/updates/manager';
import { detectInstallKind, releaseNotesText } from '@core/updates/policy';

type ElectronUpdaterModule = typeof import('electron-updater');

/**
 * electron-updater's autoUpdater, loaded on first use (installed copies only). It is a CommonJS package: a
 * dynamic import puts its exports under `default`, and its `autoUpdater` getter is not seen as a named export.
 */
export async function loadAutoUpdater(): Promise<AppUpdater> {
  const mod = (await import('electron-updater')) as ElectronUpdaterModule & { default?: ElectronUpdaterModule };
  return (mod.default ?? mod).autoUpdater;
}

/** The part of electron-updater's AppUpdater the port uses. */
export type Updater = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowPrerelease'
  | 'allowDowngrade'
  | 'channel'
  | 'checkForUpdates'
  | 'downloadUpdate'
  | 'quitAndInstall'
  | 'on'
  | 'off'
>;

export interface InstallPlace {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** process.resourcesPath */
  resourcesPath: string;
  /** process.execPath */
  execPath: string;
  productName: string;
  env: NodeJS.ProcessEnv;
}

/** How this copy was installed: the facts electron-builder leaves beside the app. */
export function installKindOf(place: InstallPlace): InstallKind {
  let packageType: string | null = null;
  try {
    packageType = readFileSync(join(place.resourcesPath, 'package-type'), 'utf8');
  } catch {
    // Only the Linux packages (deb, rpm) have it.
  }
  return detectInstallKind({
    platform: place.platform,
    isPackaged: place.isPackaged,
    env: place.env,
    packageType,
    nsisUninstaller: existsSync(join(dirname(place.execPath), `Uninstall ${place.productName}.exe`)),
  });
}

export interface UpdaterPortOptions {
  updater: Updater;
  /** Runs the quit sequence, then calls `install` instead of exiting (quit.ts). */
  quitThen(install: () => void): Promise<void>;
  /** app.exit: the last resort when the installer does not take over. */
  exit(code: number): void;
  /** How long to wait for the installer to quit the app before exiting anyway. */
  exitAfterMs?: number;
}

export function electronUpdaterPort(options: UpdaterPortOptions): UpdaterPort {
  const { updater } = options;
  updater.autoDownload = false;
  // Quitting with a downloaded update installs it: the user chose to quit, nothing is cut off by a restart.
  updater.autoInstallOnAppQuit = true;
  return {
    async check(choice) {
      // Setting the channel turns allowDowngrade on: set it after.
      updater.channel = choice.channel;
      updater.allowPrerelease = choice.allowPrerelease;
      updater.allowDowngrade = choice.allowDowngrade;
      const result = await updater.checkForUpdates();
      if (!result?.isUpdateAvailable) return null;
      return { version: result.updateInfo.version, releaseNotes: releaseNotesText(result.updateInfo.releaseNotes) };
    },
    async download(onProgress) {
      const listener = (progress: ProgressInfo): void => onProgress(progress.percent);
      updater.on('download-progress', listener);
      try {
        await updater.downloadUpdate();
      } finally {
        updater.off('download-progress', listener);
      }
    },
    installAndRestart: () =>
      options.quitThen(() => {
        // isSilent false: the Windows installer shows its progress; isForceRunAfter: start the new version.
        updater.quitAndInstall(false, true);
        setTimeout(() => options.exit(0), options.exitAfterMs ?? 15_000).unref();
      }),
  };
}

/** Tells the user once per version that an update is ready (the tray and the app offer the restart). */
export function notifyWhenDownloaded(
  events: Pick<EventBus, 'on'>,
  notify: (n: { title: string; body: string }) => void,
): () => void {
  let told: string | null = null;
  return events.on('updates.changed', (state: UpdateState) => {
    if (state.status !== 'downloaded' || !state.version || state.version === told) return;
    told = state.version;
    notify({
      title: `ComfyDesk ${state.version} is ready`,
      body: 'Choose "Restart to update" in the tray or the app. It waits for running jobs.',
    });
  });
}
