/**
 * Seed a store with many gallery rows quickly (one transaction, raw inserts): users, jobs and outputs with
 * prompts drawn from a word list, spread over a year, for the library search benchmark.
 */
import type { Db } from '@core/store/db';

/** A small deterministic PRNG (mulberry32) so every run searches the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = `cat dog fox owl wolf dragon robot knight witch castle forest city ocean mountain desert river garden
  temple ship train car bicycle portrait landscape flower tree bird horse tiger panda rabbit samurai astronaut
  wizard princess soldier pirate monk dancer musician chef farmer child elder warrior angel demon ghost`.split(/\s+/);
const STYLES = `photorealistic cinematic watercolor oil painting sketch anime pixel art low poly isometric
  studio lighting golden hour neon cyberpunk steampunk baroque minimalist surreal vintage noir pastel vibrant
  moody dramatic soft detailed intricate sharp bokeh volumetric fog rain snow sunset night morning`.split(/\s+/);
const NEGATIVES = `blurry lowres watermark text signature deformed extra fingers bad anatomy jpeg artifacts cropped
  worst quality noisy oversaturated`.split(/\s+/);
export const WORKFLOWS = ['sdxl-txt2img', 'flux-txt2img', 'flux-kontext-edit', 'qwen-edit', 'upscale', 'wan22-i2v'];

export interface SeedResult {
  users: string[];
  guilds: string[];
  /** A word that appears in about 1 in 50 prompts and one in most prompts. */
  rareWord: string;
  commonWord: string;
  oldest: number;
  newest: number;
}

export function seedOutputs(db: Db, count: number, now: number, seed = 1): SeedResult {
  const rand = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  // Skewed pick: low indexes much more often, like real prompt vocabularies.
  const skewed = <T>(list: readonly T[]): T => list[Math.floor(rand() * rand() * list.length)]!;
  const users = Array.from({ length: 40 }, (_, i) => `u${100000 + i}`);
  const guilds = ['g1', 'g2', 'g3', 'g4'];
  const perJob = 4;
  const span = 365 * 24 * 3600_000;
  const oldest = now - span;
  const insertUser = db.prepare('INSERT OR IGNORE INTO users (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, source, user_id, guild_id, workflow, params, prompt, negative, status, created_at, ended_at, updated_at)
     VALUES (?, 'discord', ?, ?, ?, '{}', ?, ?, 'done', ?, ?, ?)`,
  );
  const insertOutput = db.prepare(
    `INSERT INTO outputs (job_id, file_path, kind, mime, width, height, bytes, thumbnail_path, favourite, user_id, guild_id,
       workflow, prompt, negative, seed, created_at)
     VALUES (?, ?, ?, ?, 1024, 1024, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const u of users) insertUser.run(u, u, oldest, oldest);
    const jobs = Math.ceil(count / perJob);
    let made = 0;
    for (let j = 0; j < jobs; j++) {
      const jobId = `bench-${j}`;
      const user = skewed(users);
      const guild = rand() < 0.15 ? null : pick(guilds);
      const workflow = skewed(WORKFLOWS);
      const words = 6 + Math.floor(rand() * 14);
      const prompt = Array.from({ length: words }, (_, k) => (k % 3 === 0 ? skewed(SUBJECTS) : skewed(STYLES))).join(
        ' ',
      );
      const negative = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => pick(NEGATIVES)).join(', ');
      const at = oldest + Math.floor((j / jobs) * span);
      insertJob.run(jobId, user, guild, workflow, prompt, negative, at, at, at);
      const video = workflow === 'wan22-i2v';
      for (let n = 0; n < perJob && made < count; n++, made++) {
        insertOutput.run(
          jobId,
          `/library/${jobId}-${n}.${video ? 'mp4' : 'png'}`,
          video ? 'video' : 'image',
          video ? 'video/mp4' : 'image/png',
          1_000_000 + Math.floor(rand() * 500_000),
          `/library/.thumbs/${jobId}-${n}.webp`,
          rand() < 0.03 ? 1 : 0,
          user,
          guild,
          workflow,
          prompt,
          negative,
          Math.floor(rand() * 2 ** 40),
          at,
        );
      }
    }
  })();
  return { users, guilds, rareWord: SUBJECTS[SUBJECTS.length - 3]!, commonWord: STYLES[0]!, oldest, newest: now };
}
