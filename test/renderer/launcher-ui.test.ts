/**
 * The Health page's card of the launched ComfyUI (chromium against the headless server, the stand-in main.py as
 * ComfyUI): a start that fails because PyTorch has no CUDA shows what went wrong with its fix, and offers the
 * flag the fix suggests; the button saves --cpu in the launch settings and starts again, and that run is ready.
 */
import { describe, expect, it } from 'vitest';
import { systemPython, type FakeInstall } from '@test/core/comfy/launch/supervisor-helpers';
import { hasChromium, screenshot, type Ui } from './harness';
import { withLauncherUi } from './launcher-kit';

const suite = hasChromium() && systemPython() !== null ? describe : describe.skip;

suite('the launched ComfyUI on the Health page (chromium)', () => {
  let ui: Ui;
  let install: FakeInstall;
  // The first run fails as a CPU-only PyTorch asked for CUDA does; the next one is ready.
  withLauncherUi('launcher', { launcher: { pollIntervalMs: 0, env: { FAKE_PLAN: 'no-cuda,ready' } } }, (u, i) => {
    ui = u;
    install = i;
  });

  const card = '.card:has(h2:text-is("ComfyUI launched by ComfyDesk"))';

  it('a failed start shows its fix and offers the suggested flag, which is saved and started with', async () => {
    const { page, core } = ui;
    await ui.open('#/health');
    await page.click(`${card} button:text-is("Start")`);
    const error = await page.waitForSelector('[data-testid=launcher-error]');
    expect(await error.textContent()).toMatch(/PyTorch was built without CUDA[\s\S]*Fix:[\s\S]*--cpu/);
    expect(await page.textContent('[data-testid=launcher-state]')).toBe('crashed');
    const offer = await page.waitForSelector('[data-testid=launcher-suggested]');
    expect(await offer.textContent()).toBe('Add --cpu and start');
    await screenshot(page, 'launcher-suggested-flags');

    await offer.click();
    await page.waitForSelector('[data-testid=launcher-state]:text-is("running")');
    expect((await core.api.call('comfy.launchSettings', {})).saved.extraArgs).toEqual(['--cpu']);
    expect(install.runs()).toBe(2);
    expect(install.runInfo(2).argv).toContain('--cpu');
    expect(await page.$('[data-testid=launcher-error]')).toBeNull();
    expect(await page.$('[data-testid=launcher-suggested]')).toBeNull();
  });
});
