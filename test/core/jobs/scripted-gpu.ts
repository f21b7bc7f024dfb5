/**
 * A GPU whose every prompt takes a scripted time on the injected clock: the fake ComfyUI holds each prompt on its
 * first step (and stamps its messages with the same clock); once ComfyDesk has seen it run, the clock moves by
 * that job's scripted duration and the prompt is let go. Runs one prompt at a time, as one GPU does.
 */
import type { Job } from '@shared/jobs';
import type { FakeClock } from '@test/helpers/fake-clock';
import type { Harness } from './harness';

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
export async function runScriptedGpu(h: Harness, clock: FakeClock, script: GpuScript): Promise<Job[]> {
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
