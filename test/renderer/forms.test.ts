/**
 * Errors where they happen and toasts that stay in their place: a server's limits and the ComfyUI folder say what
 * is wrong under the field and save nothing; toasts keep one per kind (the newer replaces the older), errors wait
 * to be dismissed while successes fade, a page's toasts stay on that page, and none covers a primary button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreApi } from '@core/api/dispatch';
import { ApiError } from '@shared/api';
import { hasChromium, startUi, type Ui } from './harness';

const suite = hasChromium() ? describe : describe.skip;

suite('field errors and toasts (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi({ viewport: { width: 1024, height: 700 } });
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('checks a server’s limits at their fields and saves them once they are right', async () => {
    const { page, core } = ui;
    const guildId = '323456789012345678';
    core.store.guilds.upsert(guildId, 'Pixel Friends');
    await ui.open('#/bot');
    const server = page.locator('section[aria-label="Server Pixel Friends"]');
    await server.waitFor();
    const p = `#guild-${guildId}`;
    await page.fill(`${p}-peruser`, '500');
    await page.press(`${p}-peruser`, 'Tab');
    await page.waitForSelector(`${p}-peruser-error:has-text("Use a number from 1 to 100.")`);
    expect(await page.getAttribute(`${p}-peruser`, 'aria-invalid')).toBe('true');
    await page.fill(`${p}-peruser`, '3');
    // Leaving the fixed field saves it; a rate needs both halves: the missing one says so, and waits.
    await page.fill(`${p}-rate`, '4');
    await expect.poll(() => core.store.guilds.get(guildId)!.limits).toEqual({ perUserQueue: 3 });
    await page.press(`${p}-rate`, 'Tab');
    await page.waitForSelector(`${p}-window-error:has-text("Give the seconds")`);
    expect(core.store.guilds.get(guildId)!.limits).toEqual({ perUserQueue: 3 });
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0);
    await page.fill(`${p}-window`, '60');
    await page.press(`${p}-window`, 'Tab');
    await page.waitForSelector(`[data-testid=saved-guild-${guildId}][data-status=saved]`);
    await page.waitForSelector(`${p}-window-error`, { state: 'detached' });
    expect(core.store.guilds.get(guildId)!.limits).toEqual({ perUserQueue: 3, userRate: { count: 4, windowSec: 60 } });
  });

  it('says under the ComfyUI folder field why a folder is refused, and keeps the saved one', async () => {
    const { page, core } = ui;
    await ui.open('#/settings');
    await page.click('[data-testid=tab-comfyui]');
    const before = core.store.settings.get().comfy.launchPath ?? null;
    await page.fill('#launch-path', '/no/such/comfyui/folder');
    await page.press('#launch-path', 'Enter');
    await page.waitForSelector('#launch-path-error:has-text("No ComfyUI found in /no/such/comfyui/folder")');
    expect(await page.getAttribute('#launch-path', 'aria-invalid')).toBe('true');
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0);
    expect(core.store.settings.get().comfy.launchPath ?? null).toBe(before);
    await page.fill('#launch-path', '');
    await page.waitForSelector('#launch-path-error', { state: 'detached' });
  });

  it('keeps one toast per kind, lets errors wait and successes fade, keeps them on their page and off the buttons', async () => {
    const { page, core } = ui;
    const dispatch = core.api.dispatch.bind(core.api);
    let refusals = 0;
    core.api.dispatch = ((method: string, input: unknown, ctx: unknown) => {
      if (method === 'queue.pause' && refusals < 2) {
        refusals++;
        return Promise.resolve({
          ok: false,
          error: new ApiError({ code: 'unavailable', message: `The queue is busy (${refusals}).` }).toShape(),
        });
      }
      return dispatch(method as never, input as never, ctx as never);
    }) as CoreApi['dispatch'];
    try {
      await ui.open('#/queue');
      await page.click('[data-testid=pause-toggle]');
      await page.waitForSelector('[data-testid=toast-error]:has-text("The queue is busy (1).")');
      await page.click('[data-testid=pause-toggle]');
      // The second error replaces the first: one error toast, the newer text.
      await page.waitForSelector('[data-testid=toast-error]:has-text("The queue is busy (2).")');
      expect(await page.locator('[data-testid=toast-error]').count()).toBe(1);
      // Two successes in a row: one success toast, beside the error.
      await page.click('[data-testid=pause-toggle]');
      await page.waitForSelector('[data-testid=toast-success]:has-text("Queue paused")');
      await page.click('[data-testid=pause-toggle]');
      await page.waitForSelector('[data-testid=toast-success]:has-text("Queue resumed.")');
      expect(await page.locator('[data-testid=toast-success]').count()).toBe(1);
      expect(await page.locator('.toast').count()).toBe(2);
      // No toast over the page's primary button.
      const toasts = (await page.locator('.toasts').boundingBox())!;
      const button = (await page.locator('[data-testid=pause-toggle]').boundingBox())!;
      const overlaps = (a: typeof toasts, b: typeof button) =>
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlaps(toasts, button)).toBe(false);
      // The success fades by itself; the error waits for the user.
      await page.waitForSelector('[data-testid=toast-success]', { state: 'detached', timeout: 15_000 });
      expect(await page.locator('[data-testid=toast-error]').count()).toBe(1);
      // Leaving the page leaves its error behind.
      await page.click('nav a[href="#/generate"]');
      await page.waitForSelector('main[data-page=generate] h1');
      await page.waitForSelector('[data-testid=toast-error]', { state: 'detached' });
      const generate = (await page.locator('[data-testid=generate-submit]').boundingBox())!;
      expect(overlaps(toasts, generate)).toBe(false);
    } finally {
      core.api.dispatch = dispatch;
    }
  });
});
