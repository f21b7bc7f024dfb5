/**
 * The jobs engine: a job is stored before anything is sent; the scheduler hands queued jobs to backends in fair
 * order (fair share by GPU time: fair-order.ts, usage-book.ts), each to the backend that finishes it soonest
 * (route-job.ts), keeping each backend's pipeline full (its running prompt plus one waiting), and notes why every
 * other job waits (dispatch-round.ts). Failover and gone backends: backend-watch.ts. Runs on ComfyUI are followed
 * by job-runs.ts, the queue as people see it is queue-view.ts; cancel and recovery after a restart start here.
 * Every state change is a transaction in the jobs table and a `job.changed` event.
 */
import { ApiError } from '@shared/api';
import type { QueueSnapshot } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job, type JobStatus } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import { JobEndedError } from '@core/store/jobs-repo';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { FairQueue, type ShareContext } from './fair-order';
import { dispatchRound } from './dispatch-round';
import { UsageBook } from './usage-book';
import { ProgressFeed } from './progress-feed';
import { recoverJobs } from './recovery';
import { uuidv7Factory } from './job-id';
import type { InputStore } from './inputs';
import { ensureRunnable, seedLimits } from './runnable';
import { FAILURE_HINTS } from './failure';
import { DurationEstimator, JobCosts } from './estimates';
import type { QueuePlan } from './queue-plan';
import { QueueView } from './queue-view';
import { JobRuns } from './job-runs';
import { WaitBook } from './waiting';
import { BackendWatch } from './backend-watch';
import type { SpeedRouter } from './route-job';
import {
  prepareNewJob,
  rerunRequest,
  storeNewJob,
  storePrepared,
  type RequestDeps,
  type RerunRequest,
  type SubmitRequest,
} from './requests';
import type { JobBackends, JobLibrary } from './types';

export interface JobEngineOptions {
  store: Store;
  events: EventBus;
  workflows: WorkflowRegistry;
  backends: JobBackends;
  library: JobLibrary;
  inputs: InputStore;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  newId?: () => string;
  /** Least time between two `job.progress` events of one job (default 250 ms). */
  progressIntervalMs?: number;
}

export class JobEngine {
  private readonly runs: JobRuns;
  /** Every queued job, per user in age order (kept in step with the table by `changed`): rounds never read the database. */
  private readonly queued = new FairQueue();
  /** Every job that left the queue but is not over (submitted, running, collecting), kept in step like `queued`. */
  private readonly underway = new Map<string, Job>();
  /** Why each queued job waits, and since when it has had no ComfyUI at all. */
  private readonly waits = new WaitBook();
  /** How long jobs take (GPU time of recent runs), for wait estimates. */
  readonly estimator: DurationEstimator;
  private readonly view: QueueView;
  /** GPU time per user over the fair share's window, and what is in flight. */
  readonly usage: UsageBook;
  /** The fair share's window (ms), as the settings say (windowMs). */
  private window: number | null = null;
  /** Expected GPU time of a job (costOf): rates per workflow, looked up once per estimator revision. */
  private readonly costs: JobCosts;
  /** Set while start() loads the queue: users found waiting then are not newcomers. */
  private loading = false;
  private readonly feed: ProgressFeed;
  /** Speed routing, failover, and backends gone or unreachable (backend-watch.ts). */
  private readonly watch: BackendWatch;
  /** Measured speed per backend and workflow; sends each job where it ends soonest (route-job.ts). */
  readonly router: SpeedRouter;
  private readonly unsubscribe: Array<() => void> = [];
  private pumpScheduled = false;
  private retryTimer: ClockTimer | null = null;
  private started = false;
  private readonly newId: () => string;
  private readonly requests: RequestDeps;
  private readonly log: Logger;

