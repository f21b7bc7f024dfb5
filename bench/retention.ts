/**
 * Library retention over 100,000 outputs (a real file and thumbnail each, spread over a year, 40 people, four
 * servers, 3 % favourites) while jobs keep flowing through the real engine to the fake ComfyUI (its own process):
 *   - the dry run's time, and the real run's (target < 10 s), which must remove exactly what the dry run said;
 *   - the core's event-loop lag during the real run, p50 / p99 / max (target p99 < 50 ms), next to the lag with
 *     jobs alone;
 *   - jobs finished while retention ran, and no orphans after (every removed file and thumbnail gone, every kept
 *     one there).
 *
 *   npx tsx bench/retention.ts [outputs=100000]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RetentionRule } from '@shared/settings';
import { retentionDryRun, retentionRun } from '@core/data/retention';
import { dayFolder } from '@core/library/naming';
import { WorkflowRegistry } from '@core/workflows/registry';
import type { FakeComfy } from '@test/fakes/comfyui';
import { startHarness, type Harness } from '@test/core/jobs/harness';
import { BUNDLED_DIR, modelListsFor } from '@test/core/workflows/helpers';
import { spawnFakeComfy } from './fake-comfy-child';
import { rng } from './library-seed';

const OUTPUTS = Number(process.argv[2] ?? 100_000);
const TARGET_S = 10;
const TARGET_P99_MS = 50;
const DAY = 24 * 3600_000;

const RULES: RetentionRule[] = [
  { id: 'two-months', scope: 'all', olderThanDays: 60, keepLastPerUser: null, maxGb: null },
  { id: 'server-1', scope: 'guild:g1', keepLastPerUser: 100, maxGb: null, olderThanDays: null },
  { id: 'cap', scope: 'all', maxGb: 40, keepLastPerUser: null, olderThanDays: null },
];

/** Rows, files and thumbnails of finished jobs, as the library keeps them. */
function seed(h: Harness, count: number, now: number): void {
  const rand = rng(11);
  const users = Array.from({ length: 40 }, (_, i) => `u${100000 + i}`);
  const guilds = ['g1', 'g2', 'g3', 'g4'];
  const insertUser = h.store.db.prepare(
    'INSERT OR IGNORE INTO users (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)',
  );
  const insertJob = h.store.db.prepare(
    `INSERT INTO jobs (id, number, source, user_id, guild_id, workflow, params, status, created_at, ended_at, updated_at)
     VALUES (?, ?, 'discord', ?, ?, 'sdxl-txt2img', '{}', 'done', ?, ?, ?)`,
  );
  const insertOutput = h.store.db.prepare(
    `INSERT INTO outputs (job_id, file_path, kind, mime, width, height, bytes, thumbnail_path, favourite, user_id,
       guild_id, workflow, prompt, negative, seed, created_at)
     VALUES (?, ?, 'image', 'image/png', 1024, 1024, ?, ?, ?, ?, ?, 'sdxl-txt2img', ?, '', ?, ?)`,
  );
  const thumbs = join(h.library.dir, '.thumbs');
  const made = new Set<string>();
  h.store.db.transaction(() => {
    for (const u of users) insertUser.run(u, u);
    for (let i = 0; i < count; i++) {
      const at = now - DAY - Math.floor(((count - i) / count) * 365 * DAY);
      const user = users[Math.floor(rand() * rand() * users.length)]!;
      const guild = rand() < 0.15 ? null : guilds[Math.floor(rand() * guilds.length)]!;
      const day = dayFolder(at);
      const file = join(h.library.dir, day, `seed-${i}.png`);
      insertJob.run(`seed-${i}`, i + 1, user, guild, at, at, at);
      const id = Number(
        insertOutput.run(
          `seed-${i}`,
          file,
          1_000_000 + Math.floor(rand() * 500_000),
          null,
          rand() < 0.03 ? 1 : 0,
          user,
          guild,
          `seed ${i}`,
          i,
          at,
        ).lastInsertRowid,
      );
      const thumb = join(thumbs, day, `${id}.webp`);
      h.store.outputs.setThumbnail(id, thumb);
      for (const dir of [join(h.library.dir, day), join(thumbs, day)]) {
        if (!made.has(dir)) mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, 'png');
      writeFileSync(thumb, 'webp');
    }
  })();
}

