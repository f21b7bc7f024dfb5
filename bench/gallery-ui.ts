/**
 * Gallery responsiveness at 100,000 outputs: seeds a library (real thumbnail files behind every row, pictures of
 * four shapes laid out in justified rows), serves it with the real headless server and measures in Debian's
 * chromium (playwright-core):
 *   - time from opening the app on the gallery to the first screen of thumbnails decoded (a cold page load),
 *   - the same after clicking Gallery in the sidebar of an app already open,
 *   - time to scroll to the very end (every keyset page loaded, last row shown),
 *   - frame times while scrolling (the UI thread stays free).
 * Prints the figures beside the ones before the gallery's rework, and the machine's load (the figures move with it).
 * Run: npx tsx bench/gallery-ui.ts [count]
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { hasChromium, startUi, CHROMIUM } from '@test/renderer/harness';
import type { PageDocument } from '@test/renderer/page-dom';
import { seedOutputs } from './library-seed';

// page.evaluate / waitForFunction callbacks run in chromium: see test/renderer/page-dom for why `document` is declared here.
declare const document: PageDocument;
declare function requestAnimationFrame(callback: (time: number) => void): number;

const COUNT = Number(process.argv[2] ?? 100_000);
const THUMB_FILES = 24;
/** Output sizes (1 in 4 of each): square, portrait, landscape, wide. */
const SHAPES: Array<[number, number]> = [
  [1024, 1024],
  [832, 1216],
  [1216, 832],
  [1344, 768],
];
/** The figures of this bench before the gallery's rework (README, 2-core machine). */
const BEFORE = { firstThumbsMs: 536, frameP95Ms: 16.8 };