  constructor(private readonly o: JobEngineOptions) {
    this.newId = o.newId ?? uuidv7Factory(() => o.clock.now());
    this.requests = {
      workflows: o.workflows,
      inputs: o.inputs,
      store: o.store,
      random: o.random ?? Math.random,
      newId: this.newId,
      seedLimits: (workflowId, spec) => seedLimits(o, workflowId, spec.targets),
    };
    this.estimator = DurationEstimator.fromJobs(o.store.jobs.recentRuns(500));
    this.costs = new JobCosts(this.estimator);
    this.log = o.logger.child('jobs');
    this.usage = new UsageBook({
      windowMs: () => this.windowMs(),
      waiting: (userId) => this.queued.hasUser(userId),
    });
    this.feed = new ProgressFeed({
      jobs: o.store.jobs,
      events: o.events,
      clock: o.clock,
      noticeOf: (job) => this.runs.noticeOf(job),
      ...(o.progressIntervalMs !== undefined ? { intervalMs: o.progressIntervalMs } : {}),
    });
    this.runs = new JobRuns({
      store: o.store,
      backends: o.backends,
      library: o.library,
      clock: o.clock,
      log: this.log,
      feed: this.feed,
      estimator: this.estimator,
      usage: this.usage,
      costOf: (job) => this.costOf(job),
      underway: this.underway,
      newId: this.newId,
      started: () => this.started,
      changed: (job) => this.changed(job),
      end: (...args) => this.end(...args),
      pump: () => this.pump(),
      retryLater: () => this.retryLater(),
      replan: () => this.replan(),
    });
    this.watch = new BackendWatch({
      ...{ clock: o.clock, store: o.store, events: o.events, workflows: o.workflows, backends: o.backends },
      ...{ log: this.log, runs: this.runs, underway: this.underway, started: () => this.started },
      changed: (job) => this.changed(job),
      end: (...args) => this.end(...args),
      pump: () => this.pump(),
    });
    this.router = this.watch.router;
    this.view = new QueueView({
      clock: o.clock,
      feed: this.feed,
      estimator: this.estimator,
      waits: this.waits,
      paused: () => o.store.settings.get().queue.paused,
      recentEnded: () => o.store.jobs.recentEnded(30),
      underway: () => this.underway.values(),
      runOf: (id) => this.runs.runOf(id),
      queuedOrder: () => this.queuedOrder(),
    });
  }

  /** Reconcile jobs left running by a previous run, then start scheduling. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.feed.start();
    this.unsubscribe.push(this.o.backends.onChange(() => this.pump()));
    this.unsubscribe.push(...this.watch.start());
    this.unsubscribe.push(
      this.o.events.on('settings.changed', () => {
        this.window = null;
        this.pump();
      }),
    );
    this.queued.clear();
    this.underway.clear();
    this.usage.clear();
    this.usage.load(this.o.store.usage.runsSince(this.o.clock.now() - this.windowMs()));
    this.loading = true;
    for (const job of this.o.store.jobs.byStatus(ACTIVE_STATUSES)) this.track(job);
    this.loading = false;
    this.recover();
    this.pump();
  }

  stop(): void {
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
    this.feed.stop();
    this.watch.stop();
    if (this.retryTimer) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.waits.stopTimer(this.o.clock);
  }

  /** Check, store and schedule a job. Throws ApiError (bad_request, limit) with a readable message. */
  submit(raw: SubmitRequest): Job {
    const job = storeNewJob(this.requests, raw);
    this.log.info('job queued', { job: job.id, user: job.userId, workflow: job.workflow });
    this.changed(job);
    this.pump();
    return job;
  }

  /** Would `submit` take this request now? Throws its refusal; stores nothing. `images` stands for images not given yet. */
  async check(raw: SubmitRequest, images: number): Promise<void> {
    const { job } = prepareNewJob(this.requests, raw, images);
    await this.ensureRunnable(job);
  }

  /**
   * Refuse at once a request no enabled ComfyUI can ever run, naming what is missing (runnable.ts); one that may
   * run later (ComfyUI starting, offline) is taken and waits with its reason.
   */
  async ensureRunnable(job: { workflow: string; models?: Job['models']; lora?: Job['lora'] }): Promise<void> {
    await ensureRunnable(this.o, job);
  }

