/**
 * The live queue as plain data, changed only by these pure functions: a snapshot from `jobs.queue`, then one
 * `job.changed` or `job.progress` at a time. Tested without a browser.
 */
import type { JobProgressView, QueueSnapshot } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job } from '@shared/jobs';

export const RECENT_LIMIT = 50;

export interface QueueData {
  paused: boolean;
  /** Jobs not over, in run order (the front of a long line: see `waiting`). */
  active: Job[];
  /** How many jobs wait in all, including those further back than `active` shows. */
  waiting: number;
  /** Latest progress by job id. */
  progress: Record<string, JobProgressView>;
  /** Finished, failed and cancelled jobs, newest first. */
  recent: Job[];
  /** Every job seen, by id (the Generate page follows its own jobs through this). */
  byId: Record<string, Job>;
}

export const emptyQueue = (): QueueData => ({
  paused: false,
  active: [],
  waiting: 0,
  progress: {},
  recent: [],
  byId: {},
});

export function fromSnapshot(snapshot: QueueSnapshot): QueueData {
  const progress: Record<string, JobProgressView> = {};
  const byId: Record<string, Job> = {};
  for (const { job, progress: p } of snapshot.active) {
    progress[job.id] = p;
    byId[job.id] = job;
  }
  for (const job of snapshot.recent) byId[job.id] = job;
  return {
    paused: snapshot.paused,
    active: snapshot.active.map((a) => a.job),
    waiting: snapshot.waiting,
    progress,
    recent: snapshot.recent.slice(0, RECENT_LIMIT),
    byId,
  };
}

const isActive = (job: Job): boolean => ACTIVE_STATUSES.includes(job.status);
const isWaiting = (job: Job | undefined): boolean => job?.status === 'queued' || job?.status === 'submitted';

/** Run order: running and collecting first, then submitted, then queued; creation order within each. */
const RANK: Record<string, number> = { running: 0, collecting: 0, submitted: 1, queued: 2 };

export function applyJobChanged(state: QueueData, job: Job): QueueData {
  const known = state.byId[job.id];
  // Events may arrive out of order after a snapshot: never go back to an older state of the job, and a state
  // already known (a second snapshot replaying the first) changes nothing.
  if (known && (known.updatedAt > job.updatedAt || (known.updatedAt === job.updatedAt && known.status === job.status)))
    return state;
  const byId = { ...state.byId, [job.id]: job };
  // A job never seen is new when it is queued; otherwise it waited further back than the snapshot showed.
  const wasWaiting = known ? isWaiting(known) : job.status !== 'queued';
  const waiting = Math.max(0, state.waiting + (isWaiting(job) ? 1 : 0) - (wasWaiting ? 1 : 0));
  const without = state.active.filter((j) => j.id !== job.id);
  if (isActive(job)) {
    const index = state.active.findIndex((j) => j.id === job.id);
    const active = index >= 0 ? state.active.map((j) => (j.id === job.id ? job : j)) : [...without, job];
    const sorted = [...active].sort((a, b) => (RANK[a.status] ?? 3) - (RANK[b.status] ?? 3));
    return { ...state, active: sorted, waiting, byId, recent: state.recent.filter((j) => j.id !== job.id) };
  }
  const progress = { ...state.progress };
  delete progress[job.id];
  // Newest ended first, wherever it ended among those known.
  const others = state.recent.filter((j) => j.id !== job.id);
  const at = others.findIndex((j) => (j.endedAt ?? j.updatedAt) < (job.endedAt ?? job.updatedAt));
  const recent = (at < 0 ? [...others, job] : [...others.slice(0, at), job, ...others.slice(at)]).slice(
    0,
    RECENT_LIMIT,
  );
  return { ...state, active: without, waiting, progress, recent, byId };
}

export function applyProgress(state: QueueData, view: JobProgressView): QueueData {
  const previous = state.progress[view.jobId];
  if (previous && previous.updatedAt > view.updatedAt) return state;
  // A job already over keeps no progress (a late tick must not bring it back).
  const job = state.byId[view.jobId];
  if (job && !isActive(job)) return state;
  return { ...state, progress: { ...state.progress, [view.jobId]: view } };
}
