/**
 * The UI tests of the launched ComfyUI: the headless server with no ComfyUI at an address, launching the stand-in
 * main.py of a fresh stand-in install (its launch folder saved before the UI is served); both removed after the
 * suite, and a picture of the page kept in /tmp when a test fails.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { CoreOptions } from '@core/app';
import { makeFakeInstall, type FakeInstall } from '@test/core/comfy/launch/supervisor-helpers';
import { startUi, type Ui } from './harness';

/** Start it before the suite's tests (`use` gets the UI and the install); `name` names the failure picture. */
export function withLauncherUi(
  name: string,
  comfy: NonNullable<CoreOptions['comfy']>,
  use: (ui: Ui, install: FakeInstall) => void,
): void {
  let ui: Ui | undefined;
  let install: FakeInstall | undefined;
  beforeAll(async () => {
    const made = (install = await makeFakeInstall());
    ui = await startUi({
      noComfy: true,
      core: { comfy },
      beforeServe: async (core) => {
        await core.api.call('comfy.setLaunchSettings', { launchPath: made.comfyDir });
      },
    });
    use(ui, made);
  });
  afterAll(async () => {
    await ui?.close();
    await install?.cleanup();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await ui?.page.screenshot({ path: `/tmp/comfydesk-ui-failure-${name}.png` });
  });
}
