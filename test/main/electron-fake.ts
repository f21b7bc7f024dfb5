/**
 * A stand-in for the parts of Electron the shell uses, recording what the shell did. Test files mock the module:
 *   vi.mock('electron', async () => (await import('./electron-fake')).electronModule);
 * and read the records from `fake` (reset with resetFake()).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { SafeStorage } from 'electron';

type Rect = { x: number; y: number; width: number; height: number };

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  url = '';
  sent: unknown[][] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds: Rect;
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown> & Partial<Rect>) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    FakeBrowserWindow.all.push(this);
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  minimize(): void {
    this.minimized = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getBounds(): Rect {
    return { ...this.bounds };
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.url = url;
  }
  async loadFile(file: string): Promise<void> {
    this.loaded = file;
    this.webContents.url = `file://${file}`;
  }
  /** What the user's close button does: 'close' listeners may prevent it. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
    return !prevented;
  }
}

export class FakeTray extends EventEmitter {
  static all: FakeTray[] = [];
  image: { path: string; template: boolean };
  tooltip = '';
  menu: { items: Array<Record<string, unknown> & { click?: () => void }> } | null = null;
  destroyed = false;
  constructor(image: { path: string; template: boolean }) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: { path: string; template: boolean }): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: Array<Record<string, unknown>> }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The menu item with this label (throws when absent). */
  item(label: string): Record<string, unknown> & { click?: () => void } {
    const found = this.menu?.items.find((i) => i.label === label);
    if (!found) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.menu?.items.map((i) => i.label))}`);
    return found;
  }
  labels(): string[] {
    return (this.menu?.items ?? []).map((i) => (i.type === 'separator' ? '---' : String(i.label)));
  }
}

export class FakeNotification extends EventEmitter {
  static isSupported = () => true;
  static shown: Array<{ title: string; body: string }> = [];
  static last: FakeNotification | null = null;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.last = this;
  }
  show(): void {
    FakeNotification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
type PermissionRequest = (wc: unknown, permission: string, cb: (allow: boolean) => void) => void;

export class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequest: PermissionRequest | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequest): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheck = handler;
  }
}

/** Reversible "encryption" that never leaves the plain text in the bytes. */
export const fakeSafeStorage = {
  available: true,
  backend: 'gnome_libsecret' as ReturnType<SafeStorage['getSelectedStorageBackend']>,
  isEncryptionAvailable: vi.fn(() => fakeSafeStorage.available),
  getSelectedStorageBackend: vi.fn(() => fakeSafeStorage.backend),
  encryptString: vi.fn((text: string) =>
    Buffer.from(`enc1:${Buffer.from(text, 'utf8').toString('base64').split('').reverse().join('')}`),
  ),
  decryptString: vi.fn((data: Buffer) => {
    const s = data.toString('utf8');
    if (!s.startsWith('enc1:'))
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(s.slice(5).split('').reverse().join(''), 'base64').toString('utf8');
  }),
};

export const fakeApp = Object.assign(new EventEmitter(), {
  lock: true,
  isPackaged: false,
  requestSingleInstanceLock: vi.fn(() => fakeApp.lock),
  quit: vi.fn(),
  exit: vi.fn(),
  userData: '/tmp/comfydesk-fake-userdata',
  getPath: vi.fn(() => fakeApp.userData),
  appPath: '/tmp/comfydesk-fake-app',
  whenReady: vi.fn(() => Promise.resolve()),
  setPath: vi.fn(),
  getAppPath: vi.fn(() => fakeApp.appPath),
  getName: vi.fn(() => 'ComfyDesk'),
  loginItem: { openAtLogin: false, wasOpenedAtLogin: false },
  getLoginItemSettings: vi.fn(() => ({ ...fakeApp.loginItem })),
  setLoginItemSettings: vi.fn((s: { openAtLogin: boolean }) => {
    fakeApp.loginItem.openAtLogin = s.openAtLogin;
  }),
});

export const fakeScreen = {
  workAreas: [{ x: 0, y: 0, width: 1920, height: 1040 }] as Rect[],
  getPrimaryDisplay: () => ({ workArea: fakeScreen.workAreas[0]! }),
  getAllDisplays: () => fakeScreen.workAreas.map((workArea) => ({ workArea })),
};

export const fakeShell = {
  openExternal: vi.fn(async (_url: string) => {}),
  openPath: vi.fn(async (_path: string) => ''),
};

export const electronModule = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
  nativeImage: {
    createFromPath: (path: string) => {
      const image = { path, template: false, setTemplateImage: (v: boolean) => (image.template = v) };
      return image;
    },
  },
  Notification: FakeNotification,
  safeStorage: fakeSafeStorage,
  screen: fakeScreen,
  shell: fakeShell,
  session: { defaultSession: new FakeSession() },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  dialog: { showErrorBox: vi.fn() },
  powerMonitor: new EventEmitter(),
};

export function resetFake(): void {
  FakeBrowserWindow.all = [];
  FakeTray.all = [];
  FakeNotification.shown = [];
  FakeNotification.last = null;
  fakeSafeStorage.available = true;
  fakeSafeStorage.backend = 'gnome_libsecret';
  fakeApp.lock = true;
  fakeApp.isPackaged = false;
  fakeApp.loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  fakeApp.removeAllListeners();
  fakeScreen.workAreas = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  vi.clearAllMocks();
}
