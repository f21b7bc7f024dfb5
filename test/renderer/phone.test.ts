/**
 * The owner's view on a phone (390×844) against the headless server: every page without sideways scrolling, the
 * pages in a bottom bar and a drawer, the queue paused, resumed and a job cancelled, the bot switched from there,
 * the gallery's details as a sheet; and the way in: the sign-in page a phone sees without the token, and the web
 * app manifest that adds ComfyDesk to its home screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, startUi, type Ui } from './harness';
import { withDemoUi, type Demo } from './demo-data';
import { pageIds, show } from './page-walk';
import type { PageDocument } from './page-dom';

declare const document: PageDocument & { body: { scrollWidth: number } };
declare const window: { innerWidth: number };

const suite = hasChromium() ? describe : describe.skip;
const PHONE = { width: 390, height: 844 };

suite('phone-sized owner view (chromium, 390×844)', () => {
  let ui: Ui;
  let demo: Demo;
  withDemoUi(
    (started, seeded) => {
      ui = started;
      demo = seeded;
    },
    { viewport: PHONE },
  );

  const overflow = () =>
    ui.page.evaluate(() => ({
      doc: document.documentElement.scrollWidth - window.innerWidth,
      body: document.body.scrollWidth - window.innerWidth,
      // The page scrolls inside main: nothing there may scroll sideways either.
      main: document.querySelector('main')!.scrollWidth - document.querySelector('main')!.clientWidth,
    }));

  it('shows every page without sideways scrolling, in both themes', async () => {
    const { page } = ui;
    await ui.open('#/queue');
    // The pages live in a bottom bar (and a drawer), not a sidebar.
    expect(await page.locator('nav.sidebar').count()).toBe(0);
    await page.waitForSelector('nav.bottom-bar[aria-label=Pages]');
    await page.click('[data-testid=more-pages]');
    await page.waitForSelector('.drawer .drawer-pages a[href="#/settings"]');
    const ids = await pageIds(page);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gallery',
        'queue',
        'generate',
        'templates',
        'models',
        'workflows',
        'health',
        'bot',
        'settings',
        'setup',
      ]),
    );
    await page.click('.drawer a[href="#/settings"]');
    await page.waitForSelector('.drawer', { state: 'detached' });
    await page.waitForSelector('main[data-page=settings] h1');
    for (const theme of ['dark', 'light'] as const) {
      await ui.core.api.call('settings.set', { theme }, { caller: 'test' });
      for (const id of ids) {
        await show(page, id);
        const o = await overflow();
        expect(o, `${id} (${theme}) scrolls sideways`).toEqual({ doc: 0, body: 0, main: 0 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      }
    }
  });

  it('pauses and resumes the queue, cancels a waiting job and switches the bot from the phone', async () => {
    const { page, core } = ui;
    await ui.open('#/queue');
    await page.click('nav.bottom-bar a[href="#/queue"]');
    await page.waitForSelector('[data-testid=job-preview] img');
    await page.click('[data-testid=pause-toggle]');
    await page.waitForSelector('[data-testid=pause-toggle]:has-text("Resume queue")');
    expect(core.store.settings.get().queue.paused).toBe(true);
    await page.click('[data-testid=pause-toggle]');
    await page.waitForSelector('[data-testid=pause-toggle]:has-text("Pause queue")');
    expect(core.store.settings.get().queue.paused).toBe(false);
    // Cancel the last waiting job: its button keeps a name even with the label hidden.
    const last = demo.waiting[demo.waiting.length - 1]!;
    const card = page.locator(`[data-testid=job-card][data-job-id="${last.id}"]`);
    const cancel = card.locator('button.job-cancel');
    expect(await cancel.getAttribute('aria-label')).toMatch(/^Cancel job #\d+/);
    await cancel.click();
    await page.waitForSelector(`[data-testid=recent-job][data-job-id="${last.id}"][data-status=cancelled]`);
    expect(core.store.jobs.get(last.id)?.status).toBe('cancelled');

    // The bot's switch is at the top of its page; without a token it says why it cannot start.
    await page.click('nav.bottom-bar a[href="#/bot"]');
    const toggle = page.locator('[data-testid=bot-toggle]');
    await toggle.waitFor();
    expect(await toggle.isDisabled()).toBe(true);
    expect(await toggle.getAttribute('title')).toBe('Save a token first');
    const box = (await toggle.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(PHONE.height / 3);

    // Health is one tap away.
    await page.click('nav.bottom-bar a[href="#/health"]');
    await page.waitForSelector('main[data-page=health] h1');
  });

  it('shows on More what the drawer’s pages have to say: the setup steps left, gone when the guide is done', async () => {
    const { page, core } = ui;
    await ui.open('#/gallery');
    // The bot has no token here, so its step stays to do once it is asked again.
    await core.api.call('setup.mark', { step: 'discord', state: 'todo' }, { caller: 'test' });
    const view = await core.api.call('setup.get', {}, { caller: 'test' });
    const left = view.steps.filter((s) => s.state === 'todo').length;
    expect(left).toBeGreaterThan(0);
    const badge = page.locator('[data-testid=more-pages] .badge');
    await page.waitForSelector(`[data-testid=more-pages] .badge:text-is("${left}")`);
    expect(await badge.getAttribute('aria-label')).toBe(`${left} setup step${left === 1 ? '' : 's'} left`);
    // The drawer's own link says the same.
    await page.click('[data-testid=more-pages]');
    expect(await page.locator('.drawer a[href="#/setup"] .badge').textContent()).toBe(String(left));
    // The drawer opens on the current page's link, and one Escape closes it.
    expect(await page.locator('.drawer a:focus').getAttribute('href')).toBe('#/gallery');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.drawer', { state: 'detached' });
    for (const step of ['comfy', 'models', 'first-image', 'discord'] as const)
      await core.api.call('setup.mark', { step, state: 'skipped' }, { caller: 'test' });
    await badge.waitFor({ state: 'detached' });
  });

  it('opens an output as a sheet and full screen from the gallery', async () => {
    const { page } = ui;
    await ui.open('#/gallery');
    await page.click('nav.bottom-bar a[href="#/gallery"]');
    const tile = page.locator('[data-testid=gallery-tile]').first();
    await tile.click();
    await page.waitForSelector('[role=dialog][aria-label="Output details"] [data-testid=output-detail]');
    const sheet = (await page.locator('[role=dialog][aria-label="Output details"]').boundingBox())!;
    expect(sheet.width).toBeLessThanOrEqual(PHONE.width + 0.5);
    await page.click('[data-testid=detail-open]');
    await page.waitForSelector('[data-testid=lightbox-image]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=lightbox]', { state: 'detached' });
  });
});

suite('headless sign-in in a phone browser (chromium)', () => {
  let ui: Ui;
  let browser: Browser;
  beforeAll(async () => {
    ui = await startUi({ viewport: PHONE });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
  });

  it('asks for the token on a page of its own, says when it is wrong, and lands on the page the link named', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const res = await page.goto(`${ui.server.url}/#/queue`);
    expect(res?.status()).toBe(401);
    await page.waitForSelector('[data-testid=sign-in-form]');
    expect(await page.title()).toBe('Sign in · ComfyDesk');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('#token-error:has-text("That is not this server’s token")');
    expect(await page.getAttribute('#token', 'aria-invalid')).toBe('true');
    expect(await page.locator('#token-error').getAttribute('role')).toBe('alert');
    // The app is not there behind the page: no page of it answered.
    expect(await page.locator('nav[aria-label=Pages]').count()).toBe(0);

    // The right token: signed in, on the queue the link pointed at (kept across the wrong try); the cookie serves
    // the next visits.
    await page.fill('#token', ui.token);
    await page.click('button[type=submit]');
    await page.waitForSelector('main[data-page=queue] h1');
    expect(page.url()).toMatch(/#\/queue$/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'comfydesk_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.goto(`${ui.server.url}/#/health`);
    await page.waitForSelector('main[data-page=health] h1');
    await context.close();
  });

  it('links a web app manifest with its icons, fetched without cookies, so the phone can add it to its home screen', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${ui.server.url}/?token=${ui.token}#/queue`);
    await page.waitForSelector('main[data-page=queue] h1');
    const href = await page.getAttribute('link[rel=manifest]', 'href');
    expect(href).toBe('./manifest.webmanifest');
    // A fresh request without the cookie, as a browser fetches a manifest.
    const manifest = (await (await fetch(`${ui.server.url}/manifest.webmanifest`)).json()) as {
      name: string;
      display: string;
      start_url: string;
      icons: Array<{ src: string; sizes: string; purpose?: string }>;
    };
    expect(manifest).toMatchObject({ name: 'ComfyDesk', display: 'standalone' });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const res = await fetch(`${ui.server.url}/${icon.src}`);
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
    }
    await context.close();
  });
});
