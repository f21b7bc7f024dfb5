import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '@core/app';
import { loadConfig } from '@core/config';
import { MemorySecretStore } from '@core/secrets';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const make = () =>
  createCore({
    config: loadConfig({ dataDir: dirs.make(), env: {} }),
    mode: 'headless',
    secrets: new MemorySecretStore(),
    discoverUrls: [],
  });

describe('core start and stop', () => {
  it('a stop() during start() waits for it and closes cleanly (quitting while the app boots)', async () => {
    const core = make();
    const started = core.start();
    const stopped = core.stop();
    await expect(started).resolves.toBeUndefined();
    await expect(stopped).resolves.toBeUndefined();
    expect(core.store.db.open).toBe(false);
  });

  it('start and stop are idempotent, and a never-started core stops too', async () => {
    const core = make();
    await Promise.all([core.start(), core.start()]);
    expect((await core.api.call('health.summary', {}, { caller: 'test' })).queue.queued).toBe(0);
    await Promise.all([core.stop(), core.stop()]);
    const idle = make();
    await idle.stop();
    expect(idle.store.db.open).toBe(false);
  });
});
