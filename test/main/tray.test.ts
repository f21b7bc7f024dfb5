import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

import type { CallResult } from '@shared/api';
import type { HealthSummary } from '@shared/api/health';
import type { DownloadView } from '@shared/downloads';
import { EventBus } from '@core/events';
import { nullLogger } from '@core/log';
import type { ShellCore } from '../../electron/main/shell-core';
import { createShellTray, type ShellTray } from '../../electron/main/tray';
import { FakeTray, resetFake } from './electron-fake';
import type { LauncherInstance } from '@shared/api/backends';
import { backend, botState, IDLE_TRAY_LABELS, instanceStatus, summary } from './summary';

/** A core whose API records calls; queue.pause and bot.start/stop change what healthSummary() reports. */
function fakeCore(initial: HealthSummary = summary(), downloadsAtStart: DownloadView[] = []) {
  let current = initial;
  const events = new EventBus();
  const calls: Array<[string, unknown]> = [];
  const answers = new Map<string, CallResult>();
  const dispatch = vi.fn(async (method: string, input: unknown): Promise<CallResult> => {
    // The tray reads the downloads and the launcher once at start; the tests below count the calls the menu makes.
    if (method === 'downloads.list') return { ok: true, output: downloadsAtStart };
    if (method === 'comfy.launchSettings') return { ok: false, error: { code: 'unavailable', message: 'not here' } };
    calls.push([method, input]);
    const preset = answers.get(method);
    if (preset) return preset;
    if (method === 'queue.pause') {
      const paused = (input as { paused: boolean }).paused;
      current = { ...current, queue: { ...current.queue, paused } };
      return { ok: true, output: { paused } };
    }
    if (method === 'health.run') {
      return {
        ok: true,
        output: {
          backendId: 'b1',
          url: 'x',
          results: [{ status: 'ok' }, { status: 'ok' }, { status: 'warn' }, { status: 'fail' }],
        },
      };
    }
    return { ok: true, output: {} };
  });
  const core = {
    api: { dispatch },
    events,
    healthSummary: () => current,
    config: { libraryDir: '/data/library' },
    logger: nullLogger,
    store: {},
  } as unknown as ShellCore;
  return { core, calls, answers, events, set: (s: HealthSummary) => (current = s) };
}

function setup(initial?: HealthSummary, platform: NodeJS.Platform = 'linux', downloadsAtStart: DownloadView[] = []) {
  const f = fakeCore(initial, downloadsAtStart);
  const showWindow = vi.fn();
  const quit = vi.fn();
  const openPath = vi.fn(async (_p: string) => '');
  const inform = vi.fn();
  const shellTray = createShellTray({
    core: f.core,
    iconsDir: '/res/tray',
    platform,
    showWindow,
    quit,
    openPath,
    inform,
  });
  const tray = FakeTray.all.at(-1)!;
  return { ...f, shellTray, tray, showWindow, quit, openPath, inform };
}

let made: ShellTray | null = null;
afterEach(() => {
  made?.destroy();
  made = null;
  resetFake();
});

