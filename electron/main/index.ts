/**
 * Electron main: the thin desktop shell around the core. Order of start-up: one instance only; the core first
 * (its database checked, store open, API answering — or only recovery when the database is damaged); the window
 * at once (shown on its first frame, live state over IPC); tray, notifications and login item; then core.start()
 * connects ComfyUI and the rest in the background. Quitting runs quit.ts once. Everything that is not about
 * Electron itself lives in electron/core.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, powerMonitor, protocol, safeStorage, session, shell } from 'electron';
import { createCoreHost, type CoreHost } from '@core/host';
import { loadConfig } from '@core/config';
import { createFileLogger } from '@core/log-file';
import { bridgeIpc } from './ipc';
import { launchedAtLogin, syncLoginItem } from './login-item';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol';
import { explainStartupError, useDevSqliteBinding } from './native-modules';
import { electronNotifier, watchForNotifications } from './notifications';
import { createQuitSequence, type QuitSequence } from './quit';
import { SafeStorageSecretStore } from './secrets-safe-storage';
import { appUrlMatcher, hardenSession } from './security';
import { callCore, currentSettings } from './shell-core';
import { claimSingleInstance } from './single-instance';
import { createShellTray, type ShellTray } from './tray';
import { electronUpdaterPort, installKindOf, loadAutoUpdater, notifyWhenDownloaded } from './updates';
import { createMainWindow, showMainWindow } from './window';

/** Tests (the Electron smoke test) run with their own profile. */
if (process.env.COMFYDESK_USER_DATA_DIR) app.setPath('userData', process.env.COMFYDESK_USER_DATA_DIR);

registerMediaScheme(protocol);

let core: CoreHost | null = null;
let window: BrowserWindow | null = null;
let tray: ShellTray | null = null;

/** resources/ in the checkout; electron-builder copies the parts needed at run time beside app.asar. */
const resource = (...parts: string[]): string =>
  app.isPackaged ? join(process.resourcesPath, ...parts) : join(app.getAppPath(), 'resources', ...parts);

let quitSequence: QuitSequence | null = null;
const START_WAIT_ON_QUIT_MS = 5_000;
/** Creates the window again if it was really closed (macOS keeps running without one). */
let openWindow: () => BrowserWindow | null = () => window;

