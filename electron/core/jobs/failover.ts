/**
 * Failover between backends: when a backend that holds unfinished jobs stops answering and another online
 * backend can run them, after FAILOVER_MS those jobs are queued again — once, as the retry rule says (a job
 * already retried fails with the reason) — and the router sends them elsewhere. Jobs no other backend can take
 * are left to wait for theirs (and to the rule for backends gone for good). When the dropped backend answers
 * again, the prompts it still holds for them are taken out of its queue (deleted, or interrupted if running),
 * and whatever it reports for them is ignored: JobRuns follows only a job's current prompt, so a job run twice
 * is delivered once.
 */
import type { Job, JobStatus } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { FAILURE_HINTS } from './failure';
import { requirementsOf } from './prepare';
import { MAX_RETRIES, type JobBackends } from './types';

/** How long a backend holding jobs may be silent before they move to another one (well inside 30 s). */
export const FAILOVER_MS = 15_000;
/** How soon a silent backend's jobs that no other backend could take are looked at again. */
const RECHECK_MS = 5_000;

export interface FailoverHost {
  clock: Clock;
  store: Store;
  workflows: WorkflowRegistry;
  backends: Pick<JobBackends, 'get' | 'place'>;
  log: Logger;
  /** Jobs that left the queue and are not over. */
  underway: ReadonlyMap<string, Job>;
  /** Stop following the job's run (job-runs.ts forget). */
  forget(jobId: string): void;
  changed(job: Job): void;
  end(
    jobId: string,
    status: Extract<JobStatus, 'failed'>,
    error: string,
    reason: string,
    from?: JobStatus[],
    more?: { hint?: string },
  ): Job | null;
  pump(): void;
  /** The backend lost what it had loaded (routing's model affinity forgets it). */
  dropped(backendId: string): void;
}

const online = (status: string | undefined) => status === 'idle' || status === 'busy';

export class FailoverWatch {
  /** Backends holding jobs that stopped answering, and since when. */
  private readonly since = new Map<string, number>();
  /** When each silent backend's jobs are looked at next. */
  private readonly due = new Map<string, number>();
  /** Prompts left on a dropped backend, to take out of its queue when it answers again. */
  private readonly abandoned = new Map<string, Set<string>>();
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
    this.cleanUp();
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
      this.h.forget(job.id);
      if (job.promptId) this.abandon(backendId, job.promptId);
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

  private abandon(backendId: string, promptId: string): void {
    let set = this.abandoned.get(backendId);
    if (!set) this.abandoned.set(backendId, (set = new Set()));
    set.add(promptId);
  }

  /** Backends back online: take the prompts of moved jobs out of their queues. */
  private cleanUp(): void {
    for (const [backendId, prompts] of this.abandoned) {
      const backend = this.h.backends.get(backendId);
      if (!backend) {
        this.abandoned.delete(backendId);
        continue;
      }
      if (!online(backend.status)) continue;
      this.abandoned.delete(backendId);
      for (const promptId of prompts) {
        backend.cancel(promptId).then(
          (result) =>
            this.h.log.info('moved job taken out of its old backend', { backend: backendId, promptId, result }),
          (err: unknown) => {
            this.abandon(backendId, promptId); // not answering after all: next time
            this.h.log.debug('taking a moved job out failed', { promptId, error: (err as Error).message });
          },
        );
      }
    }
  }

  private schedule(now: number): void {
    this.h.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const pending = [...this.due.values()];
    if (this.abandoned.size > 0) pending.push(now + RECHECK_MS);
    if (pending.length === 0) return;
    this.timer = this.h.clock.setTimeout(() => this.check(), Math.max(0, Math.min(...pending) - now));
    this.timer.unref?.();
  }
}
