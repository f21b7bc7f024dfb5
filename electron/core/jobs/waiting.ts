/**
 * Why each waiting job waits, and since when it has had no ComfyUI to go to. A job in line for a busy backend
 * waits its turn; a job with no backend (none set up, starting, offline, still being checked) waits with that
 * reason until the queue's `backendWaitMinutes`, then fails saying so.
 */
import type { JobWait } from '@shared/api/jobs';

/** Waiting for a ComfyUI at all (as opposed to waiting in line). */
const BLOCKED: ReadonlySet<JobWait['kind']> = new Set(['setup', 'starting', 'offline', 'checking']);

interface Entry {
  kind: JobWait['kind'];
  reason: string;
  hint: string;
  /** For jobs in line: the backends that can run it. */
  candidates?: readonly string[];
  /** When it started waiting for a ComfyUI at all; null while it only waits in line. */
  blockedSince: number | null;
}

export class WaitBook {
  private readonly byJob = new Map<string, Entry>();

  /** The job waits for this reason now. */
  note(
    jobId: string,
    wait: { kind: JobWait['kind']; reason: string; hint: string; candidates?: readonly string[] },
    now: number,
  ): void {
    const before = this.byJob.get(jobId);
    const blocked = BLOCKED.has(wait.kind);
    this.byJob.set(jobId, {
      ...wait,
      blockedSince: blocked ? (before?.blockedSince ?? now) : null,
    });
  }

  get(jobId: string): Omit<Entry, 'blockedSince'> | undefined {
    return this.byJob.get(jobId);
  }

  forget(jobId: string): void {
    this.byJob.delete(jobId);
  }

  /** Jobs that have had no ComfyUI for longer than `limitMs`, with what they waited for. */
  overdue(now: number, limitMs: number): Array<{ jobId: string; reason: string; hint: string }> {
    const out: Array<{ jobId: string; reason: string; hint: string }> = [];
    for (const [jobId, e] of this.byJob) {
      if (e.blockedSince !== null && now - e.blockedSince >= limitMs)
        out.push({ jobId, reason: e.reason, hint: e.hint });
    }
    return out;
  }

  /** When the next job runs out of patience (null: none is waiting for a ComfyUI). */
  nextDeadline(limitMs: number): number | null {
    let next: number | null = null;
    for (const e of this.byJob.values()) {
      if (e.blockedSince !== null) next = Math.min(next ?? Infinity, e.blockedSince + limitMs);
    }
    return next;
  }
}
