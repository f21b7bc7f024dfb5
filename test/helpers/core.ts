/** A headless core on a temp data dir for tests, and waiting on its health summary by events. */
import type { HealthSummary } from '@shared/api/health';
import { createCore, type Core, type CoreOptions } from '@core/app';
import { loadConfig } from '@core/config';
import { MemorySecretStore } from '@core/secrets';

export interface TestCoreOptions extends Partial<Omit<CoreOptions, 'config' | 'mode'>> {
  dataDir: string;
  env?: Record<string, string>;
}

/**
 * A headless core with an in-memory secret store that looks for no running ComfyUI unless told to. Health does not
 * run on its own unless `health: { auto: true }` is given (its runs would interleave with tests that watch events).
 */
export function testCore(options: TestCoreOptions): Core {
  const { dataDir, env = {}, ...rest } = options;
  return createCore({
    config: loadConfig({ dataDir, env }),
    mode: 'headless',
    secrets: new MemorySecretStore(),
    discoverUrls: [],
    health: { auto: false },
    ...rest,
  });
}

/** The next health.changed for which `check` holds (or the current summary when it already does). */
export function healthUntil(core: Core, check: (h: HealthSummary) => boolean): Promise<HealthSummary> {
  return new Promise((resolve) => {
    const now = core.healthSummary();
    if (check(now)) return resolve(now);
    const off = core.events.on('health.changed', (h) => {
      if (check(h)) {
        off();
        resolve(h);
      }
    });
  });
}

/** The end of a core test (afterEach): stop the core, then close the fake (ComfyUI, Discord), then remove the temp dirs. */
export async function stopCoreAndFake(
  core: Core | null,
  fake: { close(): Promise<unknown> } | null,
  dirs: { cleanup(): void },
): Promise<void> {
  try {
    await core?.stop();
    await fake?.close();
  } finally {
    dirs.cleanup();
  }
}
