import { describe, expect } from 'vitest';
import { methodNames, eventNames, methods } from '@shared/api';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';

describe('core API contract', () => {
  it('answers app.info, settings and health summary', async ({ makeCore }) => {
    const core = makeCore({ clock: new FakeClock() });
    const info = await core.api.dispatch('app.info', undefined, { caller: 'test' });
    expect(info).toMatchObject({ ok: true, output: { name: 'ComfyDesk', mode: 'headless' } });
    const health = await core.api.call('health.summary', {});
    expect(health.bot.status).toBe('no-token');
    expect(health.queue).toEqual({ queued: 0, running: 0, paused: false });
  });

  it('rejects an unknown method and malformed input with clear errors', async ({ makeCore }) => {
    const core = makeCore({ clock: new FakeClock() });
    expect(await core.api.dispatch('nope.nothing', {}, { caller: 'test' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'Unknown method "nope.nothing"' },
    });
    const bad = await core.api.dispatch(
      'settings.set',
      { queue: { perUserLimit: 0 }, colour: 'red' },
      { caller: 'test' },
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('bad_request');
    expect(bad.error.message).toMatch(/^Invalid input for settings\.set: /);
    const paths = bad.error.issues!.map((i) => i.path);
    expect(paths).toContain('queue.perUserLimit');
    expect(paths.some((p) => p.includes('colour') || p === '(input)')).toBe(true);
    // Nothing was changed by the refused call.
    expect((await core.api.call('settings.get', {})).queue.perUserLimit).toBe(3);
  });

  it('settings.set persists, returns everything and emits settings.changed', async ({ makeCore }) => {
    const core = makeCore({ clock: new FakeClock() });
    const seen: number[] = [];
    core.events.on('settings.changed', (s) => seen.push(s.queue.perUserLimit));
    const out = await core.api.call('settings.set', { queue: { perUserLimit: 7 } });
    expect(out.queue.perUserLimit).toBe(7);
    expect(seen).toEqual([7]);
    expect(core.store.settings.get().queue.perUserLimit).toBe(7);
  });

  it('a throwing event listener does not break the call', async ({ makeCore }) => {
    const core = makeCore({ clock: new FakeClock() });
    core.events.on('settings.changed', () => {
      throw new Error('listener bug');
    });
    await expect(core.api.call('settings.set', { theme: 'light' })).resolves.toMatchObject({ theme: 'light' });
  });

  it("the core handles exactly the contract's methods", ({ makeCore }) => {
    const core = makeCore({ clock: new FakeClock() });
    expect([...core.api.handledMethods()].sort()).toEqual([...methodNames].sort());
  });

  it('every method has a description, and names are unique dotted words', () => {
    for (const name of methodNames) {
      expect(name).toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
      expect(methods[name].description.length).toBeGreaterThan(5);
    }
    for (const name of eventNames) expect(name).toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
  });
});
