/**
 * "When will mine start?": wait estimates from the measured GPU time of earlier runs (per workflow and backend,
 * scaled by the work asked for), checked against the real start of each job on a scripted queue (the fake holds
 * every prompt until the test has moved the injected clock by that job's scripted duration).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { DurationEstimator, workOf } from '@core/jobs/estimates';
import { planQueue } from '@core/jobs/queue-plan';
import { makeJob } from '@test/helpers/job-fixture';
import { FakeClock } from '@test/helpers/fake-clock';
import { startHarness, type Harness } from './harness';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const request = (prompt: string) => ({
  workflow: 'sdxl-txt2img',
  prompt,
  params: { steps: 4, width: 512, height: 512, seed: 7 },
});

describe('DurationEstimator', () => {
  it('says nothing before a run, then scales the median of recent runs by the work asked for', () => {
    const e = new DurationEstimator();
    const small = makeJob('a', { params: { steps: 20, width: 1024, height: 1024 } });
    expect(e.estimate(small, 'b1')).toBeNull();
    for (const ms of [9_000, 10_000, 30_000]) e.add({ workflow: 'sdxl-txt2img', backendId: 'b1', execMs: ms, work: 1 });
    expect(e.estimate(small, 'b1')).toBe(10_000); // the median, not the mean
    expect(e.estimate(makeJob('b', { params: { steps: 40, width: 1024, height: 1024 } }), 'b1')).toBe(20_000);
    expect(workOf({ steps: 20, width: 512, height: 512, batch_size: 2 })).toBe(0.5);
    // Another backend with no runs of its own borrows every backend's median.
    expect(e.estimate(small, 'b2')).toBe(10_000);
  });

  it('plans places 1, 2, 3… with no gap or repeat, and a start for each from the jobs ahead', () => {
    const e = new DurationEstimator([{ workflow: 'sdxl-txt2img', backendId: 'b1', execMs: 10_000, work: workOf({}) }]);
    const running = makeJob('r', { status: 'running', backendId: 'b1' });
    const pending = makeJob('p', { status: 'submitted', backendId: 'b1', submittedAt: 5 });
    const queued = [makeJob('q1'), makeJob('q2'), makeJob('q3')];
    const plan = planQueue({
      started: [
        { job: running, backendId: 'b1', pending: false, remainingMs: 4_000 },
        { job: pending, backendId: 'b1', pending: true, remainingMs: null },
      ],
      queued,
      waitOf: (job) =>
        job.id === 'q3'
          ? { kind: 'offline', reason: 'No ComfyUI is online', hint: '' }
          : { kind: 'queue', reason: '', hint: '', candidates: ['b1'] },
      paused: false,
      estimator: e,
    });
    expect(plan.toArray().map((p) => [p.job.id, p.position, p.wait?.startsInMs ?? null])).toEqual([
      ['r', null, null],
      ['p', 1, 4_000],
      ['q1', 2, 14_000],
      ['q2', 3, 24_000],
      ['q3', 4, null],
    ]);
    expect(plan.at(4).wait).toMatchObject({ kind: 'offline', reason: 'No ComfyUI is online' });
  });
});

describe('wait estimates on a scripted queue', () => {
  it('are within ±20 % of when each job really starts', async () => {
    const clock = new FakeClock(Date.now());
    const h = await startHarness({ clock, fake: { script: { msPerStep: 0, hold: { step: 1 } } } });
    open.push(h);
    const startedAt = new Map<string, number>();
    h.events.on('job.changed', (j: Job) => {
      if (j.status === 'running' && !startedAt.has(j.id)) startedAt.set(j.id, clock.now());
    });
    /** Let the held prompt of `job` run for `ms` of the injected clock, then finish. */
    const runFor = async (job: Job, ms: number) => {
      const promptId = await h.fake.waitForHeld();
      expect(h.store.jobs.get(job.id)!.promptId).toBe(promptId);
      await h.waitFor(job.id, 'running'); // ComfyDesk has seen it start (on the injected clock)
      clock.advance(ms);
      h.fake.release(promptId);
      await h.waitFor(job.id, 'done');
    };
    // Two runs teach the estimator: about 10 s a job.
    for (const ms of [10_000, 10_000]) {
      const job = h.engine.submit(request(`teach ${ms}`));
      await runFor(job, ms);
    }
    expect(h.store.jobs.get(h.changes.at(-1)!.id)!.execMs).toBe(10_000);
    const jobs = [1, 2, 3, 4].map((n) => h.engine.submit(request(`queued ${n}`)));
    await h.fake.waitForHeld();
    await h.waitFor(jobs[0]!.id, 'running');
    const submittedAt = clock.now();
    const estimates = new Map(
      h.engine
        .plan()
        .toArray()
        .map((p) => [p.job.id, p.wait?.startsInMs ?? null]),
    );
    // The scripted durations differ from the learned 10 s by up to 15 %.
    const durations = [11_500, 8_500, 10_000, 9_000];
    for (const [i, job] of jobs.entries()) await runFor(job, durations[i]!);
    for (const job of jobs.slice(1)) {
      const estimate = estimates.get(job.id);
      const real = startedAt.get(job.id)! - submittedAt;
      expect(estimate, `estimate for ${job.prompt}`).not.toBeNull();
      expect(
        Math.abs(estimate! - real),
        `${job.prompt}: estimated ${estimate} ms, started after ${real} ms`,
      ).toBeLessThanOrEqual(0.2 * real);
    }
  });
});
