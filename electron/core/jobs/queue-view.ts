/**
 * The queue as people see it, kept ready: the plan of every job not over (queue-plan.ts) is made from memory,
 * kept until something it depends on changes (a job, a wait, an estimate, a setting) or a second passes, and the
 * snapshot describes the front of the line and whoever asks for their own jobs further back.
 */
import { QUEUE_WINDOW, type QueueSnapshot } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { Clock } from '../clock';
import type { DurationEstimator } from './estimates';
import type { ProgressFeed } from './progress-feed';
import { storedView } from './progress-view';
import { planQueue, type QueuePlan } from './queue-plan';
import type { WaitBook } from './waiting';

export interface QueueViewDeps {
  clock: Clock;
  feed: ProgressFeed;
  estimator: DurationEstimator;
  waits: WaitBook;
  paused(): boolean;
  recentEnded(): Job[];
  /** Jobs that left the queue but are not over. */
  underway(): Iterable<Job>;
  /** Where a job that left the queue went, and whether ComfyUI is done with it. */
  runOf(jobId: string): { backendId: string; executed?: boolean } | undefined;
  /** Queued jobs in fair order. */
  queuedOrder(): readonly Job[];
}

type Entry = QueueSnapshot['active'][number];

export class QueueView {
  /** Bumped when what the plan depends on changes; the plan is kept until then (or for a second). */
  private version = 0;
  private cache: {
    version: number;
    /** The estimator's revision it was made at: a run learned changes every estimate. */
    revision: number;
    second: number;
    plan: QueuePlan;
    /** The snapshot entries of waiting jobs shown so far, made once per plan (by index in `plan`). */
    entries: Map<number, Entry>;
    /** The latest ended jobs, read once per plan (a job ending changes the plan too). */
    recent?: Job[];
  } | null = null;

  constructor(private readonly d: QueueViewDeps) {}

  /** Something the plan depends on changed. */
  invalidate(): void {
    this.version++;
  }

  /**
   * Everything running, and the waiting jobs in run order with their places, reasons and estimates: the first
   * `limit` of them and any further back that `include` asks for (a person's own); plus the latest ended jobs.
   */
  snapshot(options: { limit?: number; include?: (job: Job) => boolean } = {}): QueueSnapshot {
    const now = this.d.clock.now();
    const plan = this.plan();
    const cache = this.cache!;
    const entries = cache.entries;
    const shown = Math.min(plan.length, plan.running + (options.limit ?? QUEUE_WINDOW));
    const active: Entry[] = [];
    const entryAt = (i: number): Entry => {
      const job = plan.jobs[i]!;
      // Jobs ComfyUI works on change every tick; waiting ones only when the plan does.
      if (job.status !== 'queued') return { job, progress: this.d.feed.viewOf(job, plan.at(i), now) };
      let entry = entries.get(i);
      if (!entry) {
        entry = { job, progress: storedView(job, { position: plan.positionAt(i), wait: plan.waitAt(i) }, now) };
        entries.set(i, entry);
      }
      return entry;
    };
    for (let i = 0; i < shown; i++) active.push(entryAt(i));
    if (options.include)
      for (let i = shown; i < plan.length; i++) if (options.include(plan.jobs[i]!)) active.push(entryAt(i));
    return {
      paused: this.d.paused(),
      active,
      waiting: plan.length - plan.running,
      recent: (cache.recent ??= this.d.recentEnded()),
    };
  }

  /** Every job not over in run order, with where the waiting ones stand. */
  plan(): QueuePlan {
    const now = this.d.clock.now();
    const second = Math.floor(now / 1000);
    const cached = this.cache;
    const revision = this.d.estimator.revision;
    if (cached && cached.version === this.version && cached.revision === revision && cached.second === second)
      return cached.plan;
    const started = [...this.d.underway()].flatMap((job) => {
      const run = this.d.runOf(job.id);
      const backendId = job.backendId ?? run?.backendId;
      if (!backendId) return [];
      const live = this.d.feed.liveOf(job.id);
      const pending = job.status === 'submitted' && (!live || live.phase === 'queued');
      const done = job.status === 'collecting' || run?.executed === true;
      const estimate = this.d.estimator.estimate(job, backendId);
      const elapsed = live?.startedAt != null ? now - live.startedAt : 0;
      const remainingMs = done ? 0 : (live?.etaMs ?? (estimate === null ? null : Math.max(0, estimate - elapsed)));
      return [{ job, backendId, pending, remainingMs }];
    });
    const plan = planQueue({
      started: started.sort((a, b) => (a.job.submittedAt ?? 0) - (b.job.submittedAt ?? 0)),
      queued: this.d.queuedOrder(),
      waitOf: (job) => this.d.waits.get(job),
      paused: this.d.paused(),
      estimator: this.d.estimator,
    });
    this.cache = {
      version: this.version,
      revision,
      second,
      plan,
      entries: new Map(),
    };
    return plan;
  }
}
