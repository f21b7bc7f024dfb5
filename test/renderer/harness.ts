/**
 * The real headless server (core + HTTP/WebSocket + media) on loopback with the fake ComfyUI behind it, the
 * renderer built fresh with Vite, and Debian's chromium driven by playwright-core. Shared by the UI flows and
 * the gallery benchmark.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import { nullLogger } from '@core/log';
import { startServer, type RunningServer } from '@core/server/server';
import { WorkflowRegistry } from '@core/workflows/registry';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '../fakes/comfyui';
import { healthUntil, testCore, type TestCoreOptions } from '../helpers/core';
import { tempDirs } from '../helpers/temp-dir';
import { BUNDLED_DIR, modelListsFor } from '../core/workflows/helpers';

export const CHROMIUM = process.env.COMFYDESK_CHROMIUM ?? '/usr/lib/chromium/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const hasChromium = (): boolean => existsSync(CHROMIUM);

const REPO = resolve(__dirname, '../..');
/**
 * Every run takes a screenshot of each page. They replace the README's pictures in docs/screenshots/ only with
 * UPDATE_SCREENSHOTS=1 (`npm run screenshots`), so a plain `npm test` leaves the working tree as it was.
 */
export const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO, 'docs/screenshots') : join(tmpdir(), 'comfydesk-screenshots');

/**
 * One step of a flow as a picture, `<SCREENSHOTS>/<name>.png` (the pages themselves, at every size and in both
 * themes, are screenshots.test.ts's). Toasts come and go: they are left out so the picture shows the page.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    style: '.toasts { display: none !important; }',
  });
}

/** Build the renderer into `outDir` (Vite, the same config as electron-vite's renderer part). */
export async function buildRenderer(outDir: string): Promise<string> {
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    root: join(REPO, 'renderer'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface Ui {
  core: Core;
  server: RunningServer;
  fake: FakeComfy;
  browser: Browser;
  page: Page;
  token: string;
  dataDir: string;
  /** Open the app on a page (`#/queue`, ...). */
  open(hash?: string): Promise<void>;
  /** Resolve once `test()` holds, re-checked on every core event. */
  waitForCore(test: () => boolean): Promise<void>;
  /** The core's jobs (newest 500) for which `pred` holds. */
  jobs(pred: (job: Job) => boolean): Job[];
  /** Stop the HTTP/WebSocket server, run `meanwhile` (the core keeps going), and serve again on the same port. */
  restartServer(meanwhile: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface UiOptions {
  /** Prepare the core before the server starts (seed outputs, settings). */
  beforeServe?(core: Core): Promise<void> | void;
  /** Without a fake ComfyUI (the gallery benchmark needs none). */
  noComfy?: boolean;
  viewport?: { width: number; height: number };
  /** The fake ComfyUI's options (default: every bundled workflow's files listed, no step delay). */
  comfy?: FakeComfyOptions;
  /** More core options (e.g. the model catalogue and the downloader's tuning). */
  core?: Partial<TestCoreOptions>;
}

/** Resolves once the app can be opened and, unless `noComfy`, the fake ComfyUI is online. */
export async function startUi(options: UiOptions = {}): Promise<Ui> {
  const dirs = tempDirs();
  const dataDir = dirs.make('comfydesk-ui-');
  const rendererDir = await buildRenderer(join(dirs.make('comfydesk-ui-build-'), 'renderer'));
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const fake = await startFakeComfy(
    options.comfy ?? { models: modelListsFor(registry.list()), script: { msPerStep: 0 } },
  );
  const core = testCore({
    dataDir,
    env: options.noComfy ? {} : { COMFYDESK_COMFY_URLS: fake.url },
    workflowsDir: BUNDLED_DIR,
    ...options.core,
  });
  await core.start();
  // The fake ComfyUI counts as a backend once it answered.
  if (!options.noComfy) await healthUntil(core, (h) => h.comfy.status === 'online');
  await options.beforeServe?.(core);
  const token = 'ui-test-token-0123456789abcdef';
  const serve = (port: number) =>
    startServer({
      api: core.api,
      events: core.events,
      logger: nullLogger,
      token,
      host: '127.0.0.1',
      port,
      rendererDir,
      resolveMedia: core.library.resolveMedia,
    });
  let server = await serve(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  let first = true;
  return {
    core,
    get server() {
      return server;
    },
    fake,
    browser,
    page,
    token,
    dataDir,
    async open(hash = '#/gallery') {
      // The first visit carries the token; the cookie it sets covers the page, media and the WebSocket.
      await page.goto(`${server.url}/${first ? `?token=${token}` : ''}${hash}`);
      first = false;
      await page.waitForSelector('nav[aria-label="Pages"]');
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
    jobs: (pred) => core.store.jobs.list({ limit: 500 }).filter(pred),
    waitForCore(test) {
      return new Promise((resolve) => {
        if (test()) return resolve();
        const off = core.events.onAny(() => {
          if (test()) {
            off();
            resolve();
          }
        });
      });
    },
    async restartServer(meanwhile) {
      const port = server.port;
      await server.close();
      await meanwhile();
      server = await serve(port);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await core.stop();
      await fake.close();
      dirs.cleanup();
    },
  };
}
