/**
 * A stalled ComfyUI is noticed: a running prompt ComfyUI goes quiet about (its socket was dropped from the
 * server's registry but stays open: the reconnect pitfall of comfyui-api.md §2) is re-checked and the socket
 * reconnected, so the job finishes instead of running for ever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyBackend } from '@core/comfy/backends/backend';
import { StallWatch } from '@core/comfy/backends/stall-watch';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { startFakeComfy } from '@test/fakes/comfyui';
import { FakeClock } from '@test/helpers/fake-clock';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const stepped: ApiGraph = {
  '1': {
    class_type: 'SlowProgressImage',
    inputs: { steps: 5, seed: 1, delay: 0, fail_at: 0, width: 32, height: 32, preview: false },
  },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'stall' } },
};

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('StallWatch', () => {
  it('counts a silence longer than three slow steps (at least the minimum) once', () => {
    const clock = new FakeClock(0);
    const stalls: Array<[string, number]> = [];
    const watch = new StallWatch({ clock, running: () => 'p1', onStall: (id, ms) => stalls.push([id, ms]) });
    watch.heard('p1', 0);
    watch.heard('p1', 30_000); // one slow step: 30 s
    expect(watch.limitFor('p1')).toBe(90_000);
    clock.advance(60_000);
    watch.check();
    expect(stalls).toEqual([]);
    clock.advance(60_001);
    watch.check();
    watch.check();
    expect(stalls).toEqual([['p1', 90_001]]);
    watch.heard('p1', clock.now()); // a message ends the silence (and this gap becomes the slowest step)
    expect(watch.limitFor('p1')).toBe(3 * 90_001);
    clock.advance(3 * 90_001 + 1);
    watch.check();
    expect(stalls).toHaveLength(2);
  });
});

describe('a running prompt ComfyUI goes quiet about', () => {
  it('makes the backend re-check and reconnect its socket, and the prompt completes', async () => {
    const fake = await startFakeComfy({
      script: { msPerStep: 0, hold: { step: 2 } },
    });
    cleanups.push(() => fake.close());
    const clock = new FakeClock(Date.now());
    const backend = new ComfyBackend({
      id: 'local',
      url: fake.url,
      clientId: 'desk-stall',
      clock,
      socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 10, pollAfterFailures: 50, heartbeatMs: 0 },
    });
    cleanups.push(() => backend.stop());
    let opens = 0;
    backend.socket.on('open', () => opens++);
    const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
    backend.start();
    await opened;
    const { promptId } = await backend.submit(stepped);
    await fake.waitForHeld(promptId);
    expect(backend.progressOf(promptId)?.phase).not.toBe('queued');
    // The server forgets our socket; it stays open and gets nothing more.
    fake.forgetSockets();
    expect(fake.clientIds()).toEqual([]);
    const reconnected = new Promise<void>((r) => backend.socket.once('open', () => r()));
    for (let i = 0; i < 6; i++) {
      clock.advance(15_000);
      await settle();
    }
    await reconnected;
    expect(opens).toBe(2);
    expect(fake.clientIds()).toEqual(['desk-stall']);
    fake.release(promptId);
    const done = await backend.waitForCompletion(promptId);
    expect(done.promptId).toBe(promptId);
  });
});
