/**
 * Fair share by GPU time, end to end: the real engine on the fake ComfyUI, every prompt taking a scripted time on
 * the injected clock (scripted-gpu.ts). Jobs cost 5 s per step, so a job's cost is known from what it asks for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { FakeClock } from '@test/helpers/fake-clock';
import { startHarness, type Harness } from './harness';
import { runScriptedGpu } from './scripted-gpu';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const MS_PER_STEP = 5_000;
const HOUR = 3_600_000;
const durationOf = (job: Job): number => Number(job.params.steps) * MS_PER_STEP;

async function harness(): Promise<{ h: Harness; clock: FakeClock }> {
  const clock = new FakeClock(Date.UTC(2026, 2, 2, 9));
  const h = await startHarness({ clock, fake: { script: { msPerStep: 0, hold: { step: 1 } } } });
  open.push(h);
  h.store.settings.update({ queue: { perUserLimit: 100, globalLimit: 1_000 } });
  return { h, clock };
}

let seq = 0;
function submit(h: Harness, userId: string, steps: number, shareWeight = 1): Job {
  seq++;
  return h.engine.submit({
    workflow: 'sdxl-txt2img',
    prompt: `${userId} ${seq}`,
    params: { steps, width: 512, height: 512, seed: seq },
    source: 'discord',
    userId,
    guildId: '100000000000000001',
    channelId: '100000000000000002',
    shareWeight,
  });
}

/** GPU time each user's jobs recorded (ms). */
function gpuOf(h: Harness, userId: string): number {
  return h.store.jobs.byUser(userId, { limit: 10_000 }).reduce((sum, j) => sum + (j.execMs ?? 0), 0);
}

describe('fair share by GPU time', () => {
  it('A queues 32 jobs of 10 s, then B one: B starts after at most one more of A’s', async () => {
    const { h, clock } = await harness();
    const a = Array.from({ length: 32 }, () => submit(h, 'alice', 2));
    await h.fake.waitForHeld(); // A's first runs; ComfyUI holds A's second in its queue
    const b = submit(h, 'bob', 2);
    const ran = await runScriptedGpu(h, clock, {
      durationOf,
      stop: () => h.store.jobs.get(b.id)!.status !== 'queued' && h.store.jobs.get(b.id)!.startedAt !== null,
    });
    const before = ran.findIndex((j) => j.id === b.id);
    // A's first (running when B came) and A's second (already on ComfyUI): one more of A's.
    expect(before).toBeLessThanOrEqual(2);
    expect(ran.slice(0, before).every((j) => j.userId === 'alice')).toBe(true);
    expect(a).toHaveLength(32);
  });

  it('a newcomer starts at the least usage, not at zero: after A used 100 s, B’s 10 jobs take turns with A’s', async () => {
    const { h, clock } = await harness();
    for (let i = 0; i < 30; i++) submit(h, 'alice', 2);
    let bobQueued = false;
    const order: string[] = [];
    await runScriptedGpu(h, clock, {
      durationOf,
      started: (job) => {
        if (bobQueued) order.push(job.userId);
      },
      ended: () => {
        if (!bobQueued && gpuOf(h, 'alice') >= 100_000) {
          bobQueued = true;
          for (let i = 0; i < 10; i++) submit(h, 'bob', 2);
        }
      },
      stop: () => order.length >= 12,
    });
    // The first start after B came was already on ComfyUI (A's); then B and A share the GPU.
    const bobs = order.slice(1, 11).filter((u) => u === 'bob').length;
    expect(bobs).toBeGreaterThanOrEqual(4);
    expect(bobs).toBeLessThanOrEqual(6);
  });

  it('A’s 60 s jobs and B’s 5 s jobs, queues kept full for an hour: GPU time within 10 %; each run measured', async () => {
    const { h, clock } = await harness();
    const start = clock.now();
    const steps: Record<string, number> = { alice: 12, bob: 1 };
    for (const user of ['alice', 'bob']) for (let i = 0; i < 4; i++) submit(h, user, steps[user]!);
    const ran = await runScriptedGpu(h, clock, {
      durationOf,
      ended: (job) => void submit(h, job.userId, steps[job.userId]!),
      stop: (now) => now - start >= HOUR,
    });
    const alice = gpuOf(h, 'alice');
    const bob = gpuOf(h, 'bob');
    expect(alice + bob).toBeGreaterThanOrEqual(HOUR);
    expect(Math.abs(alice - bob) / Math.max(alice, bob)).toBeLessThanOrEqual(0.1);
    // Every run's recorded GPU time is the scripted one (±5 %).
    for (const job of ran) {
      const measured = h.store.jobs.get(job.id)!.execMs!;
      expect(Math.abs(measured - durationOf(job))).toBeLessThanOrEqual(durationOf(job) * 0.05);
    }
    expect(ran.filter((j) => j.userId === 'bob').length).toBeGreaterThan(
      ran.filter((j) => j.userId === 'alice').length * 8,
    );
  });

  it('a share weight of 2 gets twice the GPU time (±10 %) under the same contention', async () => {
    const { h, clock } = await harness();
    const start = clock.now();
    const weight: Record<string, number> = { supporter: 2, member: 1 };
    for (const user of ['supporter', 'member']) for (let i = 0; i < 4; i++) submit(h, user, 4, weight[user]);
    await runScriptedGpu(h, clock, {
      durationOf,
      ended: (job) => void submit(h, job.userId, 4, weight[job.userId]),
      stop: (now) => now - start >= HOUR,
    });
    const ratio = gpuOf(h, 'supporter') / gpuOf(h, 'member');
    expect(ratio).toBeGreaterThanOrEqual(1.8);
    expect(ratio).toBeLessThanOrEqual(2.2);
  });
});

describe('GPU time of runs that do not finish', () => {
  it('an interrupted run counts what it used; a failed one too', async () => {
    const { h, clock } = await harness();
    const stopped = submit(h, 'alice', 4);
    await h.fake.waitForHeld();
    await h.waitFor(stopped.id, 'running');
    clock.advance(7_000);
    await h.engine.cancel(stopped.id);
    const cancelled = await h.waitFor(stopped.id, 'cancelled');
    expect(cancelled.execMs).toBeGreaterThanOrEqual(7_000 * 0.95);
    expect(cancelled.execMs).toBeLessThanOrEqual(7_000 * 1.05);

    h.fake.setScript({ fail: { node: 'KSampler', step: 1 } });
    const failing = submit(h, 'alice', 4);
    const promptId = await h.fake.waitForHeld();
    await h.waitFor(failing.id, 'running');
    clock.advance(12_000);
    h.fake.release(promptId);
    const failed = await h.waitFor(failing.id, 'failed');
    expect(failed.execMs).toBe(12_000);
    expect(h.store.usage.totals({ since: 0, until: clock.now() + 1, userId: 'alice' })).toMatchObject({
      gpuMs: cancelled.execMs! + 12_000,
      jobs: 2,
      failed: 1,
    });
  });
});