/** The Releases page, from the app-update.yml electron-builder wrote from its `publish` config (packaged only). */
function releasesUrl(): string | null {
  try {
    const text = readFileSync(join(process.resourcesPath, 'app-update.yml'), 'utf8');
    const owner = /^owner:\s*['"]?([\w.-]+)['"]?\s*$/m.exec(text)?.[1];
    const repo = /^repo:\s*['"]?([\w.-]+)['"]?\s*$/m.exec(text)?.[1];
    return owner && repo ? `https://github.com/${owner}/${repo}/releases` : null;
  } catch {
    return null;
  }
}

/** The updater for an installed copy (electron-updater is loaded only there), with where releases are listed. */
async function desktopUpdates(quitThen: (install: () => void) => Promise<void>) {
  const install = installKindOf({
    platform: process.platform,
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    execPath: process.execPath,
    productName: app.getName(),
    env: process.env,
  });
  const checksDisabled = process.env.COMFYDESK_AUTO_UPDATE === '0';
  const updates = { install, updater: null, releasesUrl: app.isPackaged ? releasesUrl() : null, checksDisabled };
  // Loaded even with checks off (the smoke test's packaged macOS app): it then only never checks.
  if (!['nsis', 'mac', 'appimage', 'deb'].includes(install)) return updates;
  const autoUpdater = await loadAutoUpdater();
  return {
    ...updates,
    updater: electronUpdaterPort({ updater: autoUpdater, quitThen, exit: (code) => app.exit(code) }),
  };
}

async function start(): Promise<void> {
  useDevSqliteBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    electronVersion: process.versions.electron,
    // First development start: fetch better-sqlite3 for Electron (Electron's binary runs the script as Node).
    fetchMissing: (script) => {
      spawnSync(process.execPath, [script], {
        cwd: app.getAppPath(),
        stdio: 'inherit',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
    },
  });
  const config = loadConfig({ dataDir: app.getPath('userData') });
  const logger = createFileLogger({ dir: join(config.dataDir, 'logs'), level: config.logLevel });
  const secrets = new SafeStorageSecretStore({
    dir: join(config.dataDir, 'secrets'),
    safeStorage,
    logger: logger.child('secrets'),
  });
  const updates = await desktopUpdates(async (install) => {
    await quitSequence?.quit(install);
  });
  // The host checks the database before the core opens it; a damaged one starts in recovery (the window offers
  // to restore a backup), and a restore restarts the core behind the same API and events.
  const running = createCoreHost({
    config,
    mode: 'desktop',
    logger,
    secrets,
    revealPath: (path) => shell.showItemInFolder(path),
    updates,
  });
  core = running;
  await running.open();
  let starting: Promise<void> = Promise.resolve();
  quitSequence = createQuitSequence({
    logger: logger.child('quit'),
    beforeStop() {
      tray?.destroy();
      tray = null;
      for (const win of BrowserWindow.getAllWindows()) win.hide();
    },
    stopBot: async () => {
      const result = await callCore(running, 'bot.stop');
      // bad_request: no bot in this build (the method is not in the contract); nothing to stop.
      if (!result.ok && result.error.code !== 'bad_request') throw new Error(result.error.message);
    },
    // A quit during start-up waits for start() (briefly) so the core is not closed under it.
    stopCore: async () => {
      await Promise.race([starting.catch(() => {}), new Promise((r) => setTimeout(r, START_WAIT_ON_QUIT_MS).unref())]);
      await running.stop();
    },
    exit: (code) => app.exit(code),
  });

  const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
  hardenSession(session.defaultSession, devServerUrl ? { devServer: devServerUrl } : {});
  handleMediaProtocol(protocol, { resolver: () => running, roots: [config.libraryDir, config.dataDir] });
  const rendererFile = join(__dirname, '../renderer/index.html');
  bridgeIpc(
    running,
    () => (window && !window.isDestroyed() ? [window.webContents] : []),
    appUrlMatcher(rendererFile, devServerUrl),
    async (title) => {
      const options = { title, properties: ['openDirectory' as const] };
      const result =
        window && !window.isDestroyed()
          ? await dialog.showOpenDialog(window, options)
          : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  );

  let first = true;
  openWindow = () => {
    if (window && !window.isDestroyed()) return window;
    window = createMainWindow({
      preload: join(__dirname, '../preload/index.js'),
      devServerUrl,
      rendererFile,
      stateFile: join(config.dataDir, 'window-state.json'),
      icon: resource('icon.png'),
      startHidden: first && launchedAtLogin(app, process.argv),
      closeToTray: () => currentSettings(running).closeToTray,
      isQuitting: () => quitSequence?.isQuitting() ?? false,
      onError: (message, error) => logger.warn(message, { error }),
    });
    first = false;
    // Windows log-off / shutdown does not emit before-quit: finish what we can.
    window.on('session-end', () => void quitSequence?.quit());
    return window;
  };
  openWindow();

  const notify = electronNotifier({ icon: resource('icon.png'), onClick: () => showMainWindow(openWindow()) });
  tray = createShellTray({
    core: running,
    iconsDir: resource('tray'),
    showWindow: () => showMainWindow(openWindow()),
    quit: () => app.quit(),
    openPath: (path) => shell.openPath(path),
    inform: (title, body) => notify({ title, body }),
  });
  notifyWhenDownloaded(running.events, notify);
  watchForNotifications({
    events: running.events,
    settings: () => currentSettings(running),
    initial: running.healthSummary(),
    show: notify,
  });

  const login = (enabled: boolean): void => {
    try {
      syncLoginItem(app, enabled);
    } catch (err) {
      logger.warn('start at login could not be changed', { error: err });
    }
  };
  login(currentSettings(running).startAtLogin);
  running.events.on('settings.changed', (settings) => login(settings.startAtLogin));

  // macOS/Linux shutdown: ask the OS to wait while the quit sequence runs.
  // (Electron passes an event the typings leave out.)
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
    void quitSequence?.quit();
  });

  if (process.env.COMFYDESK_E2E === '1') {
    (globalThis as { __comfydeskE2E?: unknown }).__comfydeskE2E = { tray: () => tray, window: () => window };
  }

  starting = running.start();
  await starting;
}

if (claimSingleInstance(app, () => showMainWindow(openWindow()))) {
  app.on('before-quit', (event) => {
    // Once the sequence has run, the quit that follows is the updater's: let it through.
    if (!quitSequence || quitSequence.isDone()) return;
    event.preventDefault();
    void quitSequence.quit();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showMainWindow(openWindow()));

  void app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // Quitting while starting: the quit sequence owns the exit.
      if (quitSequence?.isQuitting()) return;
      core?.logger.error('start-up failed', { error: err });
      const message = explainStartupError(err, app.isPackaged);
      dialog.showErrorBox('ComfyDesk could not start', message);
      void (core?.stop() ?? Promise.resolve()).catch(() => {}).finally(() => app.exit(1));
    });
}
