import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-fake')).electronModule);

import { defaultSettings, type Settings } from '@shared/settings';
import { EventBus } from '@core/events';
import { electronNotifier, watchForNotifications, type NotificationContent } from '../../electron/main/notifications';
import { FakeNotification, resetFake } from './electron-fake';
import { backend, botState, summary } from './summary';

afterEach(() => resetFake());

const offline = summary({ comfy: { status: 'offline', backends: [backend({ status: 'offline' })] } });
const online = summary();

function setup(initial = online) {
  const events = new EventBus();
  const shown: NotificationContent[] = [];
  let settings: Settings = defaultSettings();
  const stop = watchForNotifications({ events, settings: () => settings, initial, show: (n) => shown.push(n) });
  const emit = (event: string, payload: unknown) =>
    (events as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
  return {
    events,
    shown,
    emit,
    stop,
    toggle: (patch: Partial<Settings['notifications']>) =>
      (settings = { ...settings, notifications: { ...settings.notifications, ...patch } }),
  };
}

const job = (over: Record<string, unknown> = {}) => ({
  id: 'j1',
  status: 'failed',
  workflow: 'sdxl-txt2img',
  prompt: 'a cat  in\na hat',
  error: 'CUDA out of memory',
  ...over,
});

describe('notifications', () => {
  it('a failed job is announced once, with workflow, prompt and reason', () => {
    const { shown, emit } = setup();
    emit('job.changed', job({ status: 'running' }));
    emit('job.changed', job());
    emit('job.changed', job());
    expect(shown).toEqual([
      { kind: 'jobFailed', title: 'A job failed', body: 'sdxl-txt2img: “a cat in a hat”\nCUDA out of memory' },
    ]);
  });

  it('ComfyUI going offline and coming back; the first connection at start is silent', () => {
    const { shown, events } = setup(offline);
    events.emit('health.changed', online);
    expect(shown).toEqual([]);
    events.emit('health.changed', online);
    events.emit('health.changed', offline);
    events.emit('health.changed', offline);
    events.emit('health.changed', online);
    expect(shown.map((n) => n.title)).toEqual(['ComfyUI went offline', 'ComfyUI is back online']);
  });

  it('the bot losing its connection is announced; a stop you asked for is not', () => {
    const { shown, events } = setup();
    events.emit('bot.changed', botState('online'));
    events.emit('bot.changed', botState('reconnecting'));
    events.emit('bot.changed', botState('online'));
    events.emit('bot.changed', botState('error', { error: 'An invalid token was provided.' }));
    events.emit('bot.changed', botState('online'));
    events.emit('bot.changed', botState('stopped'));
    expect(shown).toEqual([
      { kind: 'botDisconnected', title: 'Discord bot disconnected', body: 'Reconnecting to Discord…' },
      { kind: 'botDisconnected', title: 'Discord bot disconnected', body: 'An invalid token was provided.' },
    ]);
  });

  it('each kind can be switched off in settings', () => {
    const { shown, emit, events, toggle } = setup();
    toggle({ jobFailed: false, comfyStatus: false, botDisconnected: false });
    emit('job.changed', job());
    events.emit('health.changed', offline);
    events.emit('bot.changed', botState('online'));
    events.emit('bot.changed', botState('reconnecting'));
    expect(shown).toEqual([]);
    toggle({ jobFailed: true });
    emit('job.changed', job({ id: 'j2' }));
    expect(shown.map((n) => n.kind)).toEqual(['jobFailed']);
  });

  it('stops listening when disposed', () => {
    const { shown, emit, stop } = setup();
    stop();
    emit('job.changed', job());
    expect(shown).toEqual([]);
  });

  it('shows through Electron and a click opens the window', () => {
    const onClick = vi.fn();
    electronNotifier({ onClick })({ title: 'A job failed', body: 'x' });
    expect(FakeNotification.shown).toEqual([{ title: 'A job failed', body: 'x' }]);
    FakeNotification.last!.emit('click');
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});
