/**
 * The setup guide, the Models page and the Workflows page beyond their first screen: every step of the guide and a
 * workflow's import review, on a phone without sideways scrolling and through axe-core in both themes; then the
 * guide, an import and a download link reached and worked with the keyboard alone. Chromium against the real core
 * and the fake ComfyUI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import { scan, tabTo } from './a11y-tools';
import { hasChromium, startUi, type Ui } from './harness';
import { setTheme, settle, show, THEMES } from './page-walk';
import type { PageDocument } from './page-dom';

declare const document: PageDocument & { body: { scrollWidth: number } };
declare const window: { innerWidth: number };

const suite = hasChromium() ? describe : describe.skip;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1024, height: 700 };
const STEPS = ['comfy', 'models', 'first-image', 'discord'] as const;
const WORKFLOW_FILE = `${BUNDLED_DIR}/sdxl-txt2img/workflow.json`;

/** Each state these pages have, shown in turn; `visit` looks at each (named) once it has settled. */
async function walk(page: Page, visit: (name: string) => Promise<void>): Promise<void> {
  await show(page, 'setup');
  for (const step of STEPS) {
    await page.click(`[data-testid=setup-step-${step}]`);
    await page.waitForSelector(`[data-step=${step}]`);
    await settle(page);
    await visit(`setup: ${step}`);
  }
  await show(page, 'models');
  await page.waitForSelector('.models-workflows .card');
  await visit('models');
  await show(page, 'workflows');
  await page.waitForSelector('[data-testid=workflow-row]');
  await visit('workflows');
  await page.setInputFiles('[data-testid=import-file]', WORKFLOW_FILE);
  await page.waitForSelector('[data-testid=import-review] [data-testid=review-params]');
  await settle(page);
  await visit('workflows: import review');
  await page.click('[data-testid=import-discard]');
  await page.waitForSelector('[data-testid=import-review]', { state: 'detached' });
}

suite('setup guide, Models and Workflows in depth (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi({ viewport: DESKTOP });
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('shows every step and the import review on a phone without sideways scrolling, in both themes', async () => {
    const { page } = ui;
    await page.setViewportSize(PHONE);
    await ui.open('#/setup');
    await page.waitForSelector('nav.bottom-bar[aria-label=Pages]');
    const seen: Record<string, { doc: number; body: number; main: number }> = {};
    for (const theme of THEMES) {
      await setTheme(ui, theme);
      await walk(page, async (name) => {
        seen[`${name} (${theme})`] = await page.evaluate(() => ({
          doc: document.documentElement.scrollWidth - window.innerWidth,
          body: document.body.scrollWidth - window.innerWidth,
          main: document.querySelector('main')!.scrollWidth - document.querySelector('main')!.clientWidth,
        }));
      });
    }
    expect(Object.keys(seen)).toHaveLength(THEMES.length * (STEPS.length + 3));
    const wide = Object.entries(seen).filter(([, o]) => o.doc > 0 || o.body > 0 || o.main > 0);
    expect(Object.fromEntries(wide)).toEqual({});
  });

  it('finds no serious or critical axe violation on any step or in the import review, in either theme', async () => {
    const { page } = ui;
    await page.setViewportSize(DESKTOP);
    await ui.open('#/setup');
    const found: Record<string, string[]> = {};
    for (const theme of THEMES) {
      await setTheme(ui, theme);
      await walk(page, async (name) => {
        found[`${name} (${theme})`] = await scan(page);
      });
    }
    expect(Object.keys(found)).toHaveLength(THEMES.length * (STEPS.length + 3));
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });

  it('walks the guide, reviews an import and fills a download link with the keyboard alone', async () => {
    const { page } = ui;
    await page.setViewportSize(DESKTOP);
    await ui.open('#/gallery');
    await page.waitForSelector('main[data-page=gallery] h1');
    // The guide through the sidebar; each step opens with Enter and its buttons are reachable.
    await tabTo(page, 'nav a[href="#/setup"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page=setup] h1');
    for (const step of STEPS) {
      await tabTo(page, `[data-testid=setup-step-${step}]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-step=${step}]`);
      expect(await page.getAttribute(`[data-testid=setup-step-${step}]`, 'aria-current')).toBe('step');
    }
    await tabTo(page, '[data-testid=setup-skip]');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await ui.core.api.call('setup.get', {})).steps.find((s) => s.id === 'discord')?.state)
      .toBe('skipped');

    // Workflows: "Choose a file" opens the file picker from the keyboard; the review's fields and Discard follow.
    await tabTo(page, 'nav a[href="#/workflows"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page=workflows] h1');
    // Listening before the Tab presses: Playwright turns on its file chooser interception asynchronously, and a
    // single key press could beat it (the picker would then open unseen).
    const chooser = page.waitForEvent('filechooser');
    await tabTo(page, '[data-testid=import-choose]');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles(WORKFLOW_FILE);
    await page.waitForSelector('[data-testid=import-review]');
    await tabTo(page, '#review-title', { back: true, max: 120 });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Kept by keyboard');
    expect(await page.inputValue('#review-title')).toBe('Kept by keyboard');
    await tabTo(page, '[data-testid=import-discard]', { max: 200 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=import-review]', { state: 'detached' });
    expect(ui.core.workflows.list().some((w) => w.manifest.title === 'Kept by keyboard')).toBe(false);

    // Models: the download link's field takes a typed URL and its folder picker opens from the keyboard.
    await tabTo(page, 'nav a[href="#/models"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page=models] h1');
    await tabTo(page, '#link-url', { max: 200 });
    await page.keyboard.type('https://example.invalid/model.safetensors');
    expect(await page.inputValue('#link-url')).toBe('https://example.invalid/model.safetensors');
    await tabTo(page, '#link-folder');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=option]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role=option]', { state: 'detached' });
  });
});
