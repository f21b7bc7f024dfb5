/**
 * Accessibility: axe-core scans every page (and the gallery's details and lightbox, and the sign-in page) in both
 * themes with lived-in data, and fails on any serious or critical violation; then the whole way from Generate to
 * deleting the result is walked with the keyboard alone. Chromium against the real core and the fake ComfyUI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { scan, tabTo } from './a11y-tools';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, startUi, type Ui } from './harness';
import { withDemoUi } from './demo-data';
import { pageIds, settle, setTheme, show, THEMES } from './page-walk';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

const suite = hasChromium() ? describe : describe.skip;

suite('accessibility (chromium, axe-core)', () => {
  let ui: Ui;
  withDemoUi((started) => (ui = started));

  it('finds no serious or critical violation on any page, in either theme', async () => {
    const { page } = ui;
    await ui.open('#/queue');
    await page.waitForSelector('[data-testid=job-preview] img');
    const ids = await pageIds(page);
    expect(ids).toEqual(expect.arrayContaining(['gallery', 'queue', 'models', 'workflows', 'setup']));
    const found: Record<string, string[]> = {};
    for (const theme of THEMES) {
      await setTheme(ui, theme);
      for (const id of ids) {
        await show(page, id);
        found[`${id} (${theme})`] = await scan(page);
      }
      await show(page, 'gallery');
      await page.locator('[data-testid=gallery-tile]').first().click();
      await page.waitForSelector('[data-testid=detail-facts] dd');
      await settle(page);
      found[`gallery details (${theme})`] = await scan(page);
      await page.click('[data-testid=detail-open]');
      await page.waitForSelector('[data-testid=lightbox-image]');
      await settle(page);
      found[`lightbox (${theme})`] = await scan(page);
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=lightbox]', { state: 'detached' });
      await page.click('[data-testid=output-detail] button[aria-label="Close the details"]');
      // A bulk selection and the Filters popover.
      await page
        .locator('[data-testid=gallery-tile]')
        .nth(1)
        .click({ modifiers: ['Control'] });
      await page.waitForSelector('[data-testid=selection-bar]');
      found[`gallery selection (${theme})`] = await scan(page);
      await page.keyboard.press('Escape');
      await page.focus('[data-testid=gallery-grid]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=gallery-filters]');
      await page.click('[data-testid=gallery-filters]');
      await page.waitForSelector('.filters-form');
      found[`gallery filters (${theme})`] = await scan(page);
      await page.keyboard.press('Escape');
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    try {
      for (const theme of THEMES) {
        const context = await browser.newContext({ colorScheme: theme });
        const signIn = await context.newPage();
        await signIn.goto(`${ui.server.url}/`);
        await signIn.waitForSelector('[data-testid=sign-in-form]');
        found[`sign-in (${theme})`] = await scan(signIn);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    expect(Object.keys(found).length).toBe(THEMES.length * (ids.length + 5));
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });
});

suite('keyboard only (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('goes from Generate to the queue, the gallery, an output’s details and deletes it without a mouse', async () => {
    const { page, core } = ui;
    ui.fake.setScript({ msPerStep: 0, hold: false, previews: false, outputDetail: 'scene' });
    await ui.open('#/generate');
    // Generate: to the prompt, type, Ctrl+Enter.
    await tabTo(page, '#gen-prompt');
    await page.keyboard.type('a paper boat on a quiet river');
    const done = ui.waitForCore(
      () =>
        ui.jobs((j) => j.prompt === 'a paper boat on a quiet river' && j.status === 'done').length === 1 &&
        core.library.search({ text: 'paper boat', limit: 5 }).items.length === 1,
    );
    await page.keyboard.press('Control+Enter');
    await done;
    const [job] = ui.jobs((j) => j.prompt === 'a paper boat on a quiet river');
    expect(job?.status).toBe('done');

    // To the Queue page through the sidebar.
    await tabTo(page, 'nav a[href="#/queue"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page=queue] h1');
    const row = `[data-testid=recent-job][data-job-id="${job!.id}"]`;
    await page.waitForSelector(`${row} .ended-thumb img`);
    // The finished job's Open leads to its output in the gallery, with its details open and the focus in them.
    await tabTo(page, `${row} .ended-actions button`);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Open');
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page=gallery] [data-testid=output-detail]');
    expect(await page.textContent('[data-testid=detail-prompt]')).toBe('a paper boat on a quiet river');
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid=output-detail]') != null);

    // Escape closes the details and gives the grid the focus; Enter opens them again.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=output-detail]', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=gallery-grid]') != null)).toBe(true);
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=output-detail]');

    // Delete: to the button, Enter; the confirmation starts on Cancel, Tab to Delete, Enter.
    const output = core.library.search({ text: 'paper boat', limit: 5 }).items[0]!;
    await tabTo(page, '[data-testid=detail-delete]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=dialog][aria-label="Delete this output?"]');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await tabTo(page, '[role=dialog][aria-label="Delete this output?"] button.btn-danger');
    const gone = ui.waitForCore(() => core.library.get(output.id) === null);
    await page.keyboard.press('Enter');
    await gone;
    await page.waitForSelector('[data-testid=toast-success]:has-text("Deleted 1 output.")');
    await page.waitForSelector('[data-testid=output-detail]', { state: 'detached' });
  });
});
