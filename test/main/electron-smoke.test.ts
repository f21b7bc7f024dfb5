/**
 * The desktop app end to end with Playwright's Electron driver: it starts, the window shows the Gallery, and the
 * tray's "Pause queue" pauses the queue (seen in the tray menu and through the renderer's API).
 *
 * Needs the Electron binary (not downloaded with ELECTRON_SKIP_BINARY_DOWNLOAD=1), a display on Linux (xvfb-run
 * works) and `npm run build` first; skipped cleanly when any is missing. Drives the tray through a hook the main
 * process installs only when COMFYDESK_E2E=1 (a real tray menu cannot be clicked by Playwright).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dir';

const root = join(__dirname, '../..');
const require = createRequire(import.meta.url);

/** `require('electron')` under Node is the binary's path; it throws when the binary was never downloaded. */
function electronBinary(): string | null {
  try {
    const path: unknown = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const built = existsSync(join(root, 'out/main/index.js')) && existsSync(join(root, 'out/renderer/index.html'));
const display = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;

type TrayHook = {
  tray(): { view(): { menu: Array<{ type: string; label?: string }> }; run(action: string): Promise<void> };
};

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe.skipIf(!binary || !built || !display)('Electron app (smoke)', () => {
  it('opens, shows the Gallery, and the tray pauses the queue', async () => {
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: binary!,
      args: [root],
      env: { ...process.env, COMFYDESK_USER_DATA_DIR: dirs.make('comfydesk-e2e-'), COMFYDESK_E2E: '1' } as Record<
        string,
        string
      >,
      timeout: 60_000,
    });
    try {
      const page = await app.firstWindow();
      await page.getByText('Gallery').first().waitFor({ state: 'visible', timeout: 30_000 });

      const labels = () =>
        app.evaluate(() =>
          (globalThis as unknown as { __comfydeskE2E: TrayHook }).__comfydeskE2E
            .tray()
            .view()
            .menu.filter((i) => i.type === 'item')
            .map((i) => i.label),
        );
      expect(await labels()).toContain('Pause queue');
      await app.evaluate(() =>
        (globalThis as unknown as { __comfydeskE2E: TrayHook }).__comfydeskE2E.tray().run('queue.toggle'),
      );
      expect(await labels()).toContain('Resume queue');

      const summary = await page.evaluate(() =>
        (globalThis as unknown as { comfydesk: { call(m: string, i: unknown): Promise<unknown> } }).comfydesk.call(
          'health.summary',
          {},
        ),
      );
      expect(summary).toMatchObject({ ok: true, output: { queue: { paused: true } } });
    } finally {
      await app.close();
    }
  });
});
