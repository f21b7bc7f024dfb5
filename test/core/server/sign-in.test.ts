/**
 * The headless server without its token: a browser gets a sign-in page (paste the token, or open the printed link)
 * instead of a bare 401, scripts keep the plain 401, and the web app manifest and its icons are public so a phone
 * can add the app to its home screen. A built renderer folder stands in for out/renderer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { nullLogger } from '@core/log';
import { startServer, type RunningServer } from '@core/server/server';
import { afterSignIn, SIGN_IN_CSP } from '@core/server/sign-in';
import { test } from '@test/helpers/fixtures';

const TOKEN = 'sign-in-test-token-0123456789abcdef';

const it = test.extend<{ serve: () => Promise<RunningServer> }>({
  serve: async ({ makeCore, dataDir, defer }, use) =>
    use(async () => {
      const renderer = join(dataDir, 'renderer');
      mkdirSync(join(renderer, 'icons'), { recursive: true });
      writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ComfyDesk app</title>');
      writeFileSync(join(renderer, 'manifest.webmanifest'), JSON.stringify({ name: 'ComfyDesk' }));
      writeFileSync(join(renderer, 'icons', 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      const core = makeCore({ dataDir });
      const server = await startServer({
        api: core.api,
        events: core.events,
        logger: nullLogger,
        token: TOKEN,
        host: '127.0.0.1',
        port: 0,
        rendererDir: renderer,
      });
      defer(() => server.close());
      return server;
    }),
});

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...HTML },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

describe('headless sign-in', () => {
  it('shows a browser a sign-in page under a strict policy, and scripts the plain 401', async ({ serve }) => {
    const server = await serve();
    const page = await fetch(`${server.url}/`, { headers: HTML });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(SIGN_IN_CSP);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('<form method="post" action="./sign-in"');
    expect(html).toContain('name="token" type="password"');
    expect(html).toContain('?token=');
    expect(html).not.toContain('aria-invalid="true"');
    expect(html).not.toContain('ComfyDesk app');
    const api = await fetch(`${server.url}/api/ping`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/text\/plain/);
  });

  it('says at the field when a pasted token or an old link is wrong, and lets nothing through', async ({ serve }) => {
    const server = await serve();
    const wrong = await fetch(`${server.url}/sign-in`, form({ token: 'nope', next: '#/queue' }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const html = await wrong.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/id="token-error" role="alert">That is not this server’s token/);
    // The page the link named survives the wrong try.
    expect(html).toContain('<input type="hidden" id="next" name="next" value="#/queue">');
    const empty = await (await fetch(`${server.url}/sign-in`, form({ token: '' }))).text();
    expect(empty).toContain('Paste the access token first.');
    const oldLink = await fetch(`${server.url}/?token=stale-token`, { headers: HTML });
    expect(oldLink.status).toBe(401);
    expect(await oldLink.text()).toContain('That link or token is not this server’s');
  });

  it('signs in with the pasted token: the cookie, then the page the link named', async ({ serve }) => {
    const server = await serve();
    const res = await fetch(`${server.url}/sign-in`, form({ token: ` ${TOKEN} `, next: '#/queue' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('./#/queue');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^comfydesk_token=.+; HttpOnly; SameSite=Strict; Path=\//);
    const app = await fetch(`${server.url}/`, { headers: { ...HTML, cookie: cookie.split(';')[0]! } });
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('ComfyDesk app');
    // Only a plain page name survives as the place to land.
    expect(afterSignIn('#/gallery')).toBe('./#/gallery');
    expect(afterSignIn('//evil.example/')).toBe('./');
    expect(afterSignIn('#/queue"><script>')).toBe('./');
    expect(afterSignIn(undefined)).toBe('./');
  });

  it('serves the web app manifest and its icons without the token, and nothing else', async ({ serve }) => {
    const server = await serve();
    const manifest = await fetch(`${server.url}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(await manifest.json()).toEqual({ name: 'ComfyDesk' });
    expect((await fetch(`${server.url}/icons/icon-192.png`)).status).toBe(200);
    expect((await fetch(`${server.url}/icons/../index.html`)).status).toBe(401);
    expect((await fetch(`${server.url}/index.html`)).status).toBe(401);
    expect((await fetch(`${server.url}/sign-in`)).status).toBe(401);
  });
});
