/**
 * Toasts (one per kind, errors wait, a page's toasts stay on their page) and the theme that follows the OS live.
 * The stores are loaded fresh per test with the little of a browser they need stubbed.
 */
import { describe, expect, it, vi } from 'vitest';

describe('toasts', () => {
  it('keeps one toast per kind, lets errors wait, and drops a page’s toasts when the user leaves it', async () => {
    vi.stubGlobal('window', { addEventListener: () => undefined });
    vi.stubGlobal('location', { hash: '#/bot' });
    vi.resetModules();
    const { useToasts, toast } = await import('../../renderer/src/stores/toast-store');
    const { useNav } = await import('../../renderer/src/stores/nav-store');
    toast.error('first');
    toast.error('second');
    toast.success('saved');
    toast.info('the bot went offline', { global: true });
    expect(useToasts.getState().toasts.map((t) => [t.kind, t.text, t.page])).toEqual([
      ['error', 'second', 'bot'],
      ['success', 'saved', 'bot'],
      ['info', 'the bot went offline', null],
    ]);
    useNav.setState({ requested: 'queue' });
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['the bot went offline']);
    vi.unstubAllGlobals();
  });
});

describe('theme', () => {
  it('follows the OS while set to system, and stops following when changed', async () => {
    const listeners = new Set<() => void>();
    let light = false;
    vi.stubGlobal('matchMedia', (q: string) => ({
      matches: q.includes('light') ? light : !light,
      addEventListener: (_: string, l: () => void) => listeners.add(l),
      removeEventListener: (_: string, l: () => void) => listeners.delete(l),
    }));
    vi.stubGlobal('window', {
      comfydesk: { call: () => new Promise(() => undefined), on: () => () => undefined },
      addEventListener: () => undefined,
    });
    vi.stubGlobal('location', { hash: '' });
    vi.resetModules();
    const { followTheme } = await import('../../renderer/src/stores/app-store');
    const applied: string[] = [];
    const stop = followTheme('system', (t) => applied.push(t));
    light = true;
    listeners.forEach((l) => l());
    expect(applied).toEqual(['dark', 'light']);
    stop();
    expect(listeners.size).toBe(0);
    followTheme('dark', (t) => applied.push(t))();
    expect(applied).toEqual(['dark', 'light', 'dark']);
    vi.unstubAllGlobals();
  });
});
