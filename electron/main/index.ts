/**
 * Electron main: the thin desktop shell around the core. Everything that is not about Electron itself lives in
 * electron/core.
 */
import { join } from 'node:path';
import { app, BrowserWindow, shell } from 'electron';
import { createCore, type Core } from '../core/app';
import { loadConfig } from '../core/config';
import { createFileLogger } from '../core/log-file';
import { bridgeIpc } from './ipc';

let core: Core | null = null;
let window: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#1e1f22',
    title: 'ComfyDesk',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });

  void app.whenReady().then(async () => {
    const config = loadConfig({ dataDir: app.getPath('userData') });
    const logger = createFileLogger({ dir: join(config.dataDir, 'logs'), level: config.logLevel });
    core = createCore({ config, mode: 'desktop', logger });
    await core.start();
    bridgeIpc(core, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    window = createWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const running = core;
    core = null;
    void running.stop().finally(() => app.exit(0));
  });
}
