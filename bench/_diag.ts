import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { startUi } from '@test/renderer/harness';
import type { PageDocument } from '@test/renderer/page-dom';
import { seedOutputs } from './library-seed';
declare const document: PageDocument;
async function main() {
  const ui = await startUi({
    noComfy: true,
    async beforeServe(core) {
      seedOutputs(core.store.db, 100000, Date.now());
      const dir = join(core.config.libraryDir, '.thumbs-bench');
      mkdirSync(dir, { recursive: true });
      const f = join(dir, 't.webp');
      await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 9, g: 99, b: 200 } } }).webp().toFile(f);
      core.store.db.prepare('UPDATE outputs SET thumbnail_path = ?').run(f);
    },
  });
  const { page } = ui;
  const t0 = performance.now();
  const log = (s: string) => console.log(`${(performance.now() - t0).toFixed(0).padStart(5)} ${s}`);
  page.on('request', (r) => { if (!r.url().includes('/media/')) log(`req ${r.url().slice(-60)}`); });
  let thumbs = 0;
  page.on('requestfinished', (r) => { if (r.url().includes('/media/') && thumbs++ < 2) log(`thumb done ${r.url().slice(-30)}`); });
  page.on('websocket', (ws) => {
    log('ws open');
    ws.on('framesent', (f) => log(`sent ${String(f.payload).slice(0, 80)}`));
    ws.on('framereceived', (f) => { const s = String(f.payload); if (!s.includes('"event"')) log(`recv ${s.length}B ${s.slice(0, 50)}`); });
  });
  await ui.open('#/gallery');
  log('nav ready');
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('[data-testid=gallery-tile] img')];
    return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
  }, undefined, { polling: 'raf' });
  log('thumbs decoded');
  const perf = await page.evaluate('JSON.stringify(performance.getEntriesByType("navigation").map(e=>({dcl:e.domContentLoadedEventEnd,load:e.loadEventEnd})).concat(performance.getEntriesByType("resource").filter(e=>!e.name.includes("media")).map(e=>({n:e.name.slice(-40),s:Math.round(e.startTime),d:Math.round(e.duration),sz:e.transferSize}))))');
  console.log(perf);
  await ui.close();
}
void main();
