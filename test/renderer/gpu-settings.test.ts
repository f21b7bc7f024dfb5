/**
 * Choosing the GPUs ComfyUI runs on in Settings → ComfyUI (chromium against the headless server; nvidia-smi's
 * answer scripted, the stand-in main.py as ComfyUI): the GPUs listed with a checkbox each, ticking saves, each
 * GPU's ComfyUI gets a row with its state, port, restarts and buttons, started alone with its own log; the Health
 * page shows the same rows; when nvidia-smi lists nothing the numbers are typed.
 */
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '@core/comfy/launch/gpus';
import { systemPython, type FakeInstall } from '@test/core/comfy/launch/supervisor-helpers';
import { TWO_GPUS } from '@test/core/comfy/launch/gpu-kit';
import { hasChromium, screenshot, type Ui } from './harness';
import { withLauncherUi } from './launcher-kit';

const suite = hasChromium() && systemPython() !== null ? describe : describe.skip;

suite('choosing GPUs for ComfyUI (chromium)', () => {
  let ui: Ui;
  let install: FakeInstall;
  /** What nvidia-smi prints now. */
  let smi = TWO_GPUS;
  const gpuRunner: CommandRunner = () => Promise.resolve({ code: 0, stdout: smi, stderr: '' });
  withLauncherUi('gpus', { gpuRunner, launcher: { pollIntervalMs: 0, env: { FAKE_PLAN: 'ready' } } }, (u, i) => {
    ui = u;
    install = i;
  });

  it('lists the GPUs; ticking saves them; each GPU’s ComfyUI starts alone and shows its port and log', async () => {
    const { page, core } = ui;
    await ui.open('#/settings');
    await page.click('[data-testid=tab-comfyui]');
    const gpu0 = page.getByLabel('GPU 0 · NVIDIA GeForce RTX 4090');
    const gpu1 = page.getByLabel('GPU 1 · NVIDIA GeForce RTX 3060');
    await gpu1.waitFor();
    expect(await gpu0.isChecked()).toBe(false);
    expect(await page.textContent('.gpu-choice')).toContain('24 GB');

    await gpu1.check();
    await page.waitForSelector('[data-testid=saved-launch][data-status=saved]');
    await gpu0.check();
    await expect.poll(() => core.store.settings.get().comfy.cudaDevices).toEqual([0, 1]);
    await page.waitForSelector('[data-testid=instance-state-gpu-1]:text-is("stopped")');
    expect(await page.locator('.launcher-instance strong').allTextContents()).toEqual([
      'GPU 0 · RTX 4090',
      'GPU 1 · RTX 3060',
    ]);

    await page.click('button[aria-label="Start GPU 1 · RTX 3060"]');
    await page.waitForSelector('[data-testid=instance-state-gpu-1]:text-is("running")');
    const port = core.comfy.launchStatus().instances.find((i) => i.device === 1)!.port!;
    expect(await page.textContent('[data-testid=instance-gpu-1] .instance-facts')).toBe(`port ${port} · 0 restarts`);
    expect(await page.textContent('[data-testid=instance-state-gpu-0]')).toBe('stopped');
    expect(install.runInfo(1).argv.slice(-2)).toEqual(['--cuda-device', '1']);
    await page.click('button[aria-label="Show log of GPU 1 · RTX 3060"]');
    const log = page.locator('pre[aria-label="Log of GPU 1 · RTX 3060"]');
    await log.getByText(`To see the GUI go to: http://127.0.0.1:${port}`).waitFor();
    await screenshot(page, 'settings-gpus');

    // Taking GPU 1 out stops its ComfyUI.
    await gpu1.uncheck();
    await expect.poll(() => core.store.settings.get().comfy.cudaDevices).toEqual([0]);
    await page.waitForSelector('[data-testid=instance-gpu-1]', { state: 'detached' });
    await expect
      .poll(() => core.comfy.launchStatus().instances.map((i) => [i.device, i.state]))
      .toEqual([[0, 'stopped']]);

    // The Health page has the same rows.
    await ui.open('#/health');
    const card = page.locator('.card:has(h2:text-is("ComfyUI launched by ComfyDesk"))');
    await card.locator('[data-testid=instance-state-gpu-0]:text-is("stopped")').waitFor();
    expect(await card.locator('.launcher-instance strong').allTextContents()).toEqual(['GPU 0 · RTX 4090']);
  });

  it('says when nvidia-smi lists no GPU and takes the numbers typed instead; empty is one ComfyUI again', async () => {
    const { page, core } = ui;
    smi = '';
    await ui.open('#/settings');
    await page.click('[data-testid=tab-comfyui]');
    await page.waitForSelector('#launch-gpus-hint:has-text("nvidia-smi lists no GPU.")');
    expect(await page.inputValue('#launch-gpus')).toBe('0');
    await page.fill('#launch-gpus', '0, x');
    await page.press('#launch-gpus', 'Enter');
    await page.waitForSelector('#launch-gpus-error:has-text("GPU numbers are whole numbers")');
    await page.fill('#launch-gpus', '3, 0');
    await page.press('#launch-gpus', 'Enter');
    await expect.poll(() => core.store.settings.get().comfy.cudaDevices).toEqual([0, 3]);
    await page.waitForSelector('[data-testid=instance-gpu-3]');
    await page.fill('#launch-gpus', '');
    await page.press('#launch-gpus', 'Enter');
    await expect.poll(() => core.store.settings.get().comfy.cudaDevices).toEqual([]);
    await page.waitForSelector('.launcher-instance', { state: 'detached' });
  });
});
