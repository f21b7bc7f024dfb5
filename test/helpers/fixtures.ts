/**
 * Shared Vitest fixtures for the core tests: temp dirs, fake ComfyUIs, cores (on a fake or alone) and the bundled
 * workflows. A test names what it needs and gets it ready; whatever was started is stopped after the test.
 *
 *   import { it } from '@test/helpers/fixtures';
 *   it('…', async ({ core, comfy }) => { … });                      // a core online on a default fake ComfyUI
 *   it('…', async ({ startComfy, startCore, equippedModels }) => {   // or configured per test
 *     const fake = await startComfy({ models: equippedModels, script: { msPerStep: 0 } });
 *     const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
 *   });
 *
 * Teardown runs newest first, whoever registered it (a fixture or the test through `defer`), so a core stops
 * before the ComfyUI it talks to closes; temp dirs are removed last. A failing step does not skip the others.
 */
import { test as base } from 'vitest';
import type { HealthSummary } from '@shared/api/health';
import type { ModelFolder } from '@shared/workflow-manifest';
import type { Core } from '@core/app';
import { WorkflowRegistry } from '@core/workflows/registry';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '@test/fakes/comfyui';
import { BUNDLED_DIR, modelListsFor } from '@test/core/workflows/helpers';
import { healthUntil, testCore, type TestCoreOptions } from './core';
import { tempDirs } from './temp-dir';

export interface CoreFixtureOptions extends Partial<TestCoreOptions> {
  /** Connect to the ComfyUI at this URL (COMFYDESK_COMFY_URLS, merged into `env`). */
  comfyUrl?: string;
  /**
   * `startCore` resolves once the health summary satisfies this. Default: ComfyUI online when `comfyUrl` is
   * given, else as soon as the core started.
   */
  until?: (health: HealthSummary) => boolean;
}

export type ModelLists = Partial<Record<ModelFolder, string[]>>;

export interface CoreFixtures {
  /** Run `fn` after the test, in the same newest-first teardown as the fixtures (for what the test starts). */
  defer: (fn: () => unknown) => void;
  /** A fresh temp dir, removed after the test. */
  tempDir: (prefix?: string) => string;
  /** This test's data dir (one temp dir; `core` runs on it). */
  dataDir: string;
  /** Start a fake ComfyUI; it is closed after the test. */
  startComfy: (options?: FakeComfyOptions) => Promise<FakeComfy>;
  /** A fake ComfyUI with the default options (no models), closed after the test. */
  comfy: FakeComfy;
  /** A headless test core (not started) on `options.dataDir` or a fresh temp dir; stopped after the test. */
  makeCore: (options?: CoreFixtureOptions) => Core;
  /** `makeCore`, started, resolved once `until` holds (ComfyUI online when `comfyUrl` is given). */
  startCore: (options?: CoreFixtureOptions) => Promise<Core>;
  /** A core on `dataDir`, started and online with `comfy`. */
  core: Core;
  /** The bundled workflows, loaded (a registry of this test's own). */
  bundled: WorkflowRegistry;
  /** Model lists naming every file the bundled workflows use by default: a fully equipped ComfyUI. */
  equippedModels: ModelLists;
}

interface Teardown {
  defer(fn: () => unknown): void;
  tempDir(prefix?: string): string;
}

export const test = base.extend<CoreFixtures & { teardown: Teardown }>({
  // Internal: the one teardown stack every fixture and `defer` push onto, then the temp dirs.
  // eslint-disable-next-line no-empty-pattern -- Vitest reads the fixtures a function wants from its first parameter
  teardown: async ({}, use) => {
    const stack: Array<() => unknown> = [];
    const dirs = tempDirs();
    await use({ defer: (fn) => stack.push(fn), tempDir: (prefix) => dirs.make(prefix) });
    const errors: unknown[] = [];
    for (const fn of stack.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    dirs.cleanup();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several teardown steps failed');
  },
  defer: async ({ teardown }, use) => use(teardown.defer),
  tempDir: async ({ teardown }, use) => use(teardown.tempDir),
  dataDir: async ({ teardown }, use) => use(teardown.tempDir()),
  startComfy: async ({ teardown }, use) =>
    use(async (options) => {
      const fake = await startFakeComfy(options);
      teardown.defer(() => fake.close());
      return fake;
    }),
  comfy: async ({ startComfy }, use) => use(await startComfy()),
  makeCore: async ({ teardown }, use) =>
    use(({ comfyUrl, until: _until, dataDir, env, ...rest } = {}) => {
      const core = testCore({
        ...rest,
        dataDir: dataDir ?? teardown.tempDir(),
        env: comfyUrl === undefined ? env : { COMFYDESK_COMFY_URLS: comfyUrl, ...env },
      });
      teardown.defer(() => core.stop());
      return core;
    }),
  startCore: async ({ makeCore }, use) =>
    use(async (options = {}) => {
      const core = makeCore(options);
      const ready = options.until ?? (options.comfyUrl === undefined ? undefined : (h) => h.comfy.status === 'online');
      const settled = ready ? healthUntil(core, ready) : undefined;
      await core.start();
      await settled;
      return core;
    }),
  core: async ({ startCore, dataDir, comfy }, use) => use(await startCore({ dataDir, comfyUrl: comfy.url })),
  // eslint-disable-next-line no-empty-pattern -- see teardown
  bundled: async ({}, use) => {
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
    await registry.load();
    await use(registry);
  },
  equippedModels: async ({ bundled }, use) => use(modelListsFor(bundled.list())),
});

export const it = test;