  /**
   * `submit` for clients: a request no enabled ComfyUI can ever run is refused at once (ensureRunnable) instead
   * of being queued to fail.
   */
  async submitRunnable(raw: SubmitRequest): Promise<Job> {
    const prepared = prepareNewJob(this.requests, raw);
    await this.ensureRunnable(prepared.job);
    const job = storePrepared(this.o.store, prepared, raw.userName);
    this.log.info('job queued', { job: job.id, user: job.userId, workflow: job.workflow });
    this.changed(job);
    this.pump();
    return job;
  }

  /** Queue a job again: same workflow, prompt, parameters and images; as the desktop user unless asked otherwise. */
  rerun(input: RerunRequest): Job {
    return this.submit(rerunRequest(this.get(input.id), input));
  }

  /** Cancel in any state: queued → removed; waiting in ComfyUI → deleted there; running → interrupted. */
  async cancel(id: string): Promise<{ job: Job; action: 'removed' | 'deleted' | 'interrupting' | 'already-ended' }> {
    const job = this.get(id);
    if (!ACTIVE_STATUSES.includes(job.status)) return { job, action: 'already-ended' };
    if (job.status === 'collecting') {
      throw new ApiError({
        code: 'conflict',
        message: 'This job has finished generating; its results are being saved.',
      });
    }
    if (job.status === 'queued') {
      // A dispatch in flight sees the job is no longer queued and drops it.
      const ended = this.end(id, 'cancelled', null, 'cancelled while queued', ['queued']);
      return ended ? { job: ended, action: 'removed' } : this.cancel(id);
    }
    return this.runs.cancel(job);
  }

  /** Cancel every queued job of one user. */
  clearUser(userId: string): number {
    let n = 0;
    for (const job of this.o.store.jobs.byUser(userId, { statuses: ['queued'], limit: 10_000 })) {
      if (this.end(job.id, 'cancelled', null, 'queue cleared', ['queued'])) n++;
    }
    return n;
  }

  setPaused(paused: boolean): boolean {
    const next = this.o.store.settings.update({ queue: { paused } });
    this.o.events.emit('settings.changed', next);
    this.pump();
    return next.queue.paused;
  }

  /** The queue as people see it (queue-view.ts). */
  snapshot(options: { limit?: number; include?: (job: Job) => boolean } = {}): QueueSnapshot {
    return this.view.snapshot(options);
  }

  /** Every job not over in run order, with where the waiting ones stand. */
  plan(): QueuePlan {
    return this.view.plan();
  }

  /** Something the queue plan depends on changed. */
  private replan(): void {
    this.view.invalidate();
  }

  // ------------------------------------------------------------------------------------------ scheduling

