/**
 * The launcher unit tests' set-up: a ComfyLauncher on a fresh stand-in install, both stopped and removed after
 * each test of the file that calls `launcherTestKit()`, and the LaunchError a start fails with.
 */
import { afterEach, expect } from 'vitest';
import { ComfyLauncher, type LauncherOptions } from '@core/comfy/launch/supervisor';
import { LaunchError } from '@core/comfy/launch/launch-error';
import { makeFakeInstall } from './supervisor-helpers';

export function launcherTestKit() {
  /** Run after each test, last first. */
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function setup(env: Record<string, string>, extra: Partial<LauncherOptions> = {}) {
    const fake = await makeFakeInstall();
    const launcher = new ComfyLauncher({
      comfyDir: fake.comfyDir,
      outputDir: fake.outputDir,
      inputDir: fake.inputDir,
      logDir: fake.logDir,
      env,
      pollIntervalMs: 0,
      ...extra,
    });
    cleanups.push(async () => {
      await launcher.stop();
      await fake.cleanup();
    });
    return { fake, launcher };
  }

  async function expectLaunchError(p: Promise<unknown>): Promise<LaunchError> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LaunchError);
    return err as LaunchError;
  }

  return { cleanups, setup, expectLaunchError };
}
