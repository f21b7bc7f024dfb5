/**
 * The real desktop app, driven by Playwright's Electron driver, on a temporary profile with the fake ComfyUI on
 * loopback: the window shows the app, an API call answers over IPC, the SQLite store (better-sqlite3 built for
 * Electron's ABI) writes and reads, a job runs end to end, the tray is there, the media protocol serves its
 * thumbnail, and quitting leaves no process behind.
 *
 * Runs the development build (`npm run build`, plus `node scripts/electron-native.mjs` for better-sqlite3's
 * Electron build) by default, or the unpacked packaged app (`electron-builder --dir`) with
 * COMFYDESK_SMOKE_PACKAGED=1 — asar, the unpacked native modules and the afterPack hook, as shipped. Needs the
 * Electron binary (not downloaded with ELECTRON_SKIP_BINARY_DOWNLOAD=1) and a display on Linux (xvfb-run);
 * skipped with a one-line reason without them, unless COMFYDESK_SMOKE_REQUIRED=1 (CI), where that fails.
 * The tray and the quit go through a hook the main process installs only with COMFYDESK_E2E=1 (a real tray
 * menu cannot be clicked by Playwright).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Job } from '@shared/jobs';
import { WorkflowRegistry } from '@core/workflows/registry';
import { startFakeComfy, type FakeComfy } from '../fakes/comfyui';
import { BUNDLED_DIR, modelListsFor } from '../core/workflows/helpers';
import { tempDirs } from '../helpers/temp-dir';

const root = join(__dirname, '../..');
const require = createRequire(import.meta.url);
const packaged = process.env.COMFYDESK_SMOKE_PACKAGED === '1';

/** `require('electron')` under Node is the binary's path; it throws when the binary was never downloaded. */
function electronBinary(): string | null {
  try {
    const path: unknown = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** The executable of the unpacked app electron-builder made (release/<version>/<os>-unpacked). */
function unpackedApp(releaseDir = join(root, 'release')): string | null {
  if (!existsSync(releaseDir)) return null;
  for (const version of readdirSync(releaseDir)) {
    const base = join(releaseDir, version);
    const candidates = [
      join(base, 'linux-unpacked', 'comfydesk'),
      join(base, 'win-unpacked', 'ComfyDesk.exe'),
      ...['mac-arm64', 'mac', 'mac-universal'].map((d) =>
        join(base, d, 'ComfyDesk.app', 'Contents', 'MacOS', 'ComfyDesk'),
      ),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  return null;
}

function skipReason(): string | null {
  if (packaged && !unpackedApp()) return 'no unpacked app (run `npx electron-builder --dir` first)';
  if (!packaged && !electronBinary()) return 'no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)';
  const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;
  if (!display) return 'no display (on Linux run it under xvfb-run)';
  const built = existsSync(join(root, 'out/main/index.js')) && existsSync(join(root, 'out/renderer/index.html'));
  return packaged || built ? null : 'the app is not built (run `npm run build` first)';
}

const reason = skipReason();
if (reason && process.env.COMFYDESK_SMOKE_REQUIRED !== '1') {
  process.stderr.write(`Electron smoke test skipped: ${reason}\n`);
}

type Bridge = { call(method: string, input?: unknown): Promise<{ ok: boolean; output?: unknown; error?: unknown }> };
type Hook = {
  tray(): { view(): { menu: Array<{ type: string; label?: string }> }; run(action: string): Promise<void> } | null;
};

describe.runIf(process.env.COMFYDESK_SMOKE_REQUIRED === '1' && reason)('Electron smoke test prerequisites', () => {
  it('are all there (COMFYDESK_SMOKE_REQUIRED=1)', () => {
    expect(reason).toBeNull();
  });
});

describe.skipIf(!!reason)(`Electron app (smoke, ${packaged ? 'unpacked packaged app' : 'development build'})`, () => {
  const dirs = tempDirs();
  let fake: FakeComfy;
  let app: ElectronApplication;
  let page: Page;
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const result = await page.evaluate(
      ([m, i]) => (globalThis as unknown as { comfydesk: Bridge }).comfydesk.call(m as string, i),
      [method, input] as const,
    );
    if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
    return result.output as T;
  };

  beforeAll(async () => {
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
    await registry.load();
    fake = await startFakeComfy({ models: modelListsFor(registry.list()), script: { msPerStep: 0 } });
    const { _electron } = await import('playwright-core');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    app = await _electron.launch({
      executablePath: packaged ? unpackedApp()! : electronBinary()!,
      args: packaged ? [] : [root],
      env: {
        ...env,
        COMFYDESK_USER_DATA_DIR: dirs.make('comfydesk-e2e-'),
        COMFYDESK_COMFY_URLS: fake.url,
        COMFYDESK_E2E: '1',
        COMFYDESK_AUTO_UPDATE: '0',
      },
      timeout: 90_000,
    });
    page = await app.firstWindow();
  }, 120_000);

  afterAll(async () => {
    // The quit test closes the app; this only cleans up after a failure before it.
    await app?.close().catch(() => {});
    await fake?.close();
    dirs.cleanup();
  });

  it('the window shows the app', async () => {
    await page.getByText('Gallery').first().waitFor({ state: 'visible', timeout: 60_000 });
    const visible = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().some((w) => w.isVisible()));
    expect(visible).toBe(true);
  });

  it('an API call answers over IPC, from the Electron main process', async () => {
    const info = await call<{ name: string; mode: string; version: string }>('app.info');
    expect(info).toMatchObject({ name: 'ComfyDesk', mode: 'desktop' });
    const runtime = await app.evaluate(({ app: a }) => ({
      electron: process.versions.electron,
      packaged: a.isPackaged,
    }));
    expect(runtime.electron).toMatch(/^\d+\./);
    expect(runtime.packaged).toBe(packaged);
    // The updater is wired (checks are off for the test: COMFYDESK_AUTO_UPDATE=0).
    const kind = !packaged ? 'development' : process.platform === 'darwin' ? 'mac' : 'unpacked';
    expect(await call('updates.status')).toMatchObject({ install: kind, status: 'unsupported', current: info.version });
  });

  it("the SQLite store (better-sqlite3 for Electron's ABI) writes and reads", async () => {
    const binding = await app.evaluate(() => process.env.COMFYDESK_SQLITE_BINDING ?? null);
    // Development: the Electron build kept apart in node_modules/.cache; packaged: the app's own unpacked copy.
    if (packaged) expect(binding).toBeNull();
    else expect(binding).toMatch(/comfydesk-electron/);
    const saved = await call<{ queue: { perUserLimit: number } }>('settings.set', { queue: { perUserLimit: 7 } });
    expect(saved.queue.perUserLimit).toBe(7);
    expect((await call<{ queue: { perUserLimit: number } }>('settings.get')).queue.perUserLimit).toBe(7);
  });

  it('a job runs end to end on the fake ComfyUI, and the media protocol serves its thumbnail', async () => {
    await vi.waitFor(
      async () => expect((await call<{ comfy: { status: string } }>('health.summary')).comfy.status).toBe('online'),
      { timeout: 60_000, interval: 250 },
    );
    const job = await call<Job>('jobs.submit', {
      workflow: 'sdxl-txt2img',
      prompt: 'a red kite over the sea',
      params: { steps: 2, width: 512, height: 512 },
    });
    await vi.waitFor(
      async () => expect((await call<Job>('jobs.get', { id: job.id })).status).toMatch(/^(done|failed|cancelled)$/),
      { timeout: 60_000, interval: 250 },
    );
    expect((await call<Job>('jobs.get', { id: job.id })).status).toBe('done');
    const outputs = await call<Array<{ id: string }>>('library.byJob', { jobId: job.id });
    expect(outputs.length).toBeGreaterThan(0);
    const id = outputs[0]!.id;
    await vi.waitFor(
      async () =>
        expect((await call<{ thumbnailPath: string | null }>('library.get', { id })).thumbnailPath).toBeTruthy(),
      { timeout: 60_000, interval: 250 },
    );
    const thumb = await page.evaluate(async (outputId) => {
      const bridge = globalThis as unknown as { comfydesk: { mediaBase: string } };
      const res = await fetch(`${bridge.comfydesk.mediaBase}/thumb/${outputId}`);
      return { status: res.status, type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    }, id);
    expect(thumb).toMatchObject({ status: 200, type: 'image/webp' });
    expect(thumb.bytes).toBeGreaterThan(100);
  });

  it('the tray is there, and its "Pause queue" pauses the queue', async () => {
    const labels = () =>
      app.evaluate(() =>
        (globalThis as unknown as { __comfydeskE2E: Hook }).__comfydeskE2E
          .tray()
          ?.view()
          .menu.filter((i) => i.type === 'item')
          .map((i) => i.label),
      );
    expect(await labels()).toEqual(expect.arrayContaining(['Show ComfyDesk', 'Pause queue', 'Quit ComfyDesk']));
    await app.evaluate(() =>
      (globalThis as unknown as { __comfydeskE2E: Hook }).__comfydeskE2E.tray()?.run('queue.toggle'),
    );
    expect(await labels()).toContain('Resume queue');
    expect(await call('health.summary')).toMatchObject({ queue: { paused: true } });
  });

  it('quitting from the tray leaves no process behind', async () => {
    const pids = await app.evaluate(({ app: a }) => a.getAppMetrics().map((m) => m.pid));
    expect(pids.length).toBeGreaterThan(1);
    const closed = new Promise<void>((resolve) => app.once('close', () => resolve()));
    await app
      .evaluate(() => void (globalThis as unknown as { __comfydeskE2E: Hook }).__comfydeskE2E.tray()?.run('quit'))
      .catch(() => {
        // The process may be gone before the evaluation answers.
      });
    await closed;
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), { timeout: 20_000, interval: 100 });
  });
});
