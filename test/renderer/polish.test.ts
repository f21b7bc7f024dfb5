/**
 * What a user trips over when the happy path works: dialogs that lose the keyboard, browser validation bubbles
 * instead of field errors, technical error texts, stale toasts, controls that lag, console noise, layouts that
 * break on a small window. Chromium against the real headless server and the fake ComfyUI, waiting on selectors
 * and core events only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose } from './choose';
import { hasChromium, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';

// page.evaluate / waitForFunction callbacks run in chromium: see ./page-dom for why `document` is declared here.
declare const document: PageDocument;

const suite = hasChromium() ? describe : describe.skip;

suite('desktop UI polish (chromium)', () => {
  let ui: Ui;
  const consoleErrors: string[] = [];
  beforeAll(async () => {
    ui = await startUi({ viewport: { width: 1024, height: 700 } });
    ui.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    ui.page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await ui?.close();
  });

  const activeInDialog = (label: string) =>
    ui.page.evaluate((l) => document.activeElement?.closest(`[role=dialog][aria-label="${l}"]`) != null, label);

  it('loads every page at 1024×700 without console errors or a horizontal scrollbar', async () => {
    const { page } = ui;
    await ui.open('#/gallery');
    for (const name of ['gallery', 'queue', 'generate', 'templates', 'workflows', 'health', 'bot', 'settings']) {
      await page.click(`nav a[href="#/${name}"]`);
      await page.waitForSelector(`main[data-page=${name}] h1`);
      const overflow = await page.evaluate(() => {
        const main = document.querySelector('main')!;
        return main.scrollWidth - main.clientWidth;
      });
      expect(overflow, `${name} overflows sideways`).toBeLessThanOrEqual(0);
    }
    expect(consoleErrors).toEqual([]);
  });

  it('keeps the keyboard inside the detail dialog; Escape closes the innermost dialog wherever the focus is', async () => {
    const { page, core } = ui;
    const added = new Promise<void>((resolve) => {
      const off = core.events.on('library.added', () => {
        off();
        resolve();
      });
    });
    await core.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'a quiet harbour at night', params: { steps: 2 } },
      { caller: 'test' },
    );
    await added;
    await ui.open('#/gallery');
    await page.waitForSelector('[data-testid=gallery-tile]');
    await page.focus('[data-testid=gallery-grid]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=output-detail]');
    expect(await activeInDialog('Output details')).toBe(true);
    // Far more Tabs than the dialog has controls, both ways: the focus wraps and never reaches the page behind.
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      expect(await activeInDialog('Output details')).toBe(true);
    }
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await activeInDialog('Output details')).toBe(true);
    }
    // The delete confirmation on top: Escape closes it alone and the detail stays.
    await page.click('[data-testid=detail-delete]');
    await page.waitForSelector('[role=dialog][aria-label="Delete this output?"]');
    expect(await activeInDialog('Delete this output?')).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role=dialog][aria-label="Delete this output?"]', { state: 'detached' });
    expect(await page.isVisible('[data-testid=output-detail]')).toBe(true);
    // Focus lost to the page (a click on the backdrop's edge, a blur): Escape still closes, focus returns to the grid.
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=output-detail]', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=gallery-grid]') != null)).toBe(true);
  });

  it('says which filters found nothing instead of inviting to generate', async () => {
    const { page } = ui;
    await ui.open('#/gallery');
    await page.fill('[data-testid=gallery-search]', 'zebra');
    await page.waitForSelector('[data-testid=gallery-empty]:has-text("No outputs match these filters")');
    await page.click('button:has-text("Clear filters")');
    await page.waitForSelector('[data-testid=gallery-tile]');
  });

  it('stops asking for gallery pages after one failed until Retry', async () => {
    const { page, core } = ui;
    const long = 'x'.repeat(501);
    let failed = 0;
    const dispatch = core.api.dispatch.bind(core.api);
    core.api.dispatch = ((method: string, input: unknown, ctx: unknown) => {
      if (method === 'library.search' && (input as { text?: string }).text === long) failed++;
      return dispatch(method as never, input as never, ctx as never);
    }) as typeof core.api.dispatch;
    try {
      await ui.open('#/gallery');
      await page.waitForSelector('[data-testid=gallery-tile]');
      // The box stops at 500 characters; without that limit the core refuses a 501-character search.
      expect(await page.getAttribute('[data-testid=gallery-search]', 'maxlength')).toBe('500');
      await page.$eval('[data-testid=gallery-search]', (el) => el.removeAttribute('maxlength'));
      await page.fill('[data-testid=gallery-search]', long);
      await page.waitForSelector('.gallery-page .banner.error');
      expect(await page.isVisible('[data-testid=gallery-empty]')).toBe(false);
      await page.click('.gallery-page .banner.error button:has-text("Retry")');
      await expect.poll(() => failed).toBe(2);
      await page.waitForSelector('.gallery-page .banner.error');
      // One ask per page and one per Retry: a tight retry loop would have sent dozens by now.
      expect(failed).toBe(2);
    } finally {
      core.api.dispatch = dispatch;
    }
    await page.click('button:has-text("Clear filters")');
    await page.waitForSelector('[data-testid=gallery-tile]');
  });

  it('shows every out-of-range parameter under its field instead of a browser bubble, and queues nothing', async () => {
    const { page } = ui;
    await ui.open('#/generate');
    // A plain upscale takes no prompt: no box for one.
    await choose(page, '#gen-workflow', 'upscale');
    await page.waitForSelector('#gen-prompt', { state: 'detached' });
    await choose(page, '#gen-workflow', 'sdxl-txt2img');
    // An empty prompt is caught at its field, before the core answers "prompt is required" in a toast.
    await page.click('[data-testid=generate-submit]');
    await page.waitForSelector('#gen-prompt-error:has-text("Write a prompt")');
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0);
    await page.fill('#gen-prompt', 'too many steps');
    await page.waitForSelector('#gen-prompt-error', { state: 'detached' });
    await page.fill('#gen-steps', '500');
    await page.fill('#gen-cfg', '99');
    await page.click('[data-testid=generate-submit]');
    await page.waitForSelector('#gen-steps-error:has-text("Must be at most 100 (got 500)")');
    await page.waitForSelector('#gen-cfg-error:has-text("Must be at most 30 (got 99)")');
    expect(await page.getAttribute('#gen-steps', 'aria-invalid')).toBe('true');
    expect(ui.jobs((j) => j.prompt === 'too many steps')).toHaveLength(0);
    await page.fill('#gen-steps', '');
    await page.fill('#gen-cfg', '');
    await page.click('[data-testid=generate-submit]');
    await page.waitForSelector('[data-testid=toast-success]:has-text("Queued.")');
    await page.waitForSelector('#gen-steps-error', { state: 'detached' });
    expect(ui.jobs((j) => j.prompt === 'too many steps')).toHaveLength(1);
  });

  it('keeps Generate in view at 1024×700, submits on Ctrl+Enter and gives the prompt its focus back', async () => {
    const { page } = ui;
    await ui.open('#/generate');
    await choose(page, '#gen-workflow', 'sdxl-txt2img');
    const button = page.locator('[data-testid=generate-submit]');
    const box = (await button.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(700);
    // Defaults show as values, not as placeholders.
    expect(await page.inputValue('#gen-steps')).toBe('25');
    await page.fill('#gen-prompt', 'sent with the keyboard');
    await page.press('#gen-prompt', 'Control+Enter');
    await page.waitForSelector('[data-testid=toast-success]:has-text("Queued.")');
    await expect.poll(() => ui.jobs((j) => j.prompt === 'sent with the keyboard').length).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.closest('#gen-prompt') != null)).toBe(true);
  });

  it('asks for a template name at the field instead of a silently disabled button', async () => {
    const { page } = ui;
    await ui.open('#/templates');
    await page.click('[data-testid=template-new]');
    await page.click('[data-testid=template-save]');
    await page.waitForSelector('#tpl-name-error:has-text("Give the template a name")');
    expect(ui.core.store.templates.list()).toHaveLength(0);
    await page.fill('#tpl-name', 'night');
    await page.waitForSelector('#tpl-name-error', { state: 'detached' });
    // A 100-character name without a space wraps in the preview instead of pushing the page sideways.
    await page.fill('#tpl-name', 'n'.repeat(100));
    await page.waitForSelector(`[data-testid=discord-preview] .dc-title:has-text("${'n'.repeat(100)}")`);
    expect(
      await page.evaluate(
        () => document.querySelector('main')!.scrollWidth - document.querySelector('main')!.clientWidth,
      ),
    ).toBeLessThanOrEqual(0);
  });

  it('tells a job waiting in ComfyUI’s queue from one waiting in ComfyDesk’s', async () => {
    const { page, core, fake } = ui;
    fake.setScript({ msPerStep: 0, hold: { step: 1 } });
    await ui.open('#/queue');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await core.api.call(
            'jobs.submit',
            { workflow: 'sdxl-txt2img', prompt: `waiting ${i}`, params: { steps: 2 } },
            { caller: 'test' },
          )
        ).id,
      );
    const promptId = await fake.waitForHeld();
    const text = (id: string) => `[data-testid=job-card][data-job-id="${id}"] [data-testid=job-progress-text]`;
    await page.waitForSelector(`${text(ids[0]!)}:has-text("Sampling")`);
    // Places count every waiting job once: next in ComfyUI's own queue first, then ComfyDesk's.
    await page.waitForSelector(`${text(ids[1]!)}:has-text("Waiting in ComfyUI’s queue · #1 in line")`);
    await page.waitForSelector(`${text(ids[2]!)}:has-text("Waiting in queue · #2 in line")`);
    for (const id of ids) await core.api.call('jobs.cancel', { id }, { caller: 'test' });
    fake.setScript({ hold: false });
    fake.release(promptId);
    await page.waitForSelector('[data-testid=active-jobs]', { state: 'detached' });
  });

  it('turns a contract error into its plain sentence beside its field and shows a repeated error once', async () => {
    const { page } = ui;
    await ui.open('#/bot');
    await page.fill('#bot-token', 'not-a-token');
    for (let i = 0; i < 2; i++) {
      await page.click('button:has-text("Save token")');
      await page.waitForSelector('#bot-token-error:has-text("That is not a bot token")');
    }
    const texts = await page.locator('#bot-token-error').allTextContents();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^That is not a bot token/);
    expect(texts[0]).not.toContain('Invalid input for');
    expect(await page.getAttribute('#bot-token', 'aria-invalid')).toBe('true');
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0);
  });

  it('checks queue limits at the field, switches a backend at once and names it when freeing VRAM', async () => {
    const { page, core } = ui;
    await ui.open('#/settings');
    const before = core.store.settings.get().queue;
    // Limits are checked and saved when their field is left.
    await page.click('[data-testid=tab-generation]');
    await page.fill('#q-peruser', '0');
    await page.fill('#q-global', '');
    await page.press('#q-global', 'Tab');
    await page.waitForSelector('#q-peruser-error:has-text("from 1 to 100")');
    await page.waitForSelector('#q-global-error:has-text("whole number from 1 to 10000")');
    expect(core.store.settings.get().queue).toEqual(before);

    const backend = core.healthSummary().comfy.backends[0]!;
    // An address as ComfyUI prints it (no http://) reaches the core, which knows it already: it says so at the field.
    await page.click('[data-testid=tab-comfyui]');
    await page.fill('form[aria-label="Add a ComfyUI"] input', backend.url.replace(/^http:\/\//, ''));
    await page.click('form[aria-label="Add a ComfyUI"] button[type=submit]');
    await page.waitForSelector('#backend-url-error:has-text("is already added")');
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0);
    const box = page.getByLabel(`Use ${backend.url.replace(/^http:\/\//, '')}`);
    await box.click();
    // The box shows the new state at once and waits, disabled, for the core's answer; the card says "Saved".
    expect(await box.isChecked()).toBe(false);
    await page.waitForSelector('[data-testid=saved-backends][data-status=saved]');
    expect(core.healthSummary().comfy.backends[0]!.enabled).toBe(false);
    await page.waitForSelector('[data-testid=backends] input[type=checkbox]:not([disabled])');
    await box.click();
    await expect.poll(() => core.healthSummary().comfy.backends[0]!.enabled).toBe(true);
    await ui.waitForCore(() => core.healthSummary().comfy.status === 'online');

    await page.click(`nav a[href="#/health"]`);
    await page.waitForSelector('button:has-text("Free VRAM"):not([disabled])');
    await page.click('button:has-text("Free VRAM")');
    await page.waitForSelector(`[data-testid=toast-success]:has-text("Freed VRAM on ${backend.name}.")`);
    expect(consoleErrors).toEqual([]);
  });
});
