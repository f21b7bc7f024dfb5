/**
 * Two GPUs of different speeds behind ComfyDesk (issue 17): every job goes where it finishes soonest, measured
 * from the runs so far; same-model jobs stay together when a model load costs time. Scripted durations on the
 * injected clock (scripted-gpus.ts), so the figures are exact and the machine's speed does not matter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backendActivity } from '@core/jobs/backend-activity';
import { FakeClock } from '@test/helpers/fake-clock';
import { startMultiHarness, type MultiHarness } from './multi-harness';
import { makespan, runGpus } from './scripted-gpus';

const open: MultiHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const sdxl = (i: number) => ({
  workflow: 'sdxl-txt2img',
  prompt: `fox ${i}`,
  params: { steps: 4, width: 512, height: 512 },
});
const flux = (i: number) => ({
  workflow: 'flux-txt2img',
  prompt: `owl ${i}`,
  params: { steps: 4, width: 512, height: 512 },
});

describe('speed-aware routing over two GPUs', () => {
  it('50 jobs on a GPU twice as fast as the other finish within 1.1 x the ideal split', async () => {
    const clock = new FakeClock();
    const h = await startMultiHarness({ count: 2, clock });
    open.push(h);
    const ms = [1_000, 2_000];
    for (let i = 0; i < 50; i++) h.engine.submit({ ...sdxl(i), userName: 'Ana' });
    const runs = await runGpus(h, clock, { durationOf: (_job, gpu) => ms[gpu]! });
    const ideal = 50 / (1 / ms[0]! + 1 / ms[1]!);
    const total = makespan(runs);
    const ratio = total / ideal;
    const onFast = runs.filter((r) => r.gpu === 0).length;
    console.log(
      `multi-gpu: 50 jobs, GPUs of 1 s and 2 s per job: ${total} ms, ideal ${Math.round(ideal)} ms, ratio ${ratio.toFixed(3)} (fast GPU ran ${onFast}, slow ${50 - onFast})`,
    );
    expect(h.store.jobs.countByStatus().done).toBe(50);
    expect(ratio).toBeLessThanOrEqual(1.1);
    expect(onFast).toBeGreaterThanOrEqual(31);
    // What the Queue page and /status show: each backend's measured speed (a 20-step 1-megapixel image; these
    // jobs are 4 steps at 512 x 512, a twentieth of that).
    const summaries = h.backends.map((b, i) => ({
      ...{ id: b.id, name: `gpu${i}`, url: b.url, kind: 'remote' as const, enabled: true, status: b.status },
      ...{ version: null, error: null, load: 0, auth: 'none' as const, problem: null },
      ...{ trustedCertificate: null, untrustedCertificate: null },
    }));
    expect(backendActivity(summaries, h.engine.router)).toMatchObject([
      { name: 'gpu0', msPerImage: 20_000, current: null, queued: 0, vramTotal: expect.any(Number) },
      { name: 'gpu1', msPerImage: 40_000, current: null, queued: 0 },
    ]);
  });

  it('with a model load scripted, jobs of the same model stay on the GPU that has it loaded', async () => {
    const clock = new FakeClock();
    const h = await startMultiHarness({ count: 2, clock });
    open.push(h);
    for (let i = 0; i < 12; i++) {
      h.engine.submit({ ...sdxl(i), userName: 'Ana' });
      h.engine.submit({ ...flux(i), userName: 'Ana' });
    }
    const runs = await runGpus(h, clock, { durationOf: () => 1_000, switchMs: () => 3_000 });
    expect(h.store.jobs.countByStatus().done).toBe(24);
    const loads = runs.filter((r) => r.switched).length;
    console.log(`multi-gpu: 24 jobs of two models, 3 s model load: ${loads} loads, ${makespan(runs)} ms`);
    // Each GPU loads one model, once, and runs only jobs of that model.
    expect(loads).toBe(2);
    const modelsOn = (gpu: number) =>
      new Set(runs.filter((r) => r.gpu === gpu).map((r) => h.store.jobs.get(r.jobId)!.workflow));
    expect(modelsOn(0).size).toBe(1);
    expect(modelsOn(1).size).toBe(1);
    expect([...h.library.ingests.values()].every((n) => n === 1)).toBe(true);
  });
});
