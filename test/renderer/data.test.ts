/**
 * Settings → Data and the start-up screen of a damaged database, in chromium against the headless server running
 * the core host (as `npm run serve` does): back up, restore (the page reloads on the restarted core), export and
 * import with a preview, retention's dry run and "Delete now", and a corrupted database restored from the screen
 * the app shows instead of itself.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '@core/config';
import { createCoreHost, type CoreHost } from '@core/host';
import { nullLogger } from '@core/log';
import { MemorySecretStore } from '@core/secrets';
import { startServer, type RunningServer } from '@core/server/server';
import { corrupt, seedOutputs } from '../core/data/helpers';
import { BUNDLED_DIR } from '../core/workflows/helpers';
import { tempDirs } from '../helpers/temp-dir';
import { choose } from './choose';
import { buildRenderer, CHROMIUM, CHROMIUM_ARGS, hasChromium, screenshot, SCREENSHOTS } from './harness';

const suite = hasChromium() ? describe : describe.skip;
const TOKEN = 'ui-data-test-token-0123456789';
const DAY = 24 * 3600_000;

interface Served {
  host: CoreHost;
  server: RunningServer;
  close(): Promise<void>;
}

async function serve(dataDir: string, rendererDir: string): Promise<Served> {
  const host = createCoreHost({
    config: loadConfig({ dataDir, env: {} }),
    mode: 'headless',
    secrets: new MemorySecretStore(),
    discoverUrls: [],
    workflowsDir: BUNDLED_DIR,
  });
  await host.start();
  const server = await startServer({
    api: host.api,
    events: host.events,
    logger: nullLogger,
    token: TOKEN,
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    resolveMedia: host.resolveMedia,
  });
  return {
    host,
    server,
    async close() {
      await server.close();
      await host.stop();
    },
  };
}

suite('your data (chromium)', () => {
  const dirs = tempDirs();
  let rendererDir: string;
  let browser: Browser;
  const served: Served[] = [];
  beforeAll(async () => {
    rendererDir = await buildRenderer(join(dirs.make('comfydesk-data-ui-'), 'renderer'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    for (const s of served) await s.close().catch(() => undefined);
    dirs.cleanup();
  });

  async function open(s: Served, hash = '#/settings'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${s.server.url}/?token=${TOKEN}${hash}`);
    return page;
  }
  const dataTab = async (page: Page) => {
    await page.waitForSelector('nav[aria-label="Pages"]');
    await page.click('[data-testid=tab-data]');
    await page.waitForSelector('section[aria-label=Backups]');
  };

  it('backs up, restores a backup (the page reloads on the restarted core), exports and imports with a preview', async () => {
    const s = await serve(dirs.make(), rendererDir);
    served.push(s);
    await s.host.api.call(
      'templates.save',
      { name: 'before', workflow: 'sdxl-txt2img', prompt: 'kept' },
      { caller: 'test' },
    );
    const page = await open(s);
    await dataTab(page);

    await page.click('[data-testid=backup-now]');
    await page.waitForSelector('[data-testid=backup-row]');
    await page.waitForSelector('.toast:has-text("Backed up")');
    await s.host.api.call(
      'templates.save',
      { name: 'after', workflow: 'sdxl-txt2img', prompt: 'goes' },
      { caller: 'test' },
    );
    await screenshot(page, 'settings-data');

    // Export: a download of the settings file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
    expect(download.suggestedFilename()).toMatch(/^comfydesk-settings-.*\.json$/);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(
      JSON.parse(exported)
        .templates.map((t: { name: string }) => t.name)
        .sort(),
    ).toEqual(['after', 'before']);

    // Restore the backup: confirm, the core restarts, the page reloads and shows the restored state.
    await page.click('[data-testid=backup-row] button:has-text("Restore")');
    await page.click('[role=dialog] button:has-text("Restore")');
    await page.waitForEvent('load');
    await dataTab(page);
    await expect
      .poll(async () => (await s.host.api.call('templates.list', {}, { caller: 'test' })).map((t) => t.name))
      .toEqual(['before']);
    await page.waitForSelector('[data-testid=backup-row] >> text=Before a restore');

    // Import the export back: the preview names what changes, then it is applied.
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'settings.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exported),
    });
    const preview = page.locator('[data-testid=import-preview]');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/Templates · new: after · 1 unchanged/);
    await page.click('[data-testid=import-confirm]');
    await page.waitForSelector('.toast:has-text("Imported.")');
    expect((await s.host.api.call('templates.list', {}, { caller: 'test' })).map((t) => t.name).sort()).toEqual([
      'after',
      'before',
    ]);

    // A file that is not an export is refused beside the picker.
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'x.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello":1}'),
    });
    await page.waitForSelector('#import-file-error:has-text("not a ComfyDesk settings export")');
    await page.context().close();
  });

  it('previews retention and deletes what the preview said, keeping favourites', async () => {
    const s = await serve(dirs.make(), rendererDir);
    served.push(s);
    const core = s.host.core()!;
    const now = Date.now();
    const outputs = await seedOutputs(
      core,
      Array.from({ length: 12 }, (_, i) => ({ createdAt: now - (i + 1) * 10 * DAY, favourite: i === 11 })),
    );
    const page = await open(s);
    await dataTab(page);
    await page.click('button:has-text("Add a rule")');
    const rule = page.locator('[data-testid=retention-rule]').first();
    await rule.locator('input[id$="-days"]').fill('45');
    await page.fill('[data-testid=retention-rule] input[id$="-keep"]', '0');
    await page.click('[data-testid=retention-save]');
    await page.waitForSelector('[data-testid=retention-rule] .field-error:has-text("from 1 to")');
    await page.fill('[data-testid=retention-rule] input[id$="-keep"]', '');
    await choose(page, '[data-testid=retention-rule] button[role=combobox]', 'desktop');
    await page.click('[data-testid=retention-dry-run]');
    await page.waitForSelector('[data-testid=retention-preview]:has-text("Would remove: 7 outputs")');
    expect(await page.locator('.toast.error').count()).toBe(0);
    await page
      .locator('section[aria-label="Library retention"]')
      .screenshot({ path: join(SCREENSHOTS, 'settings-retention.png') });
    await page.click('[data-testid=retention-save]');
    await page.waitForSelector('[data-testid=saved-retention][data-status=saved]');
    await page.click('[data-testid=retention-run]');
    await page.waitForSelector('[role=dialog]:has-text("7 outputs")');
    await page.click('[role=dialog] button:has-text("Delete")');
    await page.waitForSelector('[data-testid=retention-last]:has-text("removed: 7 outputs")');
    expect(core.store.outputs.count()).toBe(5);
    expect(core.store.outputs.get(outputs[11]!.id)).not.toBeNull();
    await page.context().close();
  });

  it('a corrupted database shows the start-up screen instead of the app, and restoring the backup there starts the app', async () => {
    const dataDir = dirs.make();
    const first = await serve(dataDir, rendererDir);
    await first.host.api.call(
      'templates.save',
      { name: 'safe', workflow: 'sdxl-txt2img', prompt: 'x' },
      { caller: 'test' },
    );
    await first.host.api.call('data.backupNow', {}, { caller: 'test' });
    await first.close();
    const copy = dirs.make();
    cpSync(dataDir, copy, { recursive: true });
    corrupt(join(copy, 'comfydesk.db'));

    const s = await serve(copy, rendererDir);
    served.push(s);
    expect(s.host.state()).toBe('damaged');
    const page = await open(s, '#/gallery');
    await page.waitForSelector('[data-testid=recovery]');
    expect(await page.textContent('[data-testid=recovery-problem]')).toMatch(/cannot be used/);
    expect(await page.locator('nav[aria-label="Pages"]').count()).toBe(0);
    await screenshot(page, 'recovery');
    await page.click('[data-testid=recovery-restore]');
    await page.click('[role=dialog] button:has-text("Restore")');
    await page.waitForSelector('nav[aria-label="Pages"]');
    expect(s.host.state()).toBe('ok');
    expect((await s.host.api.call('templates.list', {}, { caller: 'test' })).map((t) => t.name)).toEqual(['safe']);
    await page.context().close();
  });
});
