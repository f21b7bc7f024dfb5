/**
 * Every page at 1440×900, 1024×700 and 390×844, dark and light, with lived-in data (test/renderer/demo-data.ts),
 * plus the gallery's details panel and lightbox and the headless sign-in page. `npm run screenshots` writes them to
 * docs/screenshots/<width>x<height>-<theme>/; a plain run to a temp folder. Each picture waits for its images.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM, hasChromium, SCREENSHOTS, startUi, type Ui } from './harness';
import { seedDemo, type Demo } from './demo-data';
import type { PageDocument } from './page-dom';
import { chromium } from 'playwright-core';

declare const document: PageDocument & { images: ArrayLike<{ complete: boolean }> };
declare const location: { hash: string };

export const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
  { width: 390, height: 844 },
] as const;
export const THEMES = ['dark', 'light'] as const;

const suite = hasChromium() ? describe : describe.skip;

/** The app's pages, as its navigation lists them (pages added later are covered without editing this file). */
export async function pageIds(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('nav[aria-label="Pages"] a[href^="#/"]')
    .evaluateAll((links) =>
      links.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')),
    );
  return [...new Set(hrefs.map((h) => h.slice(2)))];
}

/** Show page `id` and wait for its heading and every image on it. */
export async function show(page: Page, id: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), `#/${id}`);
  await page.waitForSelector(`main[data-page="${id}"] h1`);
  await settle(page);
}

export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => [...Array.from(document.images)].every((img) => img.complete));
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}
declare function requestAnimationFrame(cb: () => void): number;

export async function setTheme(ui: Ui, theme: 'dark' | 'light'): Promise<void> {
  await ui.core.api.call('settings.set', { theme }, { caller: 'test' });
  await ui.page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}

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

suite('screenshots of every page (chromium)', () => {
  let ui: Ui;
  let demo: Demo;
  beforeAll(async () => {
    ui = await startUi();
    demo = await seedDemo(ui);
  });
  afterAll(async () => {
    await demo?.release();
    await ui?.close();
  });

  it('takes every page at three sizes in both themes, with the gallery details, the lightbox and the sign-in page', async () => {
    const { page } = ui;
    await ui.open('#/queue');
    await page.waitForSelector('[data-testid=job-preview] img');
    const ids = await pageIds(page);
    expect(ids).toEqual(expect.arrayContaining(['gallery', 'queue', 'generate', 'health', 'bot', 'settings']));
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
