/**
 * Every page at 1440×900, 1024×700 and 390×844, dark and light, with lived-in data (test/renderer/demo-data.ts),
 * plus the gallery's details panel and lightbox and the headless sign-in page. `npm run screenshots` writes them to
 * docs/screenshots/<width>x<height>-<theme>/; a plain run to a temp folder. Each picture waits for its images.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM, hasChromium, SCREENSHOTS, type Ui } from './harness';
import { withDemoUi } from './demo-data';
import { chromium } from 'playwright-core';
import { pageIds, settle, setTheme, show, SIZES, THEMES } from './page-walk';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

async function snap(page: Page, folder: string, name: string): Promise<void> {
  const dir = join(SCREENSHOTS, folder);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({
    path: join(dir, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    style: '.toasts { display: none !important; }',
  });
}

const suite = hasChromium() ? describe : describe.skip;

suite('screenshots of every page (chromium)', () => {
  let ui: Ui;
  withDemoUi((started) => (ui = started));

  it('takes every page at three sizes in both themes, with the gallery details, the lightbox and the sign-in page', async () => {
    const { page } = ui;
    await ui.open('#/queue');
    await page.waitForSelector('[data-testid=job-preview] img');
    const ids = await pageIds(page);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gallery',
        'queue',
        'generate',
        'models',
        'workflows',
        'health',
        'bot',
        'settings',
        'setup',
      ]),
    );
    let shots = 0;
    for (const theme of THEMES) {
      await setTheme(ui, theme);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const folder = `${size.width}x${size.height}-${theme}`;
        for (const id of ids) {
          await show(page, id);
          if (id === 'queue') await page.waitForSelector('[data-testid=job-preview] img');
          await snap(page, folder, id);
          shots++;
        }
        // The gallery with one output's details, then that output full screen.
        await show(page, 'gallery');
        await page.locator('[data-testid=gallery-tile]').nth(2).click();
        await page.waitForSelector('[data-testid=output-detail] [data-testid=detail-facts] dd');
        await settle(page);
        await snap(page, folder, 'gallery-details');
        await page.click('[data-testid=detail-open]');
        await page.waitForSelector('[data-testid=lightbox-image]');
        await settle(page);
        await snap(page, folder, 'gallery-lightbox');
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid=lightbox]', { state: 'detached' });
        // The focus goes back into the details (the lightbox's opener) before the next Escape closes them.
        await page.waitForFunction(() => document.activeElement?.closest('[data-testid=output-detail]') != null);
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid=output-detail]', { state: 'detached' });
        shots += 2;
      }
    }
    // The sign-in page a browser without the token sees, in both themes, at the phone's size and the desktop's.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    try {
      for (const theme of THEMES) {
        for (const size of [SIZES[0], SIZES[2]]) {
          const context = await browser.newContext({ viewport: size, colorScheme: theme });
          const signIn = await context.newPage();
          await signIn.goto(`${ui.server.url}/#/queue`);
          await signIn.waitForSelector('[data-testid=sign-in-form]');
          await snap(signIn, `${size.width}x${size.height}-${theme}`, 'sign-in');
          await context.close();
          shots++;
        }
      }
    } finally {
      await browser.close();
    }
    expect(shots).toBe(THEMES.length * SIZES.length * (ids.length + 2) + 4);
  });
});
