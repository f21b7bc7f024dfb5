/**
 * What the renderer and the bot hear about jobs that are not over: `job.progress` events, throttled per job (phase
 * changes go at once, the latest state wins), with the stored percent kept roughly in step; and queue positions,
 * pushed at most once a second (they change with every dispatch).
 */
import type { JobProgressView } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { JobProgress } from '@core/comfy/protocol/progress';
import type { EventBus } from '../events';
import type { JobsRepo } from '@core/store/jobs-repo';
import { liveView, PreviewCache, storedView } from './progress-view';

/** Positions are pushed for this many queued jobs at most (the rest learn theirs from jobs.queue). */
const POSITION_PUSH_LIMIT = 200;
const POSITIONS_INTERVAL_MS = 1_000;

export interface ProgressFeedOptions {
  jobs: JobsRepo;
  events: EventBus;
  clock: Clock;
  /** Least time between two `job.progress` events of one job (default 250 ms). */
  intervalMs?: number;
}

export class ProgressFeed {
  private readonly live = new Map<string, JobProgress>();
  private readonly previews = new PreviewCache();
  private readonly throttle = new Map<string, { at: number; phase: string; timer: ClockTimer | null }>();
  private readonly positions = new Map<string, number>();
  private positionsTimer: ClockTimer | null = null;
  private lastPositionsAt = -Infinity;

  constructor(private readonly o: ProgressFeedOptions) {}

  /** ComfyUI reported progress for a job: keep it and push it (throttled). */
  update(jobId: string, progress: JobProgress): void {
    this.live.set(jobId, progress);
    const interval = this.o.intervalMs ?? 250;
    const now = this.o.clock.now();
    const t = this.throttle.get(jobId);
    if (!t || t.phase !== progress.phase || now - t.at >= interval) {
      if (t?.timer) this.o.clock.clearTimeout(t.timer);
      this.send(jobId, t?.phase);
    } else if (!t.timer) {
      t.timer = this.o.clock.setTimeout(() => this.send(jobId, t.phase), interval - (now - t.at));
    }
  }

  /** The view of a job: live while ComfyUI works on it, from its stored state otherwise. */
  viewOf(job: Job, position: number | null, now = this.o.clock.now()): JobProgressView {
    const live = this.live.get(job.id);
    if (live && job.status !== 'queued' && ACTIVE_STATUSES.includes(job.status)) {
      return liveView(job, live, this.previews.get(job.id, live.preview));
    }
    return storedView(job, position, now);
  }

  /** The queue order changed: push the waiting jobs' places (at most once a second; `order` is read then). */
  schedulePositions(order: () => Job[]): void {
    if (this.positionsTimer) return;
    const due = this.lastPositionsAt + POSITIONS_INTERVAL_MS - this.o.clock.now();
    const run = (): void => {
      this.positionsTimer = null;
      this.lastPositionsAt = this.o.clock.now();
      this.pushPositions(order());
    };
    if (due <= 0) run();
    else this.positionsTimer = this.o.clock.setTimeout(run, due);
  }

  /** The job is over (or back in the queue): drop everything live about it. */
  forget(jobId: string): void {
    this.live.delete(jobId);
    this.previews.forget(jobId);
    this.positions.delete(jobId);
    const t = this.throttle.get(jobId);
    if (t?.timer) this.o.clock.clearTimeout(t.timer);
    this.throttle.delete(jobId);
  }

  stop(): void {
    for (const t of this.throttle.values()) if (t.timer) this.o.clock.clearTimeout(t.timer);
    this.throttle.clear();
    if (this.positionsTimer) this.o.clock.clearTimeout(this.positionsTimer);
    this.positionsTimer = null;
  }

  private send(jobId: string, previousPhase: string | undefined): void {
    const job = this.o.jobs.get(jobId);
    if (!job || !ACTIVE_STATUSES.includes(job.status)) return;
    const view = this.viewOf(job, null);
    this.throttle.set(jobId, { at: this.o.clock.now(), phase: view.phase, timer: null });
    // The stored percent follows in steps of 5 (and on phase changes), not on every tick.
    if (Math.floor(view.percent) > Math.floor(job.progress) + 4 || view.phase !== previousPhase) {
      this.o.jobs.setProgress(jobId, view.percent);
    }
    this.o.events.emit('job.progress', view);
  }

  /** Tell waiting jobs their place when it changed (the first POSITION_PUSH_LIMIT of them). */
  private pushPositions(order: Job[]): void {
    const seen = new Set<string>();
    const now = this.o.clock.now();
    order.slice(0, POSITION_PUSH_LIMIT).forEach((job, i) => {
      seen.add(job.id);
      if (this.positions.get(job.id) === i + 1) return;
      this.positions.set(job.id, i + 1);
      this.o.events.emit('job.progress', storedView(job, i + 1, now));
    });
    for (const id of [...this.positions.keys()]) if (!seen.has(id)) this.positions.delete(id);
  }
}
