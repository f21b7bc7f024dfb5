/** Everything not over, in the order it will run (running first, then waiting in ComfyUI, then our fair queue), with progress; plus the latest ended jobs. */
import type { JobProgressView, QueueSnapshot } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job } from '@shared/jobs';
import type { Store } from '../store';

export function queueSnapshot(
  store: Store,
  fairOrder: (queued: Job[]) => Job[],
  viewOf: (job: Job, position: number | null, now: number) => JobProgressView,
  now: number,
): QueueSnapshot {
  const all = store.jobs.byStatus(ACTIVE_STATUSES);
  const started = all.filter((j) => j.status !== 'queued').sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
  const queued = fairOrder(all.filter((j) => j.status === 'queued'));
  return {
    paused: store.settings.get().queue.paused,
    active: [
      ...started.map((job) => ({ job, progress: viewOf(job, null, now) })),
      ...queued.map((job, i) => ({ job, progress: viewOf(job, i + 1, now) })),
    ],
    recent: store.jobs.recentEnded(30),
  };
}
