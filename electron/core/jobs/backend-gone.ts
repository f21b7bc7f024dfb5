/**
 * A backend gone for good, and what becomes of its unfinished jobs: the one place that decides it.
 *
 * A backend is gone when the launcher gave up restarting it (the manager says so: JobBackends.onGone), or when
 * it has not answered for longer than the queue's `unreachableSeconds` while jobs were on it (`UnreachableWatch`).
 * Each of its submitted or running jobs then leaves it: its prompt is taken out of that ComfyUI's queue if it ever
 * answers again, and the job is queued again once when another backend can take it, or fails with the reason.
 * Jobs being collected are left to finish (or fail) on their own. Multi-GPU failover (failover.ts) moves the jobs
 * another backend can take sooner, 15 s into the silence, releasing them the same way (JobRuns.release).
 */
import type { Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { requirementsOf } from './prepare';
import { MAX_RETRIES, type EndJob, type JobBackends } from './types';

export const GONE_HINT =
  'Its ComfyUI stopped and did not come back: the Health page shows why (its log, the exit code). Start it again, then run the job again.';

export interface GoneHost {
  store: Store;
  workflows: WorkflowRegistry;
  backends: Pick<JobBackends, 'get' | 'place'>;
  /** Jobs that left the queue and are not over. */
  underway: ReadonlyMap<string, Job>;
  log: Logger;
  /** Stop following the job's run on that backend (job-runs.ts). */
  release(jobId: string, backend: ComfyBackend | undefined): void;
  changed(job: Job): void;
  end: EndJob;
  pump(): void;
}

/** Can another backend take the job now or soon (online and equipped, or still starting / being checked)? */
function elsewhere(job: Job, goneId: string, h: GoneHost): boolean {
  const workflow = h.workflows.get(job.workflow);
  if (!workflow) return false;
  const placement = h.backends.place(requirementsOf(workflow.manifest, job));
  if (placement.kind === 'ready') return placement.backends.some((b) => b.id !== goneId);
  return placement.kind === 'wait' && (placement.why === 'starting' || placement.why === 'checking');
}

/**
 * The backend will not come back: each of its submitted/running jobs is queued again once (when another backend
 * can take it) or fails with `reason`. Returns what became of them.
 */
export function releaseJobsOfGoneBackend(
  backendId: string,
  reason: string,
  h: GoneHost,
): { requeued: string[]; failed: string[] } {
  const out = { requeued: [] as string[], failed: [] as string[] };
  const backend = h.backends.get(backendId);
  const jobs = [...h.underway.values()].filter(
    (j) => j.backendId === backendId && (j.status === 'submitted' || j.status === 'running'),
  );
  for (const job of jobs) {
    h.release(job.id, backend);
    if (job.attempts < MAX_RETRIES && elsewhere(job, backendId, h)) {
      try {
        const requeued = h.store.jobs.transition(
          job.id,
          'queued',
          { attempts: job.attempts + 1, backendId: null, promptId: null, progress: 0 },
          { reason: `retry: ${reason}`, from: ['submitted', 'running'] },
        );
        h.log.warn('job queued again: its backend is gone', { job: job.id, backend: backendId, reason });
        h.changed(requeued);
        out.requeued.push(job.id);
        continue;
      } catch (err) {
        h.log.debug('re-queue skipped', { job: job.id, error: (err as Error).message });
        continue; // it ended meanwhile
      }
    }
    const message = job.attempts >= MAX_RETRIES ? `${reason} (it had already been retried once)` : reason;
    if (h.end(job.id, 'failed', message, 'backend gone', ['submitted', 'running'], { hint: GONE_HINT })) {
      out.failed.push(job.id);
    }
  }
  if (jobs.length > 0) h.pump();
  return out;
}

export interface UnreachableWatchOptions {
  clock: Clock;
  backends: Pick<JobBackends, 'get'>;
  underway: ReadonlyMap<string, Job>;
  /** The queue's `unreachableSeconds`, in ms (read at every check: the setting may change). */
  limitMs(): number;
  gone(backendId: string, reason: string): void;
}

/**
 * Times how long each backend that holds unfinished jobs has not answered (offline, erroring, or booting), and
 * declares it gone once that passes the limit. Looked at on every dispatch round (backend and job changes) and
 * when the next deadline falls due.
 */
export class UnreachableWatch {
  private readonly since = new Map<string, number>();
  private timer: ClockTimer | undefined;

  constructor(private readonly o: UnreachableWatchOptions) {}

  check(): void {
    const now = this.o.clock.now();
    const limit = this.o.limitMs();
    const holding = new Set<string>();
    for (const job of this.o.underway.values()) {
      if (job.backendId && (job.status === 'submitted' || job.status === 'running')) holding.add(job.backendId);
    }
    for (const id of [...this.since.keys()]) if (!holding.has(id)) this.since.delete(id);
    for (const id of holding) {
      const status = this.o.backends.get(id)?.status;
      if (status === 'idle' || status === 'busy') this.since.delete(id);
      else if (!this.since.has(id)) this.since.set(id, now);
    }
    const due = [...this.since].filter(([, at]) => now - at >= limit);
    for (const [id, at] of due) {
      this.since.delete(id);
      this.o.gone(id, this.reason(id, now - at));
    }
    this.schedule(now, limit);
  }

  stop(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.since.clear();
  }

  private reason(id: string, silentMs: number): string {
    const b = this.o.backends.get(id);
    const secs = `${Math.round(silentMs / 1000)} s`;
    if (!b) return `Its ComfyUI backend was turned off or removed ${secs} ago.`;
    const detail = b.statusDetail ? `: ${b.statusDetail.replace(/\.$/, '')}` : '';
    return `ComfyUI at ${b.url} has not answered for ${secs}${detail}.`;
  }

  private schedule(now: number, limit: number): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.since.size === 0) return;
    const next = Math.min(...this.since.values()) + limit;
    this.timer = this.o.clock.setTimeout(() => this.check(), Math.max(0, next - now));
    this.timer.unref?.();
  }
}
