/**
 * Why each waiting job waits, and since when it has had no ComfyUI to go to. A job in line for a busy backend
 * waits its turn; a job with no backend (none set up, starting, offline, still being checked) waits with that
 * reason until the queue's `backendWaitMinutes`, then fails saying so.
 *
 * Jobs with the same needs wait for the same reason: the dispatch round passes one `WaitInfo` per distinct need,
 * and the book keeps that shared object, so planning a 10,000-job line reads a handful of objects, not 10,000.
 */
import type { JobWait } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';

/** Waiting for a ComfyUI at all (as opposed to waiting in line). */
const BLOCKED: ReadonlySet<JobWait['kind']> = new Set(['setup', 'starting', 'offline', 'checking']);

export interface WaitInfo {
  readonly kind: JobWait['kind'];
  readonly reason: string;
  readonly hint: string;
  /** For jobs in line: the backends that can run it. */
  readonly candidates?: readonly string[];
}

/** A job as the book knows it: by its number (a small integer key: a 10,000-job plan reads one per job). */
type Waiter = Pick<Job, 'id' | 'number'>;

export class WaitBook {
  private readonly byJob = new Map<number, WaitInfo>();
  /** When each job started waiting for a ComfyUI at all (jobs only waiting in line are not here). */
  private readonly blockedSince = new Map<number, { jobId: string; since: number }>();

  /** The job waits for this reason now (keep passing the same object for the same reason). */
  note(job: Waiter, wait: WaitInfo, now: number): void {
    this.byJob.set(job.number, wait);
    if (!BLOCKED.has(wait.kind)) this.blockedSince.delete(job.number);
    else if (!this.blockedSince.has(job.number)) this.blockedSince.set(job.number, { jobId: job.id, since: now });
  }

  get(job: Waiter): WaitInfo | undefined {
    return this.byJob.get(job.number);
  }

  forget(job: Waiter): void {
    this.byJob.delete(job.number);
    this.blockedSince.delete(job.number);
  }

  /** Jobs that have had no ComfyUI for longer than `limitMs`, with the error they fail with (what they waited for). */
  overdue(now: number, limitMs: number): Array<{ jobId: string; error: string }> {
    const minutes = Math.round(limitMs / 60_000);
    const within = `No ComfyUI could take it within ${minutes} minute${minutes === 1 ? '' : 's'}`;
    const out: Array<{ jobId: string; error: string }> = [];
    for (const [number, { jobId, since }] of this.blockedSince) {
      const wait = this.byJob.get(number);
      if (wait && now - since >= limitMs) out.push({ jobId, error: `${within}: ${wait.reason}.` });
    }
    return out;
  }

  private deadline: ClockTimer | undefined;

  /** Call `wake` when the next job runs out of patience (one timer at a time; none when no job waits). */
  timeNextDeadline(clock: Clock, now: number, limitMs: number, wake: () => void): void {
    this.stopTimer(clock);
    const next = this.nextDeadline(limitMs);
    if (next === null) return;
    this.deadline = clock.setTimeout(
      () => {
        this.deadline = undefined;
        wake();
      },
      Math.max(0, next - now),
    );
  }

  stopTimer(clock: Clock): void {
    clock.clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /** When the next job runs out of patience (null: none is waiting for a ComfyUI). */
  nextDeadline(limitMs: number): number | null {
    let next: number | null = null;
    for (const { since } of this.blockedSince.values()) next = Math.min(next ?? Infinity, since + limitMs);
    return next;
  }
}
