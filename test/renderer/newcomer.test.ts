/**
 * A newcomer's first minutes, from an empty data dir, against a fresh ComfyUI with no model files (the usual
 * state) and a model host: the setup guide opens by itself, finds ComfyUI, downloads the one checkpoint the
 * suggested workflow needs into ComfyUI's own folder, makes the test image and opens it in the gallery. It counts
 * the clicks and saves a picture of each step (docs/screenshots/setup-*.png with `npm run screenshots`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { startModelHost, type ModelHost } from '@test/fakes/model-host';
import { tempDirs } from '@test/helpers/temp-dir';
import { catalogEntry, testTuning, writeCatalog } from '@test/core/models/harness';
import { hasChromium, screenshot, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

const suite = hasChromium() ? describe : describe.skip;

suite('a newcomer from install to a first image (chromium)', () => {
  let ui: Ui;
  let host: ModelHost;
  const dirs = tempDirs();
  const modelsDir = join(dirs.make('comfydesk-newcomer-'), 'models');
  beforeAll(async () => {
    host = await startModelHost();
    // The SDXL checkpoint, as the catalogue would name it (a small file here: the bytes are generated).
    const file = host.add({
      path: '/stabilityai/sdxl/resolve/main/sd_xl_base_1.0.safetensors',
      size: 3 << 20,
      viaCdn: true,
    });
    const catalogPath = writeCatalog(dirs.make('comfydesk-catalog-'), [
      catalogEntry(file, 'checkpoints', 'sd_xl_base_1.0.safetensors', { licence: 'CreativeML Open RAIL++-M' }),
    ]);
    mkdirSync(modelsDir, { recursive: true });
    ui = await startUi({
      comfy: { modelsDir, script: { msPerStep: 150, previews: true } },
      core: { models: { catalogPath, tuning: testTuning(host) } },
      viewport: { width: 1280, height: 800 },
    });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await ui.page.screenshot({ path: '/tmp/comfydesk-ui-failure-newcomer.png' });
  });
  afterAll(async () => {
    await ui?.close();
    await host?.close();
    dirs.cleanup();
  });

  it('is guided to a first image in a handful of clicks, each step saying what to click next', async () => {
    const { page } = ui;
    let clicks = 0;
    const click = async (target: Locator) => {
      clicks++;
      await target.click();
    };
    // Opened with no page in the address: the guide shows itself.
    await ui.open('');
    await page.waitForSelector('main[data-page=setup]');

    // 1. ComfyUI: found by itself (version and address), so the guide opens at the next step to do.
    await page.waitForSelector('[data-step=models]');
    expect(await page.getByTestId('setup-step-comfy').textContent()).toContain(ui.fake.url.replace(/\/$/, ''));
    await screenshot(page, 'setup-0-opens');
    // A look at what was found (not part of the path: the guide already moved on).
    await page.getByTestId('setup-step-comfy').click();
    await page.waitForSelector('[data-testid=comfy-found]');
    await screenshot(page, 'setup-1-comfyui');
    await page.getByTestId('setup-step-models').click();

    // 2. Models: the suggested workflow lacks its checkpoint; one click downloads it into ComfyUI's folder.
    await page.waitForSelector('[data-step=models] [data-testid=needs-sdxl-txt2img]');
    const sdxl = page.getByTestId('needs-sdxl-txt2img');
    expect(await sdxl.textContent()).toContain('Start here');
    expect(await sdxl.textContent()).toContain('sd_xl_base_1.0.safetensors');
    expect(await sdxl.textContent()).toContain('3.0 MB');
    await screenshot(page, 'setup-2-models');
    await click(page.getByTestId('download-sd_xl_base_1.0.safetensors'));
    expect(await page.waitForSelector('[data-testid=download-status], [data-step=models] .badge-ok')).toBeTruthy();
    await sdxl.getByText('Ready').waitFor();
    await screenshot(page, 'setup-2-models-ready');
    await click(page.getByTestId('setup-next'));

    // 3. First image: one button, live progress, then the picture.
    await click(page.getByTestId('setup-first-image'));
    await page.waitForSelector('[role=progressbar][aria-label="Test image"]');
    await page.waitForSelector('img.first-image-preview'); // ComfyUI's live preview, as it samples
    await screenshot(page, 'setup-3-first-image-progress');
    await page.waitForSelector('[data-testid=first-image-done] img', { timeout: 30_000 });
    await screenshot(page, 'setup-3-first-image-done');
    await click(page.getByTestId('open-first-image'));

    // The gallery, with the image open.
    await page.waitForSelector('main[data-page=gallery]');
    // The image open, with its details beside the grid.
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid=output-detail] .detail-preview img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await screenshot(page, 'setup-4-gallery');
    console.log(`newcomer: from an empty data dir to the first image in the gallery in ${clicks} clicks`);
    expect(clicks).toBeLessThanOrEqual(6);

    // Discord is optional: the guide says so, and skipping it finishes the guide.
    await page.keyboard.press('Escape');
    await page.click('nav a[href="#/setup"]');
    await click(page.getByTestId('setup-step-discord'));
    await page.waitForSelector('[data-step=discord]');
    await screenshot(page, 'setup-5-discord');
    await click(page.getByTestId('setup-skip'));
    await page.waitForSelector('[data-testid=setup-finished]');
    const done = await ui.core.api.call('setup.get', {});
    expect(done.steps.map((s) => [s.id, s.state])).toEqual([
      ['comfy', 'done'],
      ['models', 'done'],
      ['first-image', 'done'],
      ['discord', 'skipped'],
    ]);
  });
});
