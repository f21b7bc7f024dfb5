import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

import { hardenSession, contentSecurityPolicy } from '../../electron/main/security';
import { createMainWindow, showMainWindow } from '../../electron/main/window';
import type { BrowserWindow, Session } from 'electron';
import { FakeBrowserWindow, FakeSession, fakeScreen, fakeShell, resetFake } from './electron-fake';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => {
  resetFake();
  dirs.cleanup();
});

function open(
  over: {
    closeToTray?: boolean;
    quitting?: boolean;
    startHidden?: boolean;
    devServerUrl?: string | null;
    stateFile?: string;
  } = {},
) {
  const stateFile = over.stateFile ?? join(dirs.make(), 'window-state.json');
  let closeToTray = over.closeToTray ?? true;
  let quitting = over.quitting ?? false;
  const win = createMainWindow({
    preload: '/app/out/preload/index.js',
    devServerUrl: over.devServerUrl ?? null,
    rendererFile: '/app/out/renderer/index.html',
    stateFile,
    startHidden: over.startHidden ?? false,
    closeToTray: () => closeToTray,
    isQuitting: () => quitting,
  }) as unknown as FakeBrowserWindow;
  return {
    win,
    stateFile,
    setCloseToTray: (v: boolean) => (closeToTray = v),
    setQuitting: (v: boolean) => (quitting = v),
  };
}

describe('main window security', () => {
  it('runs the renderer isolated, sandboxed, without Node and with the preload', () => {
    const { win } = open();
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win.options.show).toBe(false);
    expect(win.loaded).toBe('/app/out/renderer/index.html');
  });

  it('denies window.open and sends http(s) links to the system browser, nothing else', () => {
    const { win } = open();
    const handler = win.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://github.com/comfyanonymous/ComfyUI' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fakeShell.openExternal.mock.calls).toEqual([['https://github.com/comfyanonymous/ComfyUI']]);
  });

  it('blocks navigation away from the app (links open externally), webviews and redirects', async () => {
    const { win } = open();
    await Promise.resolve();
    expect(win.webContents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fakeShell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(win.webContents.fire('will-navigate', 'file:///home/user/other.html')).toBe(true);
    expect(win.webContents.fire('will-attach-webview')).toBe(true);
    expect(win.webContents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    // A reload of the app page itself stays allowed.
    expect(win.webContents.fire('will-navigate', 'file:///app/out/renderer/index.html#/gallery')).toBe(false);
  });

  it('the session sends a strict CSP and denies every permission', () => {
    const session = new FakeSession();
    hardenSession(session as unknown as Session);
    let headers: Record<string, string[]> | undefined;
    session.headersListener!(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'x-other': ['1'] } },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers!['x-other']).toEqual(['1']);
    expect(headers!['content-security-policy']).toBeUndefined();
    const csp = headers!['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("img-src 'self' data: blob: comfydesk-media:");
    expect(csp).not.toContain('unsafe-eval');
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      session.permissionRequest!({}, permission, (a) => answers.push(a));
    expect(answers).toEqual([false, false, false, false]);
    expect(session.permissionCheck!()).toBe(false);
  });

  it('the dev server policy only adds the dev origin, its HMR socket and inline scripts', () => {
    const csp = contentSecurityPolicy('http://localhost:5173/');
    expect(csp).toContain("script-src 'self' http://localhost:5173 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
  });

  it('the renderer page carries a CSP meta tag too', () => {
    const html = readFileSync(join(__dirname, '../../renderer/index.html'), 'utf8');
    expect(html).toMatch(/http-equiv="Content-Security-Policy"/);
  });
});

describe('main window behaviour', () => {
  it('shows on its first frame, unless started hidden at login', () => {
    const { win } = open();
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    const hidden = open({ startHidden: true }).win;
    hidden.emit('ready-to-show');
    expect(hidden.visible).toBe(false);
  });

  it('closes to the tray per setting, and really closes while quitting', () => {
    const { win, setCloseToTray } = open();
    win.show();
    expect(win.close()).toBe(false);
    expect(win.visible).toBe(false);
    setCloseToTray(false);
    expect(win.close()).toBe(true);
    const other = open({ closeToTray: true });
    expect(other.win.close()).toBe(false);
    other.setQuitting(true);
    expect(other.win.close()).toBe(true);
  });

  it('remembers its bounds on close and reopens there, clamped to the displays', () => {
    const first = open();
    first.win.bounds = { x: 100, y: 80, width: 1000, height: 700 };
    first.setQuitting(true);
    first.win.close();
    expect(JSON.parse(readFileSync(first.stateFile, 'utf8'))).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
      maximized: false,
    });
    const again = open({ stateFile: first.stateFile }).win;
    expect(again.bounds).toEqual({ x: 100, y: 80, width: 1000, height: 700 });
    // The display it was on is gone: centred on the primary one.
    fakeScreen.workAreas = [{ x: 0, y: 0, width: 1280, height: 760 }];
    const moved = open({ stateFile: first.stateFile });
    moved.win.bounds = { x: 3000, y: 80, width: 1000, height: 700 };
    moved.setQuitting(true);
    moved.win.close();
    expect(open({ stateFile: first.stateFile }).win.bounds).toEqual({ x: 140, y: 30, width: 1000, height: 700 });
  });

  it('a window saved maximized opens maximized on its first frame, not before', () => {
    const stateFile = join(dirs.make(), 'window-state.json');
    writeFileSync(stateFile, JSON.stringify({ x: 10, y: 10, width: 1000, height: 700, maximized: true }));
    const { win } = open({ stateFile });
    expect(win.maximized).toBe(false);
    win.emit('ready-to-show');
    expect([win.maximized, win.visible]).toEqual([true, true]);
    const hidden = open({ stateFile, startHidden: true }).win;
    hidden.emit('ready-to-show');
    expect(hidden.maximized).toBe(false);
    hidden.show();
    hidden.emit('show');
    expect(hidden.maximized).toBe(true);
  });

  it('showMainWindow restores, shows and focuses', () => {
    const { win } = open();
    win.minimize();
    showMainWindow(win as unknown as BrowserWindow);
    expect([win.minimized, win.visible, win.focused]).toEqual([false, true, true]);
    expect(() => showMainWindow(null)).not.toThrow();
  });
});
