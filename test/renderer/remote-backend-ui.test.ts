/**
 * A friend's ComfyUI in Settings → ComfyUI on a phone (issue 17): added by its https address with a token behind a
 * proxy with a self-signed certificate — the form shows the certificate's fingerprint and adds it trusting that
 * one; the row says "Token saved" and never shows the token; a wrong token makes the row say the proxy refused it
 * and what to do; an address where nothing answers says so. Axe finds nothing serious, nothing scrolls sideways.
 * Chromium against the real headless server, the fake ComfyUI behind the https proxy double.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendSummary } from '@shared/api/health';
import { startAuthProxy, type AuthProxy } from '../fakes/auth-proxy';
import { testCertificate } from '../fakes/auth-proxy/certificates';
import { scan } from './a11y-tools';
import { choose } from './choose';
import { hasChromium, screenshot, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;
interface Animated {
  getAnimations(): Array<{ playState: string }>;
}

const suite = hasChromium() ? describe : describe.skip;
const PROXY = testCertificate('proxy');
const TOKEN = 'friends-token-5150';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

suite('a remote ComfyUI in Settings on a phone (chromium)', () => {
  let ui: Ui;
  let proxy: AuthProxy;
  const errors: string[] = [];
  beforeAll(async () => {
    ui = await startUi({ viewport: { width: 390, height: 844 } });
    proxy = await startAuthProxy({ target: ui.fake.url, token: TOKEN, tls: PROXY, prefix: '/comfy' });
    ui.page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await ui?.close();
    await proxy?.close();
  });

  const friend = (): BackendSummary | undefined =>
    ui.core.healthSummary().comfy.backends.find((b) => b.url === proxy.url);
  /** Toasts fade in: axe would read their colours half-way through. */
  const toastsSettled = () =>
    ui.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.toast') as unknown as ArrayLike<Animated>).every((t) =>
        t.getAnimations().every((a) => a.playState === 'finished'),
      ),
    );
  const sideways = () =>
    ui.page.evaluate(() => {
      const main = document.querySelector('main')!;
      return main.scrollWidth - main.clientWidth;
    });

  it('adds it with a token after showing the certificate, and explains a refused token and an address that does not answer', async () => {
    const { page } = ui;
    await ui.open('#/settings');
    await page.waitForSelector('[data-testid=backends]');
    const form = 'form[aria-label="Add a ComfyUI"]';
    await page.fill('#backend-url', `${proxy.url}/`);
    await choose(page, '[data-testid=backend-access-kind]', 'bearer');
    await page.fill('#backend-token', TOKEN);
    await page.click(`${form} button[type=submit]`);

    const ask = page.locator('[role=group][aria-label="Certificate not trusted"]');
    await ask.waitFor();
    expect(await ask.locator('[data-testid=fingerprint]').textContent()).toBe(PROXY.fingerprint);
    expect(await ask.textContent()).toContain('it is self-signed');
    expect(proxy.passed).toEqual([]);
    await toastsSettled();
    expect(await scan(page)).toEqual([]);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await ask.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-comfyui-certificate');

    await ask.locator('button', { hasText: 'Trust this certificate and add' }).click();
    await ui.waitForCore(() => friend()?.status === 'idle');
    const row = page.locator(`[data-backend-id="${friend()!.id}"]`);
    await row.locator('[data-testid=backend-access]', { hasText: 'Token saved' }).waitFor();
    expect(await row.locator('[data-testid=trusted-certificate]').textContent()).toContain(PROXY.fingerprint);
    expect(await page.content()).not.toContain(TOKEN);
    expect(proxy.refused).toEqual([]);

    // The friend changed the token: a wrong one makes the row say so, and what to do.
    const title = friend()!.name;
    await row.getByRole('button', { name: `Replace the access of ${title}` }).click();
    await page.fill(`#access-${friend()!.id}-token`, 'an-old-token');
    await row.locator('form button[type=submit]').click();
    await row
      .locator('[data-testid=backend-problem]', {
        hasText: 'The proxy refused the token — check it with whoever runs that ComfyUI.',
      })
      .waitFor();
    await row.getByRole('button', { name: `Replace the access of ${title}` }).click();
    await page.fill(`#access-${friend()!.id}-token`, TOKEN);
    await row.locator('form button[type=submit]').click();
    await ui.waitForCore(() => friend()?.status === 'idle');
    await row.locator('[data-testid=backend-problem]').waitFor({ state: 'detached' });

    // An address where nothing answers, added anyway: its row says so.
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    await page.fill('#backend-url', nowhere);
    await page.click(`${form} label:has-text("Add it even if it does not answer now")`);
    await page.click(`${form} button[type=submit]`);
    await page.locator('[data-testid=backend-problem]', { hasText: 'Nothing answers at this address' }).waitFor();
    await page.waitForSelector('[data-testid=toast-success]:has-text("Added")');
    await toastsSettled();
    expect(await scan(page)).toEqual([]);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-comfyui-remote');
    expect(errors).toEqual([]);
  });
});
