/**
 * The queue as people see it, computed in one place: every job not over in the order it will run (running,
 * then waiting in a ComfyUI's own queue, then ComfyDesk's fair order), one exact position for each waiting job
 * (1, 2, 3… with no gap or repeat), why it waits, and when it should start — simulated on each backend from the
 * running jobs' time left and the estimated GPU time of every job ahead (estimates.ts).
 */
import type { JobWait } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { DurationEstimator } from './estimates';

export interface StartedJob {
  job: Job;
  backendId: string;
  /** Still in ComfyUI's own queue (not running yet). */
  pending: boolean;
  /** Time the backend still needs for it (ms), when known; 0 once ComfyUI is done with it. */
  remainingMs: number | null;
}

export interface WaitInfo {
  kind: JobWait['kind'];
  reason: string;
  hint: string;
  /** For jobs in line: the backends that can run it. */
  candidates?: readonly string[];
}

export interface PlannedJob {
  job: Job;
  /** 1-based place among the waiting jobs; null while it runs. */
  position: number | null;
  wait: JobWait | null;
}

export interface PlanInput {
  started: readonly StartedJob[];
  /** Queued jobs in fair order. */
  queued: readonly Job[];
  waitOf(jobId: string): WaitInfo | undefined;
  paused: boolean;
  estimator: Pick<DurationEstimator, 'estimate'>;
}

const IN_LINE_HINT = 'It starts when a ComfyUI that can run it is free.';

export function planQueue(input: PlanInput): PlannedJob[] {
  const { estimator } = input;
  /** When each backend is free (ms from now); null once unknown. */
  const freeAt = new Map<string, number | null>();
  const add = (b: string, ms: number | null) => {
    const now = freeAt.has(b) ? freeAt.get(b)! : 0;
    freeAt.set(b, now === null || ms === null ? null : now + ms);
  };
  const out: PlannedJob[] = [];
  const running = input.started.filter((s) => !s.pending);
  const pending = input.started
    .filter((s) => s.pending)
    .sort((a, b) => (a.job.submittedAt ?? 0) - (b.job.submittedAt ?? 0));
  for (const s of running) {
    add(s.backendId, s.remainingMs);
    out.push({ job: s.job, position: null, wait: null });
  }
  let position = 0;
  for (const s of pending) {
    const startsIn = freeAt.has(s.backendId) ? freeAt.get(s.backendId)! : 0;
    add(s.backendId, estimator.estimate(s.job, s.backendId));
    position++;
    out.push({
      job: s.job,
      position,
      wait: { kind: 'queue', reason: `#${position} in line`, hint: IN_LINE_HINT, startsInMs: startsIn },
    });
  }
  for (const job of input.queued) {
    position++;
    const w = input.waitOf(job.id);
    if (input.paused) {
      out.push({
        job,
        position,
        wait: {
          kind: 'paused',
          reason: 'The queue is paused',
          hint: 'It goes on when the desktop owner resumes the queue.',
          startsInMs: null,
        },
      });
      continue;
    }
    if (w && w.kind !== 'queue') {
      out.push({ job, position, wait: { kind: w.kind, reason: w.reason, hint: w.hint, startsInMs: null } });
      continue;
    }
    // In line: it goes to the candidate backend that frees first.
    let best: string | null = null;
    let bestAt: number | null = null;
    for (const b of w?.candidates ?? []) {
      const at = freeAt.has(b) ? freeAt.get(b)! : 0;
      if (at === null) continue;
      if (bestAt === null || at < bestAt) {
        best = b;
        bestAt = at;
      }
    }
    if (best !== null) add(best, estimator.estimate(job, best));
    out.push({
      job,
      position,
      wait: { kind: 'queue', reason: `#${position} in line`, hint: IN_LINE_HINT, startsInMs: bestAt },
    });
  }
  return out;
}
