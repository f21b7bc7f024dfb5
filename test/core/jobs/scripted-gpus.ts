/**
 * Several GPUs whose every prompt takes a scripted time on the injected clock (an event simulation): each fake
 * ComfyUI holds its running prompt on its first step; once ComfyDesk has sent what it wants and seen every
 * running prompt start, the clock jumps to the soonest scripted end and that prompt is let go. A GPU that runs a
 * job of another model than its last one (or its first job) pays the scripted model load on top.
 */
import type { Job } from '@shared/jobs';
import type { FakeClock } from '@test/helpers/fake-clock';
import { ENDED, type MultiHarness } from './multi-harness';

export interface GpuPlan {
  /** ms a job takes on GPU i, before any model load. */
  durationOf(job: Job, gpu: number): number;
  /** ms of loading another model on GPU i (default 0). */
  switchMs?(gpu: number): number;
  /** The model a job loads (default: its workflow). */
  modelOf?(job: Job): string;
  /** Called when a run ends and its job ended (e.g. to kill a backend at some point); may be async. */
  ended?(job: Job, gpu: number, at: number): void | Promise<void>;
}

export interface GpuRun {
  jobId: string;
  gpu: number;
  start: number;
  end: number;
  switched: boolean;
}

const active = (h: MultiHarness) => {
  const c = h.store.jobs.countByStatus();
  return c.queued + c.submitted + c.running + c.collecting;
};

/** ComfyDesk has sent what it will send for now, and every prompt a GPU runs has been seen running. */
export async function settle(h: MultiHarness): Promise<void> {
  const quiet = (): boolean => {
    for (const [i, fake] of h.fakes.entries()) {
      if (!fake.isUp()) continue;
      const backendId = h.backends[i]!.id;
      for (const job of h.store.jobs.byStatus(['submitted', 'running'])) {
        if (job.backendId !== backendId || !job.promptId) continue;
        if (!fake.prompts.some((p) => p.promptId === job.promptId)) return false;
      }
      const running = fake.queueState().running;
      if (running !== null) {
        if (fake.heldPromptId() !== running) return false;
        if (h.store.jobs.byPromptId(running)?.status !== 'running') return false;
      }
    }
    return true;
  };
  for (;;) {
    await new Promise((r) => setImmediate(r));
    await h.until(quiet);
    const before = h.store.jobs.countByStatus();
    await new Promise((r) => setImmediate(r));
    const after = h.store.jobs.countByStatus();
    if (quiet() && JSON.stringify(before) === JSON.stringify(after)) return;
  }
}

/** Run until every job ended; the runs in start order. */
export async function runGpus(h: MultiHarness, clock: FakeClock, plan: GpuPlan): Promise<GpuRun[]> {
  const runs: GpuRun[] = [];
  const loaded = new Map<number, string>();
  const current = new Map<number, { promptId: string; job: Job; run: GpuRun }>();
  while (active(h) > 0) {
    await settle(h);
    for (const [i, fake] of h.fakes.entries()) {
      if (current.has(i) || !fake.isUp()) continue;
      const held = fake.heldPromptId();
      const job = held ? h.store.jobs.byPromptId(held) : null;
      if (!held || !job) continue;
      const model = plan.modelOf?.(job) ?? job.workflow;
      const switched = loaded.get(i) !== model;
      loaded.set(i, model);
      const start = clock.now();
      const end = start + plan.durationOf(job, i) + (switched ? (plan.switchMs?.(i) ?? 0) : 0);
      const run = { jobId: job.id, gpu: i, start, end, switched };
      runs.push(run);
      current.set(i, { promptId: held, job, run });
    }
    if (current.size === 0) {
      if (active(h) === 0) break;
      // Nothing runs anywhere: what waits waits on the clock (a retry, a deadline). Let a second pass.
      clock.advance(1_000);
      continue;
    }
    const [gpu, next] = [...current].sort((a, b) => a[1].run.end - b[1].run.end || a[0] - b[0])[0]!;
    clock.advance(next.run.end - clock.now());
    current.delete(gpu);
    h.fakes[gpu]!.release(next.promptId);
    const ended = await h.waitFor(next.job.id, ENDED);
    await plan.ended?.(ended, gpu, clock.now());
  }
  return runs;
}

/** The time every job took together: from the first start to the last end. */
export function makespan(runs: readonly GpuRun[]): number {
  return Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start));
}
