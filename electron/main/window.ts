/**
 * The main window: locked-down web preferences, remembered size and position, shown as soon as its first frame
 * is ready, and hidden to the tray instead of closed when the user asked for that.
 */
import { BrowserWindow, screen, shell } from 'electron';
import { hardenWebContents, secureWebPreferences } from './security';
import { clampWindowState, MIN_WINDOW_SIZE, readWindowState, writeWindowState, type WindowState } from './window-state';

export interface MainWindowOptions {
  preload: string;
  /** electron-vite dev server URL, or null to load the built renderer file. */
  devServerUrl: string | null;
  rendererFile: string;
  /** userData/window-state.json */
  stateFile: string;
  icon?: string;
  /** Start hidden (launched at login): the tray is the only sign of life until the user opens it. */
  startHidden?: boolean;
  /** Read at every close: hide to the tray instead of closing. */
  closeToTray(): boolean;
  /** True once the quit sequence runs: closing is then never turned into hiding. */
  isQuitting(): boolean;
  onError?(message: string, error: unknown): void;
}

/** Save the bounds this long after the last move/resize (and always on close). */
const SAVE_DELAY_MS = 500;

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = readWindowState(options.stateFile);
  const areas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const bounds = clampWindowState(saved, areas);

  const win = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: '#1e1f22',
    title: 'ComfyDesk',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preload),
  });

  let appUrl: string | null = null;
  hardenWebContents(win.webContents, {
    openExternal: (url) => shell.openExternal(url),
    appUrl: () => appUrl,
  });
  trackWindowState(win, options.stateFile, options.onError);

  // maximize() would show the window at once (before its first frame, or while meant to stay hidden).
  win.once('ready-to-show', () => {
    if (options.startHidden) {
      if (bounds.maximized) win.once('show', () => win.maximize());
      return;
    }
    if (bounds.maximized) win.maximize();
    win.show();
  });
  win.on('close', (event) => {
    if (options.isQuitting() || !options.closeToTray()) return;
    event.preventDefault();
    win.hide();
  });

  const load = options.devServerUrl ? win.loadURL(options.devServerUrl) : win.loadFile(options.rendererFile);
  void load
    .then(() => {
      appUrl = win.webContents.getURL();
    })
    .catch((err: unknown) => options.onError?.('the window could not load the app', err));
  if (options.devServerUrl) appUrl = options.devServerUrl;
  return win;
}

/** Bring the window to the front (tray click, second launch, notification click). */
export function showMainWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function currentState(win: BrowserWindow): WindowState {
  const b = win.isMaximized() || win.isMinimized() ? win.getNormalBounds() : win.getBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

function trackWindowState(win: BrowserWindow, file: string, onError?: (message: string, error: unknown) => void): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    try {
      writeWindowState(file, currentState(win));
    } catch (err) {
      onError?.('the window position could not be saved', err);
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', later);
  win.on('close', save);
}