async function main(): Promise<void> {
  if (!hasChromium()) {
    console.log(`gallery-ui: skipped, no chromium at ${CHROMIUM}`);
    return;
  }
  const seedStart = performance.now();
  const ui = await startUi({
    noComfy: true,
    viewport: { width: 1440, height: 900 },
    async beforeServe(core) {
      seedOutputs(core.store.db, COUNT, Date.now());
      // Real WebP thumbnails (a few distinct files; each output still has its own URL and request).
      const dir = join(core.config.libraryDir, '.thumbs-bench');
      mkdirSync(dir, { recursive: true });
      const files: string[] = [];
      // Thumbnails of each output's shape (320 px on the long side, like the library makes them).
      for (let i = 0; i < THUMB_FILES; i++) {
        const file = join(dir, `t${i}.webp`);
        const hue = (i * 360) / THUMB_FILES;
        const [r, g, b] = [0, 120, 240].map((o) => Math.round(127 + 120 * Math.cos(((hue + o) * Math.PI) / 180)));
        const [w, h] = SHAPES[i % SHAPES.length]!;
        const scale = 320 / Math.max(w, h);
        await sharp({
          create: {
            width: Math.round(w * scale),
            height: Math.round(h * scale),
            channels: 3,
            background: { r: r!, g: g!, b: b! },
          },
        })
          .webp({ quality: 80 })
          .toFile(file);
        files.push(file);
      }
      const update = core.store.db.prepare('UPDATE outputs SET thumbnail_path = ? WHERE id % ? = ?');
      core.store.db.transaction(() => files.forEach((f, i) => update.run(f, THUMB_FILES, i)))();
      const shape = core.store.db.prepare('UPDATE outputs SET width = ?, height = ? WHERE id % ? = ?');
      core.store.db.transaction(() => SHAPES.forEach(([w, h], i) => shape.run(w, h, SHAPES.length, i)))();
    },
  });
  const seededMs = performance.now() - seedStart;
  const { page } = ui;
  try {
    const t0 = performance.now();
    await ui.open('#/gallery');
    // First screen: every tile in view has its thumbnail decoded.
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('[data-testid=gallery-tile] img')];
        const grid = document.querySelector('[data-testid=gallery-grid]')!.getBoundingClientRect();
        const visible = imgs.filter((img) => img.getBoundingClientRect().top < grid.bottom);
        return visible.length > 0 && visible.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    const firstThumbsMs = performance.now() - t0;
    const tiles = await page.locator('[data-testid=gallery-tile]').count();

    // The same from inside the app: a fresh load on the Queue page, then a click on Gallery (nothing cached but the
    // app's own code, as when the owner switches pages).
    await page.goto(`${ui.server.url}/#/queue`);
    await page.waitForSelector('main[data-page=queue] h1');
    const t1 = performance.now();
    await page.click('nav a[href="#/gallery"]');
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('[data-testid=gallery-tile] img')];
        const grid = document.querySelector('[data-testid=gallery-grid]')?.getBoundingClientRect();
        const visible = imgs.filter((img) => grid && img.getBoundingClientRect().top < grid.bottom);
        return visible.length > 0 && visible.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    const navThumbsMs = performance.now() - t1;

    // tsx keeps function names with a `__name` helper the page does not have.
    await page.evaluate('globalThis.__name = (f) => f');
    // Scroll to the end: jump to the bottom whenever the grid grows, until the last page is in.
    const scroll = await page.evaluate(async () => {
      const grid = document.querySelector('[data-testid=gallery-grid]')!;
      const frames: number[] = [];
      let last = performance.now();
      let running = true;
      const tick = (t: number) => {
        frames.push(t - last);
        last = t;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const step = () => {
          grid.scrollTop = grid.scrollHeight;
          const done = grid.dataset.done === 'true';
          const tiles = [...grid.querySelectorAll('[data-testid=gallery-tile]')];
          const lastIndex = Math.max(...tiles.map((t) => Number(t.dataset.index)));
          if (done && lastIndex === Number(grid.dataset.loaded) - 1) return resolve();
          requestAnimationFrame(step);
        };
        step();
      });
      const ms = performance.now() - start;
      running = false;
      const sorted = frames.slice(1).sort((a, b) => a - b);
      return {
        ms,
        loaded: Number(grid.dataset.loaded),
        domTiles: grid.querySelectorAll('[data-testid=gallery-tile]').length,
        frames: sorted.length,
        p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
        p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        max: sorted[sorted.length - 1] ?? 0,
      };
    });
    // The last screen's thumbnails arrive too.
    const tEnd = performance.now();
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('[data-testid=gallery-tile] img')];
        return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    const lastThumbsMs = performance.now() - tEnd;
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );

    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(
      `gallery-ui: ${COUNT.toLocaleString('en')} outputs seeded in ${f(seededMs)} (including server start and renderer build)`,
    );
    console.log(
      `  machine load (1 min):    ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (the figures move with it)`,
    );
    console.log(
      `  first thumbnails:        ${f(firstThumbsMs)} (before: ${BEFORE.firstThumbsMs} ms; open the app on the gallery → ${tiles} tiles in the DOM, all in view decoded)`,
    );
    console.log(
      `  after a click on Gallery: ${f(navThumbsMs)} (the app already open on the Queue page; target < 300 ms)  ${navThumbsMs < 300 ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  scroll to the end:       ${f(scroll.ms)} (${scroll.loaded.toLocaleString('en')} outputs loaded in pages of 500, ${scroll.domTiles} tiles in the DOM at the end)`,
    );
    console.log(`  last screen thumbnails:  ${f(lastThumbsMs)}`);
    console.log(
      `  frame time while scrolling: p50 ${scroll.p50.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms (before: ${BEFORE.frameP95Ms} ms), max ${scroll.max.toFixed(1)} ms over ${scroll.frames} frames; target p95 ≤ 16.7 ms  ${scroll.p95 <= 16.7 ? 'PASS' : 'FAIL'}`,
    );
    if (heap) console.log(`  JS heap at the end:      ${(heap / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    await ui.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
