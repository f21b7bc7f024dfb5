/**
 * electron/main/index.ts as Electron would run it (Electron mocked, a real core on a temp profile): start-up
 * order, the window and tray it makes, single-instance hand-over, and the quit sequence through `before-quit`.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

const order: string[] = [];
const made: { core: import('@core/app').Core | null } = { core: null };
vi.mock('@core/app', async (importOriginal) => {
  const real = await importOriginal<typeof import('@core/app')>();
  return {
    ...real,
    createCore: (options: Parameters<typeof real.createCore>[0]) => {
      order.push('createCore');
      const core = real.createCore({ ...options, discoverUrls: [] });
      const stop = core.stop.bind(core);
      const api = core.api;
      const dispatch = api.dispatch.bind(api);
      api.dispatch = async (method, input, ctx) => {
        if (method === 'bot.stop') order.push('bot.stop');
        return dispatch(method, input, ctx);
      };
      (core as { stop: () => Promise<void> }).stop = async () => {
        order.push('core.stop');
        await stop();
        order.push('core.stopped');
      };
      made.core = core;
      return core;
    },
  };
});

import { tempDirs } from '../helpers/temp-dir';
import { electronModule, fakeApp, FakeBrowserWindow, FakeTray, FakeSession } from './electron-fake';

const dirs = tempDirs();
const require = createRequire(import.meta.url);
const ENV_KEYS = ['COMFYDESK_SQLITE_BINDING', 'COMFYDESK_E2E'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  fakeApp.userData = dirs.make('comfydesk-main-');
  fakeApp.appPath = join(__dirname, '../..');
  // Node's own better-sqlite3 build stands in for the Electron one a development start would fetch.
  process.env.COMFYDESK_SQLITE_BINDING = join(
    dirname(require.resolve('better-sqlite3/package.json')),
    'build',
    'Release',
    'better_sqlite3.node',
  );
  process.env.COMFYDESK_E2E = '1';
  fakeApp.exit.mockImplementation((code: number) => void order.push(`exit ${code}`));
  await import('../../electron/main/index');
  await vi.waitFor(() => expect(FakeTray.all).toHaveLength(1));
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await made.core?.stop().catch(() => {});
  dirs.cleanup();
});

describe('main entry', () => {
  it('registers the media scheme before ready, then makes the core, the window and the tray', () => {
    expect(electronModule.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]!).toBeLessThan(
      fakeApp.whenReady.mock.invocationCallOrder[0]!,
    );
    expect(order[0]).toBe('createCore');
    expect(electronModule.dialog.showErrorBox).not.toHaveBeenCalled();
    const [win] = FakeBrowserWindow.all;
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(win!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(win!.loaded).toMatch(/renderer[\\/]index\.html$/);
    expect(electronModule.protocol.handle).toHaveBeenCalledWith('comfydesk-media', expect.any(Function));
    expect(electronModule.ipcMain.handle).toHaveBeenCalledTimes(2); // calls, and the folder picker
    expect((electronModule.session.defaultSession as FakeSession).permissionRequest).not.toBeNull();
    expect(FakeTray.all[0]!.image.path).toBe(
      join(
        __dirname,
        '../../resources/tray',
        process.platform === 'darwin' ? 'offline-bot-offTemplate.png' : 'offline-bot-off.png',
      ),
    );
  });

  it('the window shows on its first frame with live state, and a second launch brings it back', async () => {
    const win = FakeBrowserWindow.all[0]!;
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(win.close()).toBe(false); // closes to the tray by default
    expect(win.visible).toBe(false);
    fakeApp.emit('second-instance', {}, [], '/');
    expect(win.visible).toBe(true);
    // Events reach the renderer over IPC.
    made.core!.events.emit('settings.changed', made.core!.store.settings.get());
    expect(win.webContents.sent.at(-1)?.[1]).toBe('settings.changed');
  });

  it("the smoke test's tray hook pauses the real queue (what test/main/electron-smoke.test.ts does through Playwright)", async () => {
    type Hook = {
      tray(): { view(): { menu: Array<{ type: string; label?: string }> }; run(a: string): Promise<void> };
    };
    const hook = (globalThis as unknown as { __comfydeskE2E: Hook }).__comfydeskE2E;
    const labels = () =>
      hook
        .tray()
        .view()
        .menu.map((i) => i.label);
    expect(labels()).toContain('Pause queue');
    await hook.tray().run('queue.toggle');
    expect(labels()).toContain('Resume queue');
    expect(await made.core!.api.dispatch('health.summary', {}, { caller: 'test' })).toMatchObject({
      ok: true,
      output: { queue: { paused: true } },
    });
    expect(FakeTray.all[0]!.labels()).toContain('Resume queue');
  });

  it('quits once, in order: bot, core (writes finished), exit', async () => {
    let prevented = 0;
    const quitEvent = { preventDefault: () => prevented++ };
    fakeApp.emit('before-quit', quitEvent);
    fakeApp.emit('before-quit', quitEvent);
    await vi.waitFor(() => expect(order).toContain('exit 0'));
    expect(prevented).toBe(2);
    expect(order.slice(1)).toEqual(['bot.stop', 'core.stop', 'core.stopped', 'exit 0']);
    expect(FakeTray.all[0]!.destroyed).toBe(true);
    // Closing really closes while quitting.
    expect(FakeBrowserWindow.all[0]!.close()).toBe(true);
  });
});
