import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

import { IPC_CALL, IPC_EVENT, IPC_PICK_FOLDER } from '@shared/ipc';
import { EventBus } from '@core/events';
import { bridgeIpc } from '../../electron/main/ipc';
import { appUrlMatcher } from '../../electron/main/security';
import { electronModule, FakeWebContents, resetFake } from './electron-fake';
import { summary } from './summary';
import type { WebContents } from 'electron';

afterEach(() => resetFake());

function setup() {
  const events = new EventBus();
  const dispatch = vi.fn(async (method: string) => ({ ok: true as const, output: { method } }));
  const wc = new FakeWebContents();
  const isApp = appUrlMatcher('/opt/ComfyDesk/resources/app.asar/out/renderer/index.html', null);
  const pickFolder = vi.fn(async (title: string) => `/home/me/ComfyUI (${title})`);
  const detach = bridgeIpc(
    { api: { dispatch }, events } as never,
    () => [wc as unknown as WebContents],
    isApp,
    pickFolder,
  );
  const [channel, handler] = electronModule.ipcMain.handle.mock.calls[0]! as [
    string,
    (e: unknown, m: unknown, i: unknown) => Promise<unknown>,
  ];
  const [, pick] = electronModule.ipcMain.handle.mock.calls[1]! as [
    string,
    (e: unknown, t: unknown) => Promise<unknown>,
  ];
  return { events, dispatch, wc, detach, channel, handler, pick, pickFolder };
}

describe('IPC bridge', () => {
  it('forwards calls from the app page to the core as the desktop caller', async () => {
    const { channel, handler, dispatch } = setup();
    expect(channel).toBe(IPC_CALL);
    const from = { senderFrame: { url: 'file:///opt/ComfyDesk/resources/app.asar/out/renderer/index.html#/gallery' } };
    expect(await handler(from, 'health.summary', {})).toEqual({ ok: true, output: { method: 'health.summary' } });
    expect(dispatch).toHaveBeenCalledWith('health.summary', {}, { caller: 'desktop' });
    await handler(from, 42, null);
    expect(dispatch).toHaveBeenLastCalledWith('', null, { caller: 'desktop' });
  });

  it('refuses calls from any other page', async () => {
    const { handler, dispatch } = setup();
    for (const url of ['https://evil.example/', 'file:///home/user/Downloads/page.html', '']) {
      expect(await handler({ senderFrame: { url } }, 'bot.setToken', { token: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    expect(await handler({}, 'health.summary', {})).toMatchObject({ ok: false });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('opens the system folder picker for the app page only', async () => {
    const { pick, pickFolder } = setup();
    const app = { senderFrame: { url: 'file:///opt/ComfyDesk/resources/app.asar/out/renderer/index.html' } };
    expect(await pick(app, 'Choose your ComfyUI folder')).toBe('/home/me/ComfyUI (Choose your ComfyUI folder)');
    expect(await pick({ senderFrame: { url: 'https://evil.example/' } }, 'x')).toBeNull();
    expect(pickFolder).toHaveBeenCalledTimes(1);
  });

  it('pushes every core event to the window until detached', () => {
    const { events, wc, detach } = setup();
    const s = summary();
    events.emit('health.changed', s);
    expect(wc.sent).toEqual([[IPC_EVENT, 'health.changed', s]]);
    detach();
    events.emit('health.changed', s);
    expect(wc.sent).toHaveLength(1);
    expect(electronModule.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_CALL);
    expect(electronModule.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_PICK_FOLDER);
  });

  it('the dev server origin is the app in development', () => {
    const isApp = appUrlMatcher('/x/index.html', 'http://localhost:5173/');
    expect(isApp('http://localhost:5173/#/queue')).toBe(true);
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });
});
