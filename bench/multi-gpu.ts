/**
 * Multi-GPU routing figures (issue 17), on scripted GPUs (the fake ComfyUI holds each prompt; the injected clock
 * jumps to each scripted end, so the figures are exact and do not depend on this machine):
 *   (1) N jobs on two GPUs, one twice as fast as the other: total time against the ideal split (N / the sum of
 *       the speeds); target ≤ 1.1. Also the same with three GPUs of 1, 2 and 4 s per job.
 *   (2) Jobs of two models alternating, a 3 s model load scripted: how many loads, and the total time.
 *
 *   npx tsx bench/multi-gpu.ts [jobs=50]
 */
import { FakeClock } from '@test/helpers/fake-clock';
import { startMultiHarness } from '@test/core/jobs/multi-harness';
import { makespan, runGpus } from '@test/core/jobs/scripted-gpus';

const JOBS = Number(process.argv[2] ?? 50);

const job = (workflow: string, i: number) => ({
  workflow,
  prompt: `bench ${i}`,
  params: { steps: 4, width: 512, height: 512 },
  userName: 'Bench',
});

async function split(msPerJob: number[]): Promise<void> {
  const clock = new FakeClock();
  const h = await startMultiHarness({ count: msPerJob.length, clock });
  try {
    for (let i = 0; i < JOBS; i++) h.engine.submit(job('sdxl-txt2img', i));
    const runs = await runGpus(h, clock, { durationOf: (_j, gpu) => msPerJob[gpu]! });
    const ideal = JOBS / msPerJob.reduce((sum, ms) => sum + 1 / ms, 0);
    const total = makespan(runs);
    const per = msPerJob.map((ms, gpu) => `${ms / 1000} s: ${runs.filter((r) => r.gpu === gpu).length}`).join(', ');
    console.log(
      `${JOBS} jobs on GPUs of ${msPerJob.map((ms) => `${ms / 1000} s`).join(' / ')} per job: ${(total / 1000).toFixed(1)} s, ideal ${(ideal / 1000).toFixed(1)} s, ratio ${(total / ideal).toFixed(3)} (target <= 1.1; jobs per GPU ${per})${total / ideal > 1.1 ? ' BELOW TARGET' : ''}`,
    );
  } finally {
    await h.close();
  }
}

async function affinity(): Promise<void> {
  const clock = new FakeClock();
  const h = await startMultiHarness({ count: 2, clock });
  try {
    for (let i = 0; i < JOBS / 2; i++) {
      h.engine.submit(job('sdxl-txt2img', i));
      h.engine.submit(job('flux-txt2img', i));
    }
    const runs = await runGpus(h, clock, { durationOf: () => 1_000, switchMs: () => 3_000 });
    const loads = runs.filter((r) => r.switched).length;
    console.log(
      `${runs.length} jobs of two models alternating, 1 s each plus a 3 s model load: ${loads} loads, ${(makespan(runs) / 1000).toFixed(1)} s (every job loading: ${((runs.length * 4_000) / 2 / 1000).toFixed(1)} s)`,
    );
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  await split([1_000, 2_000]);
  await split([1_000, 2_000, 4_000]);
  await affinity();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
