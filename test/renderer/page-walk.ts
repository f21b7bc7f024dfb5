/**
 * Walking the app's pages in chromium: the list of pages (from its navigation, so pages added later are covered),
 * showing one and waiting until its images are in, switching the theme through the core.
 */
import type { Page } from 'playwright-core';
import type { Ui } from './harness';
import type { PageDocument } from './page-dom';

declare const document: PageDocument & { images: ArrayLike<{ complete: boolean }> };
declare const location: { hash: string };
declare function requestAnimationFrame(cb: () => void): number;

export const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
  { width: 390, height: 844 },
] as const;
export const THEMES = ['dark', 'light'] as const;

/** The app's pages, as its navigation lists them (pages added later are covered without editing this file). */
export async function pageIds(page: Page): Promise<string[]> {
  const hrefs = await page
    // The phone's drawer (when open) lists the pages its bottom bar leaves out.
    .locator('nav[aria-label="Pages"] a[href^="#/"], .drawer-pages a[href^="#/"]')
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

export async function setTheme(ui: Ui, theme: 'dark' | 'light'): Promise<void> {
  await ui.core.api.call('settings.set', { theme }, { caller: 'test' });
  await ui.page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
}