describe('tray', () => {
  it('shows the state at start: icon, tooltip and the full menu', () => {
    const { tray, shellTray } = setup();
    made = shellTray;
    expect(tray.image.path).toBe('/res/tray/idle-bot-off.png');
    expect(tray.tooltip).toContain('ComfyUI: idle');
    expect(tray.labels()).toEqual(IDLE_TRAY_LABELS);
  });

  it('follows health.changed and bot.changed', () => {
    const { tray, events, shellTray } = setup();
    made = shellTray;
    events.emit(
      'health.changed',
      summary({ comfy: { status: 'offline', backends: [backend({ status: 'offline' })] } }),
    );
    expect(tray.image.path).toBe('/res/tray/offline-bot-off.png');
    expect(tray.tooltip).toContain('ComfyUI: offline');
    events.emit(
      'health.changed',
      summary({ comfy: { backends: [backend({ status: 'busy' })] }, queue: { running: 1, queued: 2 } }),
    );
    expect(tray.image.path).toBe('/res/tray/busy-bot-off.png');
    expect(tray.tooltip).toContain('Queue: 1 running, 2 waiting');
    events.emit('bot.changed', botState('online'));
    expect(tray.image.path).toBe('/res/tray/busy-bot-on.png');
    expect(tray.labels()).toContain('Turn Discord bot off');
    expect(tray.tooltip).toContain('Discord bot: on');
  });

  it('Pause / Resume queue calls queue.pause and the item flips', async () => {
    const { tray, calls, shellTray } = setup();
    made = shellTray;
    tray.item('Pause queue').click!();
    await vi.waitFor(() => expect(tray.labels()).toContain('Resume queue'));
    expect(calls).toEqual([['queue.pause', { paused: true }]]);
    tray.item('Resume queue').click!();
    await vi.waitFor(() => expect(tray.labels()).toContain('Pause queue'));
    expect(calls.at(-1)).toEqual(['queue.pause', { paused: false }]);
    expect(tray.tooltip).not.toContain('(paused)');
  });

  it('bot on/off calls bot.start / bot.stop', async () => {
    const { tray, calls, events, shellTray } = setup();
    made = shellTray;
    await shellTray.run('bot.toggle');
    expect(calls.at(-1)).toEqual(['bot.start', {}]);
    events.emit('bot.changed', botState('online'));
    tray.item('Turn Discord bot off').click!();
    await vi.waitFor(() => expect(calls.at(-1)).toEqual(['bot.stop', {}]));
  });

  it('the tooltip follows model downloads: resumed ones from the start, progress, then gone when they end', async () => {
    const download = (over: Partial<DownloadView>): DownloadView => ({
      id: 'd1',
      state: 'downloading',
      source: 'catalog',
      backendId: 'b1',
      folder: 'checkpoints',
      file: 'sd15.safetensors',
      dir: '/comfy/models/checkpoints',
      url: 'https://huggingface.co/x/resolve/main/sd15.safetensors',
      totalBytes: 4_000,
      bytesDone: 1_000,
      sha256: null,
      error: null,
      note: null,
      createdAt: 1,
      updatedAt: 1,
      finishedAt: null,
      ...over,
    });
    const { tray, events, shellTray } = setup(undefined, 'linux', [download({})]);
    made = shellTray;
    await vi.waitFor(() => expect(tray.tooltip).toContain('Downloading sd15.safetensors: 25%'));
    events.emit('download.progress', {
      id: 'd1',
      bytesDone: 3_000,
      totalBytes: 4_000,
      bytesPerSecond: 10,
      etaSeconds: 100,
    });
    expect(tray.tooltip).toContain('Downloading sd15.safetensors: 75%, 2 min left');
    events.emit(
      'download.changed',
      download({ id: 'd2', file: 'vae.safetensors', state: 'queued', bytesDone: 0, totalBytes: 4_000 }),
    );
    expect(tray.tooltip).toContain('Downloading 2 models: 37%');
    events.emit('download.changed', download({ state: 'done', bytesDone: 4_000 }));
    events.emit('download.changed', download({ id: 'd2', state: 'cancelled', bytesDone: 0 }));
    expect(tray.tooltip).not.toContain('Download');
    // A progress event of a download the tray no longer follows changes nothing.
    events.emit('download.progress', {
      id: 'd1',
      bytesDone: 4_000,
      totalBytes: 4_000,
      bytesPerSecond: 10,
      etaSeconds: 0,
    });
    expect(tray.tooltip).not.toContain('Download');
  });

  it('a downloaded update offers "Restart to update", which asks the core (it waits for running jobs)', async () => {
    const { tray, calls, events, shellTray } = setup();
    made = shellTray;
    const state = {
      install: 'nsis',
      status: 'downloaded',
      current: '1.0.0',
      version: '1.1.0',
      releaseNotes: null,
      percent: null,
      channel: 'stable',
      autoCheck: true,
      lastCheckAt: 1,
      nextCheckAt: 2,
      error: null,
      restartBlockedBy: null,
      restartPending: false,
      manual: null,
      releasesUrl: null,
    } as const;
    expect(tray.labels()).not.toContain('Restart to update (1.1.0)');
    events.emit('updates.changed', state);
    tray.item('Restart to update (1.1.0)').click!();
    await vi.waitFor(() => expect(calls.at(-1)).toEqual(['updates.restart', {}]));
    events.emit('updates.changed', { ...state, restartPending: true, restartBlockedBy: '1 job is running' });
    expect(tray.item('Restarting to update once nothing runs (1 job is running)').enabled).toBe(false);
    events.emit('updates.changed', { ...state, status: 'checking' });
    expect(tray.labels()).toEqual(IDLE_TRAY_LABELS);
  });

  it('Start / Stop ComfyUI picks by whether ComfyDesk launched one', async () => {
    const { calls, set, shellTray, tray } = setup();
    made = shellTray;
    await shellTray.run('comfy.toggle');
    expect(calls.at(-1)).toEqual(['comfy.start', {}]);
    set(summary({ comfy: { backends: [backend({ kind: 'launched', status: 'idle' })] } }));
    await shellTray.run('health.run');
    expect(tray.labels()).toContain('Stop ComfyUI');
    await shellTray.run('comfy.toggle');
    expect(calls.at(-1)).toEqual(['comfy.stop', {}]);
  });

  it('the tooltip counts the ComfyUIs of several GPUs as comfy.launcher tells them', () => {
    const { tray, events, shellTray } = setup();
    made = shellTray;
    const gpu = (device: number, state: LauncherInstance['state']): LauncherInstance => ({
      ...instanceStatus,
      device,
      name: `GPU ${device} · RTX 3060`,
      state,
    });
    events.emit('comfy.launcher', { ...instanceStatus, instances: [gpu(0, 'running'), gpu(1, 'running')] });
    expect(tray.tooltip).toContain('ComfyUI: 2 running');
    events.emit('comfy.launcher', { ...instanceStatus, instances: [gpu(0, 'running'), gpu(1, 'crashed')] });
    expect(tray.tooltip).toContain('ComfyUI: 1 of 2 running — GPU 1 crashed');
  });

  it('Run health checks reports the counts; a failing call is told to the user, not thrown', async () => {
    const { inform, answers, shellTray } = setup();
    made = shellTray;
    await shellTray.run('health.run');
    expect(inform).toHaveBeenLastCalledWith('Health checks finished', '2 passed, 1 warnings, 1 failed');
    answers.set('bot.start', { ok: false, error: { code: 'unavailable', message: 'No Discord token is set' } });
    await shellTray.run('bot.toggle');
    expect(inform).toHaveBeenLastCalledWith('Discord bot', 'No Discord token is set');
  });

  it('Open library folder opens config.libraryDir; its error is shown', async () => {
    const { openPath, inform, shellTray } = setup();
    made = shellTray;
    await shellTray.run('library.open');
    expect(openPath).toHaveBeenCalledWith('/data/library');
    openPath.mockResolvedValueOnce('Failed to open path');
    await shellTray.run('library.open');
    expect(inform).toHaveBeenLastCalledWith('Could not open the library folder', 'Failed to open path');
  });

  it('Show, a left click and Quit reach the shell', async () => {
    const { tray, showWindow, quit, shellTray } = setup();
    made = shellTray;
    tray.item('Show ComfyDesk').click!();
    tray.emit('click');
    await vi.waitFor(() => expect(showWindow).toHaveBeenCalledTimes(2));
    tray.item('Quit ComfyDesk').click!();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
  });

  it('macOS uses template images', () => {
    const { tray, shellTray } = setup(summary({ bot: { status: 'online' } }), 'darwin');
    made = shellTray;
    expect(tray.image).toEqual(expect.objectContaining({ path: '/res/tray/idle-bot-onTemplate.png', template: true }));
  });

  it('touches the OS tray only when something it shows changed', () => {
    const { tray, events, shellTray } = setup();
    made = shellTray;
    const menu = tray.menu;
    const setImage = vi.spyOn(tray, 'setImage');
    events.emit('health.changed', summary());
    expect(tray.menu).toBe(menu);
    expect(setImage).not.toHaveBeenCalled();
    events.emit('health.changed', summary({ queue: { paused: true } }));
    expect(tray.menu).not.toBe(menu);
    expect(setImage).not.toHaveBeenCalled();
  });

  it('destroy detaches from events', () => {
    const { tray, events, shellTray } = setup();
    shellTray.destroy();
    expect(tray.destroyed).toBe(true);
    events.emit('health.changed', summary({ comfy: { status: 'offline', backends: [] } }));
    expect(tray.image.path).toBe('/res/tray/idle-bot-off.png');
  });
});