  /** Schedule a dispatch round (coalesced: many triggers, one round). */
  pump(): void {
    if (this.pumpScheduled || !this.started) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      try {
        this.dispatchRound();
      } catch (err) {
        this.log.error('dispatch round failed', { error: err });
      }
    });
  }

  /** The fair share's sliding window (ms). */
  private windowMs(): number {
    // Read for every user the order charges: kept until the settings change (settings.changed clears it).
    this.window ??= this.o.store.settings.get().usage.windowMinutes * 60_000;
    return this.window;
  }

  /** Expected GPU time of a job (ms): its estimate, else a typical job's, else 10 s. */
  costOf(job: Job): number {
    return this.costs.of(job);
  }

  /** What the scheduler decides with now: GPU time charged per user, expected costs, the desktop's priority. */
  private share(now: number): ShareContext {
    return {
      desktopPriority: this.o.store.settings.get().queue.desktopPriority,
      chargeOf: (userId) => this.usage.charge(userId, now),
      costOf: (job) => this.costOf(job),
      costRevision: this.estimator.revision,
    };
  }

  /** The queued jobs in dispatch order. */
  private queuedOrder(): readonly Job[] {
    return this.queued.order(this.share(this.o.clock.now()));
  }

  /** A user's waiting jobs (for quotas and /usage). */
  waitingOf(userId: string): Job[] {
    return this.queued.jobsOf(userId);
  }

  private dispatchRound(): void {
    if (!this.started) return;
    const settings = this.o.store.settings.get();
    const now = this.o.clock.now();
    const { waiting, recheck } = dispatchRound({
      workflows: this.o.workflows,
      backends: this.o.backends,
      runs: this.runs,
      router: this.router,
      waits: this.waits,
      queued: this.queued,
      share: this.share(now),
      paused: settings.queue.paused,
      now,
      fail: (jobId, error, reason, hint) =>
        void this.end(jobId, 'failed', error, reason, ['queued'], hint ? { hint } : {}),
      begin: (job, workflow, backend) => this.runs.begin(job, workflow, backend),
    });
    // A backend may come online or report its models without a change event: look again soon.
    if (waiting) this.retryLater();
    if (recheck.length > 0) this.watch.recheckModels(recheck);
    this.endOverdue(settings.queue.backendWaitMinutes * 60_000, now);
    this.watch.check();
    this.replan();
    this.feed.scheduleStandings(() => this.plan());
  }

  /** Jobs that had no ComfyUI for longer than the setting fail with what they waited for; the next deadline is timed. */
  private endOverdue(limitMs: number, now: number): void {
    for (const { jobId, error } of this.waits.overdue(now, limitMs))
      this.end(jobId, 'failed', error, 'waited too long', ['queued'], { hint: FAILURE_HINTS.noComfy });
    this.waits.timeNextDeadline(this.o.clock, now, limitMs, () => this.pump());
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, 2_000);
  }

  /** Move a job to an ended state (once), drop its live state, tell everyone, and schedule the next. */
  private end(
    jobId: string,
    status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>,
    error: string | null,
    reason: string,
    from?: JobStatus[],
    more: { hint?: string } = {},
  ): Job | null {
    let job: Job;
    try {
      const patch = { ...(error !== null ? { error } : {}), ...(more.hint ? { errorHint: more.hint } : {}) };
      job = this.o.store.jobs.transition(jobId, status, patch, { reason, ...(from ? { from } : {}) });
    } catch (err) {
      if (!(err instanceof JobEndedError)) this.log.debug('end skipped', { job: jobId, error: (err as Error).message });
      return null;
    }
    this.runs.forget(jobId);
    this.log.info(`job ${status}`, { job: jobId, ...(error ? { error } : {}) });
    this.changed(job);
    this.pump();
    return job;
  }

  /** Keep the in-memory queue in step with a job's state. */
  private track(job: Job): void {
    if (job.status === 'queued') {
      if (!this.loading && !this.queued.hasUser(job.userId) && this.usage.inFlight(job.userId) === 0) {
        const active = [...this.queued.users(), ...[...this.underway.values()].map((j) => j.userId)];
        this.usage.arrive(job.userId, job.shareWeight, this.o.clock.now(), active);
      }
      this.queued.set(job);
      this.underway.delete(job.id);
      return;
    }
    const wasWaiting = this.queued.has(job);
    if (ACTIVE_STATUSES.includes(job.status)) {
      this.underway.set(job.id, job);
      this.queued.delete(job);
      this.waits.forget(job);
    } else {
      this.queued.delete(job);
      this.underway.delete(job.id);
      this.waits.forget(job);
    }
    if (wasWaiting && !this.queued.hasUser(job.userId)) this.usage.idle(job.userId);
  }

  private changed(job: Job): void {
    this.track(job);
    this.replan();
    this.o.events.emit('job.changed', job);
  }

  /** A job by id; not_found when there is none. */
  get(id: string): Job {
    const job = this.o.store.jobs.get(id);
    if (!job) throw new ApiError({ code: 'not_found', message: `There is no job ${id}.` });
    return job;
  }

  /** Jobs a previous run left on ComfyUI (see recovery.ts). */
  private recover(): void {
    recoverJobs(
      this.o.store.jobs.byStatus(['submitted', 'running', 'collecting']),
      { workflows: this.o.workflows, backends: this.o.backends },
      {
        follow: (job, backend, graph) => this.runs.follow(job, backend, graph),
        fail: (jobId, message, reason) => void this.end(jobId, 'failed', message, reason),
        retryOrFail: (jobId, err) => this.runs.failOrRetry(jobId, err),
      },
    );
  }
}