const ms = (ns: number) => (ns / 1e6).toFixed(1);

async function main(): Promise<void> {
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const child = await spawnFakeComfy({ models: modelListsFor(registry.list()), script: { msPerStep: 25 } });
  const h = await startHarness({ perUserLimit: 100, fakeInstance: { url: child.url } as FakeComfy });
  try {
    const now = Date.now();
    const t0 = performance.now();
    seed(h, OUTPUTS, now);
    console.log(
      `retention: ${OUTPUTS} outputs seeded (files and thumbnails) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Jobs keep flowing: four in flight, a new one as each ends.
    let flowing = true;
    let finished = 0;
    const submit = () =>
      h.engine.submit({
        workflow: 'sdxl-txt2img',
        prompt: `flow ${finished}`,
        params: { steps: 4, width: 512, height: 512 },
      });
    h.events.on('job.changed', (job) => {
      if (job.status !== 'done' && job.status !== 'failed') return;
      finished++;
      if (flowing) submit();
    });
    for (let i = 0; i < 4; i++) submit();
    const lag = (fn: () => Promise<unknown>) => async () => {
      const histogram = monitorEventLoopDelay({ resolution: 5 });
      histogram.enable();
      const start = performance.now();
      const result = await fn();
      const wall = performance.now() - start;
      histogram.disable();
      return { result, wall, histogram };
    };
    const jobsAlone = await lag(() => new Promise((r) => setTimeout(r, 3000)))();
    const before = finished;

    const deps = { upkeep: h.store.upkeep, library: h.library, now: () => now };
    const dry = await lag(() => retentionDryRun(deps, RULES))();
    const run = await lag(() => retentionRun(deps, RULES))();
    const duringRun = finished - before;
    flowing = false;
    await h.waitAllEnded();

    const dryResult = dry.result as Awaited<ReturnType<typeof retentionDryRun>>;
    const runResult = run.result as Awaited<ReturnType<typeof retentionRun>>;
    const agree = dryResult.count === runResult.count && dryResult.bytes === runResult.bytes;
    const left = h.store.upkeep.paths(0, OUTPUTS * 2);
    const missing = left.filter((o) => !existsSync(o.filePath) || (o.thumbnailPath && !existsSync(o.thumbnailPath)));
    const strays = Array.from({ length: OUTPUTS }, (_, i) => i).filter((i) => {
      const day = dayFolder(now - DAY - Math.floor(((OUTPUTS - i) / OUTPUTS) * 365 * DAY));
      return existsSync(join(h.library.dir, day, `seed-${i}.png`));
    }).length;
    const keptSeeds = left.filter((o) => /seed-\d+\.png$/.test(o.filePath)).length;

    const p = (hist: typeof run.histogram, q: number) => ms(hist.percentile(q));
    console.log(
      `  dry run: ${dryResult.count} of ${OUTPUTS} would go (${(dryResult.bytes / 1024 ** 3).toFixed(1)} GB, ${dryResult.kept} kept as favourites) in ${(dry.wall / 1000).toFixed(2)} s`,
    );
    console.log(
      `  real run: ${runResult.count} removed (files, thumbnails and rows) in ${(run.wall / 1000).toFixed(2)} s   (target < ${TARGET_S} s)   ${run.wall / 1000 < TARGET_S ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  event-loop lag during the run: p50 ${p(run.histogram, 50)} ms, p99 ${p(run.histogram, 99)} ms, max ${ms(run.histogram.max)} ms   (target p99 < ${TARGET_P99_MS} ms)   ${run.histogram.percentile(99) / 1e6 < TARGET_P99_MS ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  event-loop lag, jobs alone: p50 ${p(jobsAlone.histogram, 50)} ms, p99 ${p(jobsAlone.histogram, 99)} ms; during the dry run: p99 ${p(dry.histogram, 99)} ms`,
    );
    console.log(`  jobs finished while the run went on: ${duringRun} (${finished} in all)`);
    console.log(
      `  dry run and real run agree: ${agree ? 'yes' : 'NO'}; orphans after: ${missing.length} rows without files, ${strays - keptSeeds} files without rows`,
    );
  } finally {
    await h.close();
    await child.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
