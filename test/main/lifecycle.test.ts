import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

import { nullLogger } from '@core/log';
import { HIDDEN_ARG, launchedAtLogin, syncLoginItem } from '../../electron/main/login-item';
import { createQuitSequence } from '../../electron/main/quit';
import { claimSingleInstance } from '../../electron/main/single-instance';
import { showMainWindow } from '../../electron/main/window';
import { FakeBrowserWindow, fakeApp, resetFake } from './electron-fake';

afterEach(() => resetFake());

describe('single instance', () => {
  it('a second launch quits at once and starts nothing', () => {
    fakeApp.lock = false;
    const focus = vi.fn();
    expect(claimSingleInstance(fakeApp as unknown as App, focus)).toBe(false);
    expect(fakeApp.quit).toHaveBeenCalledTimes(1);
    expect(fakeApp.listenerCount('second-instance')).toBe(0);
  });

  it('the first instance brings its window forward when another launch is refused', () => {
    const win = new FakeBrowserWindow({});
    win.minimize();
    expect(claimSingleInstance(fakeApp as unknown as App, () => showMainWindow(win as never))).toBe(true);
    expect(fakeApp.quit).not.toHaveBeenCalled();
    fakeApp.emit('second-instance', {}, ['comfydesk'], '/');
    expect([win.minimized, win.visible, win.focused]).toEqual([false, true, true]);
  });
});

describe('quit sequence', () => {
  function steps(over: { stopBot?: () => Promise<unknown>; stopCore?: () => Promise<unknown> } = {}) {
    const order: string[] = [];
    let release!: () => void;
    const coreStopped = new Promise<void>((r) => (release = r));
    const sequence = createQuitSequence({
      logger: nullLogger,
      beforeStop: () => order.push('hide windows'),
      stopBot: over.stopBot ?? (async () => void order.push('bot stopped')),
      stopCore:
        over.stopCore ??
        (async () => {
          order.push('core stopping');
          await coreStopped;
          order.push('core stopped');
        }),
      exit: (code) => order.push(`exit ${code}`),
    });
    return { sequence, order, release };
  }

  it('stops the bot, then the core (waiting for it), then exits', async () => {
    const { sequence, order, release } = steps();
    expect(sequence.isQuitting()).toBe(false);
    const done = sequence.quit();
    expect(sequence.isQuitting()).toBe(true);
    await vi.waitFor(() => expect(order).toContain('core stopping'));
    expect(order).not.toContain('exit 0');
    release();
    await done;
    expect(order).toEqual(['hide windows', 'bot stopped', 'core stopping', 'core stopped', 'exit 0']);
  });

  it("the updater's restart replaces the exit, once everything has stopped", async () => {
    const { sequence, order, release } = steps();
    const done = sequence.quit(() => order.push('install update'));
    expect(sequence.isDone()).toBe(false);
    release();
    await done;
    expect(order).toEqual(['hide windows', 'bot stopped', 'core stopping', 'core stopped', 'install update']);
    // The app.quit() the installer makes next may now go through.
    expect(sequence.isDone()).toBe(true);
  });

  it('an installer that cannot start still ends in an exit', async () => {
    const { sequence, order, release } = steps();
    release();
    await sequence.quit(() => {
      throw new Error('no installer');
    });
    expect(order.at(-1)).toBe('exit 0');
  });

  it('runs once however often quit is asked for', async () => {
    const { sequence, order, release } = steps();
    const a = sequence.quit();
    const b = sequence.quit();
    expect(b).toBe(a);
    release();
    await Promise.all([a, b, sequence.quit()]);
    expect(order.filter((s) => s === 'exit 0')).toHaveLength(1);
    expect(order.filter((s) => s === 'bot stopped')).toHaveLength(1);
  });

  it('a failing step is logged and the rest still runs', async () => {
    const { sequence, order } = steps({
      stopBot: async () => {
        throw new Error('gateway gone');
      },
      stopCore: async () => void order.push('core stopped'),
    });
    await sequence.quit();
    expect(order).toEqual(['hide windows', 'core stopped', 'exit 0']);
  });

  it('a hanging step does not keep the app alive', async () => {
    vi.useFakeTimers();
    try {
      const order: string[] = [];
      const sequence = createQuitSequence({
        logger: nullLogger,
        stepTimeoutMs: 1000,
        stopBot: () => new Promise(() => {}),
        stopCore: async () => void order.push('core stopped'),
        exit: (code) => order.push(`exit ${code}`),
      });
      const done = sequence.quit();
      await vi.advanceTimersByTimeAsync(1000);
      await done;
      expect(order).toEqual(['core stopped', 'exit 0']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('start at login', () => {
  const app = () => fakeApp as unknown as Parameters<typeof syncLoginItem>[0];

  it('registers and unregisters the packaged app on Windows and macOS, with the hidden flag', () => {
    fakeApp.isPackaged = true;
    expect(syncLoginItem(app(), true, 'win32')).toBe('set');
    expect(fakeApp.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true, args: [HIDDEN_ARG] });
    expect(syncLoginItem(app(), true, 'win32')).toBe('unchanged');
    expect(syncLoginItem(app(), false, 'darwin')).toBe('set');
    expect(fakeApp.loginItem.openAtLogin).toBe(false);
  });

  it('does nothing on Linux or in a development run', () => {
    fakeApp.isPackaged = true;
    expect(syncLoginItem(app(), true, 'linux')).toBe('unsupported');
    fakeApp.isPackaged = false;
    expect(syncLoginItem(app(), true, 'win32')).toBe('unsupported');
    expect(fakeApp.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('knows when the OS started it', () => {
    expect(launchedAtLogin(fakeApp as never, ['ComfyDesk.exe', HIDDEN_ARG], 'win32')).toBe(true);
    expect(launchedAtLogin(fakeApp as never, ['ComfyDesk.exe'], 'win32')).toBe(false);
    fakeApp.loginItem.wasOpenedAtLogin = true;
    expect(launchedAtLogin(fakeApp as never, ['ComfyDesk'], 'darwin')).toBe(true);
  });
});
