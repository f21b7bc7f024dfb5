import { describe, expect, it } from 'vitest';
import { downloadsLine, instancesLine, trayView, type TrayMenuItem } from '../../electron/main/tray-state';
import { backend, IDLE_TRAY_LABELS, instanceStatus, summary } from './summary';

const labels = (menu: TrayMenuItem[]) => menu.map((i) => (i.type === 'separator' ? '---' : i.label));
const item = (menu: TrayMenuItem[], id: string) =>
  menu.find((i) => i.type === 'item' && i.id === id) as Extract<TrayMenuItem, { type: 'item' }>;

describe('tray state (pure)', () => {
  it('lists every action in order', () => {
    expect(labels(trayView({ summary: summary() }).menu)).toEqual(IDLE_TRAY_LABELS);
  });

  it('icon follows ComfyUI offline / idle / busy and bot on / off', () => {
    expect(
      trayView({ summary: summary({ comfy: { status: 'offline', backends: [backend({ status: 'offline' })] } }) }).icon,
    ).toBe('offline-bot-off');
    expect(trayView({ summary: summary() }).icon).toBe('idle-bot-off');
    expect(trayView({ summary: summary({ comfy: { backends: [backend({ status: 'busy' })] } }) }).icon).toBe(
      'busy-bot-off',
    );
    expect(trayView({ summary: summary({ queue: { running: 1 } }) }).icon).toBe('busy-bot-off');
    expect(trayView({ summary: summary({ bot: { status: 'online' } }) }).icon).toBe('idle-bot-on');
    expect(trayView({ summary: summary({ comfy: { status: 'none', backends: [] } }), bot: 'reconnecting' }).icon).toBe(
      'offline-bot-on',
    );
  });

  it('tooltip says what the icon shows', () => {
    const view = trayView({ summary: summary({ queue: { queued: 3, running: 1, paused: true } }), bot: 'online' });
    expect(view.tooltip).toBe('ComfyDesk\nComfyUI: busy\nDiscord bot: on\nQueue: 1 running, 3 waiting (paused)');
    expect(trayView({ summary: summary({ comfy: { status: 'none', backends: [] } }) }).tooltip).toContain(
      'ComfyUI: not set up',
    );
  });

  it('with several GPUs the ComfyUI line counts them and names those not running; one ComfyUI keeps the usual line', () => {
    const gpu = (device: number, state: typeof instanceStatus.state) => ({
      ...instanceStatus,
      device,
      name: `GPU ${device} · RTX 3060`,
      state,
    });
    const two = (a: typeof instanceStatus.state, b: typeof instanceStatus.state) => ({
      instances: [gpu(0, a), gpu(1, b)],
    });
    expect(instancesLine(two('running', 'running'), 'idle')).toBe('ComfyUI: 2 running');
    expect(instancesLine(two('running', 'running'), 'busy')).toBe('ComfyUI: 2 running, busy');
    expect(instancesLine(two('running', 'crashed'), 'idle')).toBe('ComfyUI: 1 of 2 running — GPU 1 crashed');
    expect(instancesLine(two('starting', 'stopped'), 'offline')).toBe(
      'ComfyUI: 0 of 2 running — GPU 0 starting, GPU 1 stopped',
    );
    expect(instancesLine(two('stopped', 'stopped'), 'offline')).toBeNull();
    expect(instancesLine({ instances: [{ ...instanceStatus, state: 'running' }] }, 'idle')).toBeNull();
    const view = trayView({ summary: summary(), launcher: two('running', 'crashed') });
    expect(view.tooltip.split('\n')[1]).toBe('ComfyUI: 1 of 2 running — GPU 1 crashed');
    expect(trayView({ summary: summary(), launcher: { instances: [instanceStatus] } }).tooltip).toContain(
      'ComfyUI: idle',
    );
  });

  it('the downloads line: one by name with percent and time left, several as a count, none when idle', () => {
    const d = {
      file: 'sdxl.safetensors',
      state: 'downloading' as const,
      bytesDone: 500,
      totalBytes: 1000,
      etaSeconds: 30,
    };
    expect(downloadsLine([])).toBeNull();
    expect(downloadsLine([d])).toBe('Downloading sdxl.safetensors: 50%, under a minute left');
    expect(downloadsLine([{ ...d, etaSeconds: 5400 }])).toBe('Downloading sdxl.safetensors: 50%, 1 h 30 min left');
    expect(downloadsLine([{ ...d, file: null, totalBytes: null, etaSeconds: null }])).toBe('Downloading a model');
    expect(downloadsLine([{ ...d, state: 'queued' }])).toBe('Download waiting: sdxl.safetensors');
    expect(downloadsLine([{ ...d, state: 'verifying' }])).toBe('Checking sdxl.safetensors');
    expect(downloadsLine([d, { ...d, bytesDone: 0, totalBytes: 3000 }])).toBe('Downloading 2 models: 12%');
    expect(downloadsLine([d, { ...d, totalBytes: null }])).toBe('Downloading 2 models');
    const view = trayView({ summary: summary(), downloads: [d] });
    expect(view.tooltip.split('\n')).toContain('Downloading sdxl.safetensors: 50%, under a minute left');
  });

  it('menu items flip with the state', () => {
    const on = trayView({ summary: summary({ queue: { paused: true } }), bot: 'online' }).menu;
    expect(item(on, 'bot.toggle').label).toBe('Turn Discord bot off');
    expect(item(on, 'queue.toggle').label).toBe('Resume queue');
    const launched = trayView({
      summary: summary({ comfy: { backends: [backend({ kind: 'launched', status: 'starting' })] } }),
    }).menu;
    expect(item(launched, 'comfy.toggle').label).toBe('Stop ComfyUI');
  });

  it('the bot item is disabled without a token, health checks without a backend, pending actions until they answer', () => {
    const menu = trayView({
      summary: summary({ bot: { status: 'no-token' }, comfy: { status: 'none', backends: [] } }),
      pending: new Set(['queue.toggle'] as const),
    }).menu;
    expect(item(menu, 'bot.toggle')).toMatchObject({ label: 'Discord bot: no token set', enabled: false });
    expect(item(menu, 'health.run').enabled).toBe(false);
    expect(item(menu, 'queue.toggle').enabled).toBe(false);
    expect(item(menu, 'show').enabled).toBe(true);
  });

  it('a downloaded update adds "Restart to update" under Show, disabled while it waits for jobs', () => {
    const ready = trayView({ summary: summary(), update: { version: '1.2.0', waitingFor: null } });
    expect(labels(ready.menu).slice(0, 3)).toEqual(['Show ComfyDesk', 'Restart to update (1.2.0)', '---']);
    expect(item(ready.menu, 'update.restart').enabled).toBe(true);
    expect(ready.tooltip.split('\n').at(-1)).toBe('Update 1.2.0 ready');
    const waiting = trayView({ summary: summary(), update: { version: '1.2.0', waitingFor: '2 jobs are running' } });
    expect(item(waiting.menu, 'update.restart')).toMatchObject({
      label: 'Restarting to update once nothing runs (2 jobs are running)',
      enabled: false,
    });
    expect(labels(trayView({ summary: summary(), update: null }).menu)).toEqual(IDLE_TRAY_LABELS);
  });

  it("bot.changed's status wins over the summary's", () => {
    expect(trayView({ summary: summary({ bot: { status: 'stopped' } }), bot: 'online' }).icon).toBe('idle-bot-on');
  });
});
