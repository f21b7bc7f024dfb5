/**
 * The queue as people see it, computed in one place: every job not over in the order it will run (running,
 * then waiting in a ComfyUI's own queue, then ComfyDesk's fair order), one exact position for each waiting job
 * (1, 2, 3… with no gap or repeat), why it waits, and when it should start — simulated on each backend from the
 * running jobs' time left and the estimated GPU time of every job ahead (estimates.ts).
 */
import type { JobWait } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import { workOf, type DurationEstimator } from './estimates';
import type { WaitInfo } from './waiting';

export interface StartedJob {
  job: Job;
  backendId: string;
  /** Still in ComfyUI's own queue (not running yet). */
  pending: boolean;
  /** Time the backend still needs for it (ms), when known; 0 once ComfyUI is done with it. */
  remainingMs: number | null;
}

const NONE: readonly string[] = [];
const IN_LINE = 'In line';
const IN_LINE_HINT = 'It starts when a ComfyUI that can run it is free.';
const PAUSED: Readonly<Omit<JobWait, 'startsInMs'>> = {
  kind: 'paused',
  reason: 'The queue is paused',
  hint: 'It goes on when the desktop owner resumes the queue.',
};

export interface PlannedJob {
  job: Job;
  /** 1-based place among the waiting jobs; null while it runs. */
  position: number | null;
  wait: JobWait | null;
}

/**
 * The plan, kept compact: a long queue is planned often, so it holds one job reference and one number per job,
 * and makes the objects people read (`at`) only for the jobs asked about.
 */
export class QueuePlan {
  /** Every job not over, in run order: running ones, then the waiting ones in the order they will start. */
  jobs: readonly Job[] = [];
  /** How many of `jobs` are running (the waiting ones follow). */
  running = 0;
  /** Expected start of each job (ms from when the plan was made); NaN when unknown or running. */
  starts: Float64Array = new Float64Array(0);
  /** What each waiting job waits for when it is not simply its turn (by index); in line otherwise. */
  readonly held = new Map<number, Omit<JobWait, 'startsInMs'>>();

  get length(): number {
    return this.jobs.length;
  }

  /** 1-based place of the job at `i` among the waiting jobs; null while it runs. */
  positionAt(i: number): number | null {
    return i < this.running ? null : i - this.running + 1;
  }

  waitAt(i: number): JobWait | null {
    if (i < this.running) return null;
    const start = this.starts[i]!;
    const startsInMs = Number.isNaN(start) ? null : start;
    const held = this.held.get(i);
    return held ? { ...held, startsInMs } : { kind: 'queue', reason: IN_LINE, hint: IN_LINE_HINT, startsInMs };
  }

  at(i: number): PlannedJob {
    return { job: this.jobs[i]!, position: this.positionAt(i), wait: this.waitAt(i) };
  }

  toArray(): PlannedJob[] {
    return this.jobs.map((_, i) => this.at(i));
  }
}

export interface PlanInput {
  started: readonly StartedJob[];
  /** Queued jobs in fair order. */
  queued: readonly Job[];
  waitOf(job: Job): WaitInfo | undefined;
  paused: boolean;
  estimator: Pick<DurationEstimator, 'rateOf'>;
}

export function planQueue(input: PlanInput): QueuePlan {
  // Backends by index: when each is free (ms from now; NaN once unknown), and the rates per workflow looked up
  // once per plan (a long queue has few distinct ones). Jobs with the same needs share one candidates list.
  const index = new Map<string, number>();
  const free: number[] = [];
  const ids: string[] = [];
  const indexOf = (b: string): number => {
    let i = index.get(b);
    if (i === undefined) {
      index.set(b, (i = free.length));
      free.push(0);
      ids.push(b);
    }
    return i;
  };
  const rates = new Map<string, Array<number | null | undefined>>();
  let lastWorkflow: string | null = null;
  let lastRates: Array<number | null | undefined> = [];
  const estimate = (job: Job, b: number): number => {
    if (job.workflow !== lastWorkflow) {
      lastWorkflow = job.workflow;
      lastRates = rates.get(job.workflow) ?? [];
      rates.set(job.workflow, lastRates);
    }
    let rate = lastRates[b];
    if (rate === undefined) lastRates[b] = rate = input.estimator.rateOf(job.workflow, ids[b]!);
    return rate === null ? NaN : rate * workOf(job.params);
  };
  const indexed = new Map<readonly string[], number[]>();
  let lastList: readonly string[] | null = null;
  let candidates: number[] = [];
  const plan = new QueuePlan();
  const running = input.started.filter((s) => !s.pending);
  const pending = input.started
    .filter((s) => s.pending)
    .sort((a, b) => (a.job.submittedAt ?? 0) - (b.job.submittedAt ?? 0));
  const starts = (plan.starts = new Float64Array(input.started.length + input.queued.length).fill(NaN));
  // Every job not over, in run order, made at its full length at once.
  plan.jobs = [...running.map((s) => s.job), ...pending.map((s) => s.job)].concat(input.queued);
  for (const s of running) {
    const b = indexOf(s.backendId);
    free[b] = free[b]! + (s.remainingMs ?? NaN);
  }
  plan.running = running.length;
  for (let p = 0; p < pending.length; p++) {
    const s = pending[p]!;
    const b = indexOf(s.backendId);
    starts[running.length + p] = free[b]!;
    free[b] = free[b]! + estimate(s.job, b);
  }
  const queued = input.queued;
  const first = running.length + pending.length;
  for (let q = 0; q < queued.length; q++) {
    const job = queued[q]!;
    const i = first + q;
    if (input.paused) {
      plan.held.set(i, PAUSED);
      continue;
    }
    const w = input.waitOf(job);
    if (w && w.kind !== 'queue') {
      plan.held.set(i, { kind: w.kind, reason: w.reason, hint: w.hint });
      continue;
    }
    // In line: it goes to the candidate backend that frees first.
    const list = w?.candidates ?? NONE;
    if (list !== lastList) {
      lastList = list;
      const known = indexed.get(list);
      if (known) candidates = known;
      else indexed.set(list, (candidates = list.map(indexOf)));
    }
    let best = -1;
    for (let c = 0; c < candidates.length; c++) {
      const b = candidates[c]!;
      const at = free[b]!;
      if (!Number.isNaN(at) && (best === -1 || at < free[best]!)) best = b;
    }
    if (best === -1) continue;
    starts[i] = free[best]!;
    free[best] = free[best]! + estimate(job, best);
  }
  return plan;
}
