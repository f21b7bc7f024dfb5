/**
 * Admission: the global queue limit and the per-user limit (a Discord server may pass a lower one). The desktop
 * user — the GPU's owner — has no per-user limit.
 */
import { ApiError } from '@shared/api';
import { ACTIVE_STATUSES, type JobSource } from '@shared/jobs';
import type { Settings } from '@shared/settings';
import type { JobsRepo } from '@core/store/jobs-repo';

export const DESKTOP_USER = { id: 'desktop', name: 'You (desktop)' } as const;

export function isDesktopOwner(source: JobSource, userId: string): boolean {
  return source === 'desktop' && userId === DESKTOP_USER.id;
}

/** Throws a `limit` ApiError saying what to do when this request may not be queued now. */
export function checkLimits(
  jobs: JobsRepo,
  queue: Settings['queue'],
  request: { source: JobSource; userId: string; perUserLimit?: number | undefined },
): void {
  const counts = jobs.countByStatus(ACTIVE_STATUSES);
  const active = ACTIVE_STATUSES.reduce((n, s) => n + counts[s], 0);
  if (active >= queue.globalLimit) {
    throw new ApiError({
      code: 'limit',
      message: `The queue is full (${active} jobs, the limit is ${queue.globalLimit}). Try again when some have finished.`,
    });
  }
  if (isDesktopOwner(request.source, request.userId)) return;
  const perUser = request.perUserLimit ?? queue.perUserLimit;
  const mine = jobs.countActiveByUser(request.userId);
  if (mine >= perUser) {
    throw new ApiError({
      code: 'limit',
      message: `You already have ${mine} job${mine === 1 ? '' : 's'} queued or running (the limit is ${perUser}). Wait for one to finish or cancel one.`,
    });
  }
}
