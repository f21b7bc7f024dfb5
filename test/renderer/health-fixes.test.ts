/**
 * The Health page's fix buttons (chromium against the headless server, a fake ComfyUI with no model files and the
 * model host double): the checks ran on their own, failures are on top; "Refresh this backend" after a file was
 * copied in; "Download" fetches the file from the host (progress shown) and the check passes; "Choose a file" saves
 * one ComfyUI has; "Open the bot page".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogEntry, testTuning, writeCatalog } from '@test/core/models/harness';
import { startModelHost, type HostedFile, type ModelHost } from '@test/fakes/model-host';
import { tempDirs } from '@test/helpers/temp-dir';
import { choose } from './choose';
import { hasChromium, screenshot, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

const SDXL = 'sd_xl_base_1.0.safetensors';
const UPSCALER = '4x-UltraSharp.pth';
const suite = hasChromium() ? describe : describe.skip;

suite('health fixes (chromium)', () => {
  let ui: Ui;
  let host: ModelHost;
  let sdxl: HostedFile;
  const dirs = tempDirs();
  const modelsDir = dirs.make('comfydesk-ui-models-');
  beforeAll(async () => {
    host = await startModelHost();
    sdxl = host.add({ path: `/stabilityai/sdxl/resolve/main/${SDXL}`, size: 3_000_000 });
    const catalogPath = writeCatalog(dirs.make('comfydesk-ui-catalog-'), [catalogEntry(sdxl, 'checkpoints', SDXL)]);
    ui = await startUi({
      comfy: { models: {}, modelsDir, script: { msPerStep: 0 } },
      core: { models: { catalogPath, tuning: testTuning(host) }, health: { auto: true, debounceMs: 50 } },
    });
  });
  afterAll(async () => {
    await ui?.close();
    await host?.close();
    dirs.cleanup();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      await ui.page.screenshot({
        path: `/tmp/comfydesk-ui-failure-health-${ctx.task.name.slice(0, 24).replace(/\W+/g, '-')}.png`,
      });
  });

  const row = (id: string) => `[data-testid=health-check][data-check="${id}"]`;

  it('shows the checks run on their own, failures first, and each fix as a button that works', async () => {
    const { page, core } = ui;
    await ui.open('#/health');
    await page.waitForSelector(`${row('workflow:sdxl-txt2img')}[data-status=fail]`);
    const statuses = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=health-check]')].map((e) => e.dataset.status),
    );
    const rank = { fail: 0, warn: 1, ok: 2 } as Record<string, number>;
    expect(statuses.map((s) => rank[s!])).toEqual([...statuses.map((s) => rank[s!])].sort((a, b) => a! - b!));
    expect(statuses[0]).toBe('fail');
    expect(await page.textContent('[data-testid=health-counts]')).toMatch(/\d+ to fix/);
    await screenshot(page, 'health-fixes');

    // A file copied in by hand: "Refresh this backend" reads the folders again, and the check passes.
    mkdirSync(path.join(modelsDir, 'upscale_models'), { recursive: true });
    writeFileSync(path.join(modelsDir, 'upscale_models', UPSCALER), 'weights');
    await page.click(`${row('workflow:upscale')} [data-testid=fix-refresh-backend]`);
    await page.waitForSelector('[data-testid=toast-success]:has-text("read again")');
    await page.waitForSelector(`${row('workflow:upscale')}[data-status=ok]`);

    // Download: from the model host double, with its progress in the row; the check passes once it is there.
    host.holdNext(sdxl.path, 1_000_000);
    await page.click(`${row('workflow:sdxl-txt2img')} [data-testid=fix-download]`);
    await host.waitForHeld(sdxl.path);
    await page.waitForSelector(`${row('workflow:sdxl-txt2img')} [data-testid=check-download] [role=progressbar]`);
    host.release(sdxl.path);
    await page.waitForSelector(`${row('workflow:sdxl-txt2img')}[data-status=ok]`);
    expect(host.requests.some((r) => r.path === sdxl.path && r.status === 200)).toBe(true);
    expect(core.downloads.list()[0]).toMatchObject({ state: 'done', file: SDXL });

    // Choose a file: a workflow set to a file ComfyUI lacks gets the files it has to pick from.
    await core.api.call('settings.set', { models: { 'models.upscale.model': 'gone.pth' } }, { caller: 'test' });
    await page.waitForSelector(`${row('workflow:upscale')}[data-status=fail] [data-testid=fix-choose-model]`);
    await page.click(`${row('workflow:upscale')} [data-testid=fix-choose-model]`);
    await page.waitForSelector('[data-testid=choose-model-dialog]');
    await choose(page, '[data-testid=choose-model-file]', UPSCALER);
    await page.click('[data-testid=choose-model-save]');
    await page.waitForSelector(`${row('workflow:upscale')}[data-status=ok]`);
    expect(core.store.settings.get().models['models.upscale.model']).toBe(UPSCALER);

    // No bot token: the button goes where it is pasted.
    await page.click(`${row('discord-token')} [data-testid=fix-open-bot]`);
    await page.waitForSelector('main[data-page=bot]');
  });
});
