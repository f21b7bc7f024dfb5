/**
 * Fixtures for the core tests of the launched ComfyUI: the stand-in install, and a core whose launcher runs it on
 * the port of the test's fake ComfyUI (the stand-in prints ComfyUI's lines and the ready line for the port it is
 * given; the fake answers the API there, so the backend really connects).
 */
import type { Core, CoreOptions } from '@core/app';
import type { BackendStatus } from '@core/comfy/backends/backend';
import type { LauncherOptions } from '@core/comfy/launch/supervisor';
import { test, type CoreFixtureOptions } from '@test/helpers/fixtures';
import { makeFakeInstall, type FakeInstall } from './supervisor-helpers';

export interface LaunchCoreMore {
  launcher?: Partial<LauncherOptions>;
  backend?: NonNullable<CoreOptions['comfy']>['backend'];
  clock?: CoreOptions['clock'];
  discoverUrls?: readonly string[];
  /** More of the core's options (secrets, the Discord client, workflows…). */
  core?: CoreFixtureOptions;
}

export const it = test.extend<{
  /** The stand-in ComfyUI install (removed after the test). */
  install: FakeInstall;
  /**
   * A core (not started) on the test's data dir whose launcher runs `install` on the port of `comfy` with the
   * stand-in's FAKE_PLAN `plan`; stopped after the test.
   */
  launchCore: (env: Record<string, string>, plan?: string, more?: LaunchCoreMore) => Core;
}>({
  install: async ({ defer }, use) => {
    const install = await makeFakeInstall();
    defer(() => install.cleanup());
    await use(install);
  },
  // `install` too: set up before any core, so that it is removed after the cores stopped.
  launchCore: async ({ comfy, install: _install, dataDir, makeCore }, use) =>
    use((env, plan = 'ready', more = {}) =>
      makeCore({
        ...more.core,
        dataDir,
        env,
        ...(more.clock ? { clock: more.clock } : {}),
        ...(more.discoverUrls ? { discoverUrls: more.discoverUrls } : {}),
        comfy: {
          launcher: {
            port: comfy.port,
            pollIntervalMs: 0,
            env: { FAKE_PLAN: plan },
            restart: { baseDelayMs: 1, maxAttempts: 3 },
            stopGraceMs: 5000,
            ...more.launcher,
          },
          backend: more.backend ?? { socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 5 } },
        },
      }),
    ),
});

export const launched = (core: Core) => core.comfy.summaries().find((b) => b.kind === 'launched');

/** Every status the launched backend goes through, in order. */
export function recordStatuses(core: Core): BackendStatus[] {
  const seen: BackendStatus[] = [];
  core.comfy.on('status', (id, status) => {
    if (core.store.backends.get(id)?.kind === 'launched') seen.push(status);
  });
  return seen;
}
