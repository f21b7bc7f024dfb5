/**
 * A day of use: 10,000 jobs (`npm run soak`; 2,000 in `npm test`) from 50 users, submitted in waves over a simulated day (the injected
 * clock), while the ComfyUI underneath drops its sockets, restarts and crashes mid-job at random (seeded). Every
 * job must end exactly once (done, or failed with a reason), no waiting job may be without a reason, and no
 * job's results may be taken into the library twice. The library here is a light stand-in that only counts
 * (the real one writes thumbnails: not what this test is about). It prints its counts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingLibrary } from '@test/helpers/counting-library';
import { FakeClock } from '@test/helpers/fake-clock';
import { startHarness, type Harness } from './harness';

// npm test runs 2,000 (under a minute alone, more beside the other test files); `npm run soak` runs the full 10,000.
const JOBS = Number(process.env.COMFYDESK_SOAK_JOBS ?? 2_000);
const USERS = 50;
const WAVES = 100;
const DAY_MS = 24 * 3600_000;

/** A seeded random (mulberry32): the same day every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('soak', () => {
  it(
    `${JOBS} jobs from ${USERS} users over a simulated day of socket drops, restarts and crashes`,
    async () => {
      const clock = new FakeClock(Date.UTC(2026, 11, 7));
      let library: CountingLibrary | null = null;
      h = await startHarness({
        clock,
        perUserLimit: 100,
        fake: { script: { msPerStep: 0, steps: { KSampler: 2 } } },
        library: (dir) => (library = new CountingLibrary(join(dir, 'incoming'))),
      });
      const { engine, store, fake, events } = h;
      store.settings.update({ queue: { globalLimit: 10_000, backendWaitMinutes: 60 } });
      const random = seeded(20261207);
      const ended = new Map<string, number>();
      const open = new Set<string>();
      /** Counts what jobs report (changes and progress): the settle loop's sign that something is happening. */
      let activity = 0;
      events.on('job.progress', () => activity++);
      events.on('job.changed', (job) => {
        activity++;
        if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') {
          ended.set(job.id, (ended.get(job.id) ?? 0) + 1);
          open.delete(job.id);
        }
      });
      const faults = { drops: 0, restarts: 0, crashes: 0 };
      const unexplained: string[] = [];
      const yieldToIo = () => new Promise<void>((r) => setImmediate(r));
      /** Move the day on in small steps until every job submitted so far is over (timers fire as they fall due). */
      const settle = async (deadline: number) => {
        let lastActivity = 0;
        let seen = activity;
        for (let i = 0; ; i++) {
          if (activity !== seen) {
            seen = activity;
            lastActivity = i;
          }
          if (open.size === 0) return;
          // Within the wave the day moves on each turn. Past its end, while jobs are still open, it moves on only
          // when nothing has happened for a while: the real I/O of a slow machine gets its time, and the timers
          // that wait on the clock (reconnect backoff, stall checks, failover) still fire.
          if (clock.now() < deadline || i - lastActivity > 20) clock.advance(250);
          await yieldToIo();
          if (i % 200 === 0) {
            // No job waits without saying why.
            for (const a of engine.snapshot({ limit: 10_000 }).active)
              if (a.progress.position !== null && !a.progress.wait?.reason) unexplained.push(a.job.id);
          }
        }
      };

      let submitted = 0;
      for (let wave = 0; wave < WAVES; wave++) {
        const waveStart = Date.UTC(2026, 11, 7) + (wave * DAY_MS) / WAVES;
        if (clock.now() < waveStart) clock.advance(waveStart - clock.now());
        const size = Math.round(JOBS / WAVES);
        for (let i = 0; i < size && submitted < JOBS; i++, submitted++) {
          const job = engine.submit({
            workflow: 'sdxl-txt2img',
            prompt: `job ${submitted}`,
            params: { steps: 2, width: 512, height: 512 },
            source: 'discord',
            userId: `user-${Math.floor(random() * USERS)}`,
            guildId: 'g1',
            channelId: 'c1',
          });
          if (job.status !== 'done' && job.status !== 'failed' && job.status !== 'cancelled') open.add(job.id);
        }
        // Something goes wrong now and then, while the wave runs.
        const roll = random();
        if (roll < 0.3) {
          for (let i = 0; i < 20; i++) await yieldToIo();
          fake.dropSockets();
          faults.drops++;
        } else if (roll < 0.4) {
          for (let i = 0; i < 20; i++) await yieldToIo();
          await fake.restart();
          faults.restarts++;
        } else if (roll < 0.5) {
          for (let i = 0; i < 20; i++) await yieldToIo();
          await fake.crash();
          faults.crashes++;
          clock.advance(30_000); // down for half a minute (jobs wait, saying why)
          await fake.restart();
        }
        await settle(waveStart + DAY_MS / WAVES);
      }

      const jobs = store.jobs.list({ limit: JOBS + 10 });
      const counts = store.jobs.countByStatus();
      const failedReasons = new Map<string, number>();
      for (const j of jobs.filter((x) => x.status === 'failed'))
        failedReasons.set(j.error ?? '(none)', (failedReasons.get(j.error ?? '(none)') ?? 0) + 1);
      const twiceEnded = [...ended].filter(([, n]) => n !== 1);
      const twiceIngested = [...library!.ingests].filter(([, n]) => n !== 1);
      const retried = jobs.filter((j) => j.attempts > 0).length;
      console.log(
        `soak: ${jobs.length} jobs from ${USERS} users over ${((clock.now() - Date.UTC(2026, 11, 7)) / 3600_000).toFixed(1)} simulated hours; ` +
          `faults: ${faults.drops} socket drops, ${faults.restarts} restarts, ${faults.crashes} crashes; ` +
          `done ${counts.done}, failed ${counts.failed} (${[...failedReasons].map(([r, n]) => `${n}× ${r}`).join('; ') || 'none'}), ` +
          `retried ${retried}; ended twice: ${twiceEnded.length}; taken into the library twice: ${twiceIngested.length}; ` +
          `waiting without a reason: ${unexplained.length}`,
      );
      expect(jobs).toHaveLength(JOBS);
      expect(counts.done + counts.failed).toBe(JOBS);
      expect(jobs.every((j) => ended.get(j.id) === 1)).toBe(true);
      expect(jobs.filter((j) => j.status === 'failed' && !j.error)).toEqual([]);
      expect(twiceIngested).toEqual([]);
      expect(unexplained).toEqual([]);
      // Each done job's results were taken in once; each ended exactly once in its history too.
      for (const j of jobs.filter((x) => x.status === 'done')) expect(library!.ingests.get(j.id)).toBe(1);
      const sample = jobs.filter((_, i) => i % 97 === 0);
      for (const j of sample)
        expect(store.jobs.transitions(j.id).filter((t) => ['done', 'failed', 'cancelled'].includes(t.to))).toHaveLength(
          1,
        );
    },
    120_000 + JOBS * 150,
  ); // about 30–60 ms a job here, more on a busy machine
});
