/**
 * Failover between backends: when a backend that holds unfinished jobs stops answering and another online
 * backend can run them, after FAILOVER_MS those jobs are queued again — once, as the retry rule says (a job
 * already retried fails with the reason) — and the router sends them elsewhere. Jobs no other backend can take
 * are left to wait for theirs: if it stays silent past the queue's `unreachableSeconds`, backend-gone.ts fails
 * them (or moves them then, should another backend have come up). A moved job's run is released (job-runs.ts):
 * its prompt is taken out of the old ComfyUI's queue when that answers again (ComfyBackend.abandon), and whatever
 * it reports for it is ignored, since JobRuns follows only a job's current prompt: a job run twice is delivered once.
 */
import type { Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import { FAILURE_HINTS } from './failure';
import { requirementsOf } from './prepare';
import type { GoneHost } from './backend-gone';
import { MAX_RETRIES } from './types';

/** How long a backend holding jobs may be silent before they move to another one (well inside 30 s). */
export const FAILOVER_MS = 15_000;
/** How soon a silent backend's jobs that no other backend could take are looked at again. */
const RECHECK_MS = 5_000;

/** What failover needs: what backend-gone.ts needs, the clock, and routing's model affinity. */
export interface FailoverHost extends GoneHost {
  clock: Clock;
  /** The backend lost what it had loaded (routing's model affinity forgets it). */
  dropped(backendId: string): void;
}

const online = (status: string | undefined) => status === 'idle' || status === 'busy';

export class FailoverWatch {
  /** Backends holding jobs that stopped answering, and since when. */
  private readonly since = new Map<string, number>();
  /** When each silent backend's jobs are looked at next. */
  private readonly due = new Map<string, number>();
  private timer: ClockTimer | undefined;

  constructor(private readonly h: FailoverHost) {}

  /** Look at every backend holding jobs (on each dispatch round, and when the next deadline falls due). */
  check(): void {
    const now = this.h.clock.now();
    const holding = new Set<string>();
    for (const job of this.h.underway.values())
      if (job.backendId && (job.status === 'submitted' || job.status === 'running')) holding.add(job.backendId);
    for (const id of [...this.since.keys()]) if (!holding.has(id)) this.quiet(id);
    for (const id of holding) {
      if (online(this.h.backends.get(id)?.status)) this.quiet(id);
      else if (!this.since.has(id)) {
        this.since.set(id, now);
        this.due.set(id, now + FAILOVER_MS);
      }
    }
    for (const [id, at] of [...this.since]) if (now >= this.due.get(id)!) this.failover(id, now - at);
    this.schedule(now);
  }

  stop(): void {
    this.h.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.since.clear();
    this.due.clear();
  }

  private quiet(id: string): void {
    this.since.delete(id);
    this.due.delete(id);
  }

  /** Move the unfinished jobs of a silent backend to others that can take them. */
  private failover(backendId: string, silentMs: number): void {
    const backend = this.h.backends.get(backendId);
    const reason = `ComfyUI at ${backend?.url ?? backendId} stopped answering ${Math.round(silentMs / 1000)} s ago`;
    const jobs = [...this.h.underway.values()].filter(
      (j) => j.backendId === backendId && (j.status === 'submitted' || j.status === 'running'),
    );
    let moved = 0;
    let left = 0;
    for (const job of jobs) {
      if (!this.elsewhere(job, backendId)) {
        left++;
        continue;
      }
      this.h.release(job.id, backend);
      moved++;
      if (job.attempts >= MAX_RETRIES) {
        this.h.end(job.id, 'failed', `${reason} (it had already been retried once).`, 'failover', undefined, {
          hint: FAILURE_HINTS.lostTwice,
        });
        continue;
      }
      try {
        const requeued = this.h.store.jobs.transition(
          job.id,
          'queued',
          { attempts: job.attempts + 1, backendId: null, promptId: null, progress: 0 },
          { reason: `failover: ${reason}`, from: ['submitted', 'running'] },
        );
        this.h.log.warn('job moved to another backend', { job: job.id, from: backendId });
        this.h.changed(requeued);
      } catch (err) {
        this.h.log.debug('failover skipped', { job: job.id, error: (err as Error).message });
      }
    }
    if (moved > 0) {
      this.h.dropped(backendId);
      this.h.pump();
    }
    if (left === 0) this.quiet(backendId);
    // Jobs nothing else can take now: look again in a while (or at the next dispatch round, when backends change).
    else this.due.set(backendId, this.h.clock.now() + RECHECK_MS);
  }

  /** Can an online backend other than `goneId` run the job now? */
  private elsewhere(job: Job, goneId: string): boolean {
    const workflow = this.h.workflows.get(job.workflow);
    if (!workflow) return false;
    const placement = this.h.backends.place(requirementsOf(workflow.manifest, job));
    return placement.kind === 'ready' && placement.backends.some((b) => b.id !== goneId);
  }

  private schedule(now: number): void {
    this.h.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.due.values()];
    if (pending.length === 0) return;
    this.timer = this.h.clock.setTimeout(() => this.check(), Math.max(0, Math.min(...pending) - now));
    this.timer.unref?.();
  }
}
