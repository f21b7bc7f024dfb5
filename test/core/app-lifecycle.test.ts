import { describe, expect } from 'vitest';
import { it } from '../helpers/fixtures';

describe('core start and stop', () => {
  it('a stop() during start() waits for it and closes cleanly (quitting while the app boots)', async ({ makeCore }) => {
    const core = makeCore();
    const started = core.start();
    const stopped = core.stop();
    await expect(started).resolves.toBeUndefined();
    await expect(stopped).resolves.toBeUndefined();
    expect(core.store.db.open).toBe(false);
  });

  it('start and stop are idempotent, and a never-started core stops too', async ({ makeCore }) => {
    const core = makeCore();
    await Promise.all([core.start(), core.start()]);
    expect((await core.api.call('health.summary', {}, { caller: 'test' })).queue.queued).toBe(0);
    await Promise.all([core.stop(), core.stop()]);
    const idle = makeCore();
    await idle.stop();
    expect(idle.store.db.open).toBe(false);
  });
});
