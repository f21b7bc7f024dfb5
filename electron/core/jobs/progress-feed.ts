/**
 * What the renderer and the bot hear about jobs that are not over: `job.progress` events, throttled per job (phase
 * changes go at once, the latest state wins), with the stored percent kept roughly in step; and where waiting
 * jobs stand (place, reason, expected start; queue-plan.ts), pushed at most once a second, each job only when
 * what a person reads about it changed.
 */
import type { JobProgressView } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { JobProgress } from '@core/comfy/protocol/progress';
import type { EventBus } from '../events';
import type { JobsRepo } from '@core/store/jobs-repo';
import type { QueuePlan } from './queue-plan';
import { liveView, PreviewCache, storedView, type Standing } from './progress-view';

/** Standings are pushed for this many waiting jobs at most (the rest learn theirs from jobs.queue). */
const STANDING_PUSH_LIMIT = 200;
const STANDINGS_INTERVAL_MS = 1_000;

export interface ProgressFeedOptions {
  jobs: JobsRepo;
  events: EventBus;
  clock: Clock;
  /** Least time between two `job.progress` events of one job (default 250 ms). */
  intervalMs?: number;
  /** What a person should know about the ComfyUI a job is on (it stopped answering…), or null. */
  noticeOf?: (job: Job) => string | null;
}

/** What a person reads of a standing: an estimate moves every second, its wording only every minute or so. */
function standingKey(s: Standing): string {
  if (!s) return '';
  const w = s.wait;
  const bucket = w?.startsInMs == null ? 'none' : w.startsInMs < 60_000 ? 'soon' : Math.round(w.startsInMs / 60_000);
  return `${s.position}|${w?.kind ?? ''}|${w?.reason ?? ''}|${bucket}`;
}

export class ProgressFeed {
  private readonly live = new Map<string, JobProgress>();
  private readonly previews = new PreviewCache();
  private readonly throttle = new Map<string, { at: number; phase: string; timer: ClockTimer | null }>();
  /** The last standing pushed per waiting job, and what was said of it. */
  private readonly standings = new Map<string, { standing: Standing; key: string }>();
  private standingsTimer: ClockTimer | null = null;
  private lastStandingsAt = -Infinity;
  /** Between stop() and start() nothing is pushed (ComfyUI's last messages can arrive while the core stops). */
  private stopped = false;

  constructor(private readonly o: ProgressFeedOptions) {}

  start(): void {
    this.stopped = false;
  }

  /** ComfyUI reported progress for a job: keep it and push it (throttled). */
  update(jobId: string, progress: JobProgress): void {
    if (this.stopped) return;
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

  /** The live reducer state of a job ComfyUI works on (for time left). */
  liveOf(jobId: string): JobProgress | undefined {
    return this.live.get(jobId);
  }

  /** The view of a job: live while ComfyUI works on it, from its stored state otherwise. */
  viewOf(job: Job, standing: Standing, now = this.o.clock.now()): JobProgressView {
    const live = this.live.get(job.id);
    const notice = job.status === 'queued' ? null : (this.o.noticeOf?.(job) ?? null);
    if (live && job.status !== 'queued' && ACTIVE_STATUSES.includes(job.status)) {
      return { ...liveView(job, live, this.previews.get(job.id, live.preview), standing), notice };
    }
    return storedView(job, standing, now, notice);
  }

  /** Push a job's view now (what is said about it changed, e.g. its ComfyUI went away). */
  refresh(jobId: string): void {
    this.send(jobId, this.throttle.get(jobId)?.phase);
  }

  /** Where waiting jobs stand changed: push it (at most once a second; `plan` is computed then). */
  scheduleStandings(plan: () => QueuePlan): void {
    if (this.standingsTimer) return;
    const due = this.lastStandingsAt + STANDINGS_INTERVAL_MS - this.o.clock.now();
    const run = (): void => {
      this.standingsTimer = null;
      this.lastStandingsAt = this.o.clock.now();
      this.pushStandings(plan());
    };
    if (due <= 0) run();
    else this.standingsTimer = this.o.clock.setTimeout(run, due);
  }

  /** The last standing pushed for a job (its place and wait), if any. */
  standingOf(jobId: string): Standing {
    return this.standings.get(jobId)?.standing ?? null;
  }

  /** The job is over (or back in the queue): drop everything live about it. */
  forget(jobId: string): void {
    this.live.delete(jobId);
    this.previews.forget(jobId);
    this.standings.delete(jobId);
    const t = this.throttle.get(jobId);
    if (t?.timer) this.o.clock.clearTimeout(t.timer);
    this.throttle.delete(jobId);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.throttle.values()) if (t.timer) this.o.clock.clearTimeout(t.timer);
    this.throttle.clear();
    if (this.standingsTimer) this.o.clock.clearTimeout(this.standingsTimer);
    this.standingsTimer = null;
  }

  private send(jobId: string, previousPhase: string | undefined): void {
    // A push now replaces a throttled one still waiting (its timer would outlive stop() otherwise).
    const waiting = this.throttle.get(jobId);
    if (waiting?.timer) this.o.clock.clearTimeout(waiting.timer);
    if (waiting) waiting.timer = null;
    if (this.stopped) return;
    const job = this.o.jobs.get(jobId);
    if (!job || !ACTIVE_STATUSES.includes(job.status)) return;
    const view = this.viewOf(job, this.standingOf(jobId));
    // A send ahead of a throttled one (a refresh) replaces it: its timer goes too, or it would outlive stop().
    const pending = this.throttle.get(jobId)?.timer;
    if (pending) this.o.clock.clearTimeout(pending);
    this.throttle.set(jobId, { at: this.o.clock.now(), phase: view.phase, timer: null });
    // The stored percent follows in steps of 5 (and on phase changes), not on every tick.
    if (Math.floor(view.percent) > Math.floor(job.progress) + 4 || view.phase !== previousPhase) {
      this.o.jobs.setProgress(jobId, view.percent);
    }
    this.o.events.emit('job.progress', view);
  }

  /** Tell waiting jobs where they stand when what a person reads of it changed (the first ones only). */
  private pushStandings(plan: QueuePlan): void {
    const seen = new Set<string>();
    const now = this.o.clock.now();
    let pushed = 0;
    for (let i = plan.running; i < plan.length; i++) {
      const job = plan.jobs[i]!;
      seen.add(job.id);
      const standing = { position: plan.positionAt(i), wait: plan.waitAt(i) };
      const key = standingKey(standing);
      const before = this.standings.get(job.id);
      if (before?.key === key) {
        this.standings.set(job.id, { standing, key });
        continue;
      }
      // Over the limit: left as it was, so it is pushed in a later round.
      if (pushed >= STANDING_PUSH_LIMIT) continue;
      this.standings.set(job.id, { standing, key });
      pushed++;
      this.o.events.emit('job.progress', this.viewOf(job, standing, now));
    }
    for (const id of [...this.standings.keys()]) if (!seen.has(id)) this.standings.delete(id);
  }
}
