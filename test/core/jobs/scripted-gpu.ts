/**
 * A GPU whose every prompt takes a scripted time on the injected clock: the fake ComfyUI holds each prompt on its
 * first step (and stamps its messages with the same clock); once ComfyDesk has seen it run, the clock moves by
 * that job's scripted duration and the prompt is let go. Runs one prompt at a time, as one GPU does.
 */
import type { Job, JobStatus } from '@shared/jobs';
import type { FakeClock } from '@test/helpers/fake-clock';
import type { FakeComfy } from '@test/fakes/comfyui';
import type { Store } from '@core/store';

/** What the driver needs of a running ComfyDesk: the engine harness, or a whole core (gpuHostOfCore). */
export interface GpuHost {
  fake: FakeComfy;
  store: Store;
  waitFor(jobId: string, status: JobStatus | JobStatus[]): Promise<Job>;
  waitForPrompt(promptId: string): Promise<Job>;
}

/** A whole core (createCore) as a GpuHost: waits on its job.changed events. */
export function gpuHostOf(
  core: { store: Store; events: { on(e: 'job.changed', fn: (job: Job) => void): () => void } },
  fake: FakeComfy,
): GpuHost {
  const until = (test: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (test()) return resolve();
      const off = core.events.on('job.changed', () => {
        if (!test()) return;
        off();
        resolve();
      });
    });
  return {
    fake,
    store: core.store,
    async waitFor(jobId, status) {
      const want = Array.isArray(status) ? status : [status];
      await until(() => want.includes(core.store.jobs.get(jobId)?.status as JobStatus));
      return core.store.jobs.get(jobId)!;
    },
    async waitForPrompt(promptId) {
      await until(() => core.store.jobs.byPromptId(promptId) !== null);
      return core.store.jobs.byPromptId(promptId)!;
    },
  };
}

export interface GpuScript {
  /** How long the job's run takes (ms of the injected clock). */
  durationOf(job: Job): number;
  /** Stop before the next run when this says so (checked with the clock before each run). */
  stop(now: number): boolean;
  /** A job's run ended and ComfyDesk finished it (e.g. to queue another and keep the queue full). */
  ended?(job: Job): void;
  /** A run started (in start order), before the clock moves. */
  started?(job: Job): void;
}

/** Run prompts until `stop` says so or nothing is left; the jobs that ran, in start order. */
export async function runScriptedGpu(h: GpuHost, clock: FakeClock, script: GpuScript): Promise<Job[]> {
  const ran: Job[] = [];
  while (!script.stop(clock.now())) {
    const left = h.store.jobs.countByStatus();
    if (left.queued + left.submitted + left.running + left.collecting === 0) break;
    const promptId = await h.fake.waitForHeld();
    const job = await h.waitForPrompt(promptId);
    await h.waitFor(job.id, 'running');
    script.started?.(job);
    ran.push(job);
    clock.advance(script.durationOf(job));
    h.fake.release(promptId);
    const done = await h.waitFor(job.id, ['done', 'failed', 'cancelled']);
    script.ended?.(done);
  }
  return ran;
}
