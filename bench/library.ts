/**
 * Output library figures:
 *   (3) gallery search over 100,000 indexed outputs: a mix of newest page, text, text + filters, filters only
 *       and deep keyset pages, each answered as the API does (one page + capped total); p50 / p95 in ms,
 *       PASS when p95 < 20 ms;
 *   (4) thumbnails per second for 1024×1024 PNGs (the real queue: sharp → WebP 320 px, one at a time);
 *   plus ingest (the job's hot path: move, header read, index) in jobs per second with ~1 MB PNGs.
 *
 *   npx tsx bench/library.ts [outputs=100000] [thumbnails=60]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { OutputQuery } from '@shared/library';
import { systemClock } from '@core/clock';
import { EventBus } from '@core/events';
import { Library } from '@core/library/library';
import { nullLogger } from '@core/log';
import { openStore, type Store } from '@core/store';
import { rng, seedOutputs, WORKFLOWS, type SeedResult } from './library-seed';

const OUTPUTS = Number(process.argv[2] ?? 100_000);
const THUMBS = Number(process.argv[3] ?? 60);
const TARGET_P95_MS = 20;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
const ms = (n: number) => n.toFixed(2).padStart(7);

/** The query mix a gallery produces: mostly first pages, often with text, sometimes scrolled deep. */
function queryMix(seed: SeedResult, newest: { createdAt: number; id: number }[]): Record<string, () => OutputQuery> {
  const rand = rng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const words = [
    'cat',
    'dragon',
    'castle',
    'portrait',
    'cinematic',
    'watercolor',
    'neon',
    'samurai',
    'fog',
    'golden',
    'ghost',
    seed.rareWord,
    seed.commonWord,
  ];
  const day = 24 * 3600_000;
  const cursor = () => pick(newest);
  return {
    'newest page': () => ({ limit: 100 }),
    'text (1 word)': () => ({ text: pick(words), limit: 100 }),
    'text (2 words)': () => ({ text: `${pick(words)} ${pick(words)}`, limit: 100 }),
    'text + user': () => ({ text: pick(words), userId: pick(seed.users), limit: 100 }),
    'text + workflow + kind': () => ({ text: pick(words), workflow: pick(WORKFLOWS), kind: 'image', limit: 100 }),
    'user + favourites': () => ({ userId: pick(seed.users), favourite: true, limit: 100 }),
    'guild + date range': () => {
      const from = seed.oldest + Math.floor(rand() * 300) * day;
      return { guildId: pick(seed.guilds), from, to: from + 30 * day, limit: 100 };
    },
    'keyset page, deep': () => ({ after: cursor(), limit: 100 }),
    'text, keyset deep': () => ({ text: pick(words), after: cursor(), limit: 100 }),
  };
}

function benchSearch(store: Store, library: Library): boolean {
  const t0 = performance.now();
  const seed = seedOutputs(store.db, OUTPUTS, Date.now());
  console.log(
    `(3) gallery search: ${OUTPUTS.toLocaleString('en')} outputs seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // Cursors spread over the whole history, for deep keyset pages.
  const cursors = store.db.prepare('SELECT created_at AS createdAt, id FROM outputs WHERE id % 997 = 0').all() as {
    createdAt: number;
    id: number;
  }[];
  const mix = queryMix(seed, cursors);
  const all: number[] = [];
  const rows: string[] = [];
  for (const [name, make] of Object.entries(mix)) {
    for (let i = 0; i < 5; i++) library.search(make()); // warm statements and pages
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const q = make();
      const start = performance.now();
      library.search(q);
      times.push(performance.now() - start);
    }
    all.push(...times);
    times.sort((a, b) => a - b);
    rows.push(
      `    ${name.padEnd(24)} p50 ${ms(quantile(times, 0.5))} ms   p95 ${ms(quantile(times, 0.95))} ms   max ${ms(times[times.length - 1]!)} ms`,
    );
  }
  all.sort((a, b) => a - b);
  const p95 = quantile(all, 0.95);
  const pass = p95 < TARGET_P95_MS;
  for (const r of rows) console.log(r);
  console.log(
    `    all ${all.length} queries: p50 ${quantile(all, 0.5).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms  ->  ${pass ? 'PASS' : 'FAIL'} (target p95 < ${TARGET_P95_MS} ms)`,
  );
  return pass;
}

async function benchThumbnails(dir: string): Promise<void> {
  const store = openStore(join(dir, 'thumbs.db'), systemClock);
  const library = new Library({
    libraryDir: join(dir, 'library'),
    store: store.outputs,
    clock: systemClock,
    logger: nullLogger,
    events: new EventBus(),
    ffmpegPath: null,
  });
  // A ~1 MB 1024×1024 PNG like a real render: smooth gradients with fine noise.
  const w = 1024;
  const raw = Buffer.alloc(w * w * 3);
  const rand = rng(3);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[i] = (x / 4 + rand() * 1.2) & 0xff;
      raw[i + 1] = (y / 4 + rand() * 1.2) & 0xff;
      raw[i + 2] = ((x + y) / 8 + rand() * 1.2) & 0xff;
    }
  }
  const sample = join(dir, 'sample.png');
  writeFileSync(
    sample,
    await sharp(raw, { raw: { width: w, height: w, channels: 3 } })
      .png()
      .toBuffer(),
  );
  const bytes = statSync(sample).size;

  store.users.upsert('bench', 'bench');
  const jobs = Array.from({ length: THUMBS }, (_, i) =>
    store.jobs.create({
      id: `thumb-${i}`,
      source: 'desktop',
      userId: 'bench',
      workflow: 'sdxl-txt2img',
      params: { seed: i },
      prompt: `bench image ${i}`,
    }),
  );
  const files = jobs.map((job) => {
    const path = join(library.incomingDir(job.id), 'ComfyUI_00001_.png');
    copyFileSync(sample, path);
    return {
      job,
      file: {
        path,
        kind: 'image' as const,
        nodeId: '9',
        bytes,
        ref: { filename: 'ComfyUI_00001_.png', subfolder: '', type: 'output' as const },
      },
    };
  });

  // Ingest every job (the hot path), then let the queue make the thumbnails.
  const t0 = performance.now();
  for (const { job, file } of files) await library.ingest(job, [file]);
  const t1 = performance.now();
  await library.thumbnailsIdle();
  const t2 = performance.now();
  const ingestRate = THUMBS / ((t1 - t0) / 1000);
  console.log(
    `    ingest (move + header read + index), ${(bytes / 1024 / 1024).toFixed(2)} MB PNGs: ${ingestRate.toFixed(0)} jobs/s (${((t1 - t0) / THUMBS).toFixed(2)} ms each)`,
  );
  const thumbsPerSecond = THUMBS / ((t2 - t0) / 1000);
  console.log(
    `(4) thumbnails, 1024×1024 PNG -> 320 px WebP, one at a time: ${thumbsPerSecond.toFixed(1)} per second (${THUMBS} in ${((t2 - t0) / 1000).toFixed(2)} s)`,
  );
  await library.stop();
  store.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'comfydesk-library-bench-'));
  try {
    const store = openStore(join(dir, 'search.db'), systemClock);
    const library = new Library({
      libraryDir: join(dir, 'search-library'),
      store: store.outputs,
      clock: systemClock,
      logger: nullLogger,
      events: new EventBus(),
      ffmpegPath: null,
    });
    const pass = benchSearch(store, library);
    store.close();
    await benchThumbnails(dir);
    if (!pass) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
