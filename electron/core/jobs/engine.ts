/**
 * The jobs engine: a job is stored before anything is sent; the scheduler hands queued jobs to backends in fair
 * order (round robin by user), keeping each backend's pipeline full (its running prompt plus one waiting);
 * progress, completion, collection into the library, cancel, retries of backend faults, and recovery after a
 * restart all go through here. Every state change is a transaction in the jobs table and a `job.changed` event.
 */
import { ApiError, refusal } from '@shared/api';
import type { QueueSnapshot } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job, type JobStatus } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { Placement } from '@core/comfy/backends/placement';
import type { IntRange } from '@core/comfy/backends/routing';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { JobProgress } from '@core/comfy/protocol/progress';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import { JobEndedError } from '@core/store/jobs-repo';
import type { LoadedWorkflow, WorkflowRegistry } from '@core/workflows/registry';
import { fairOrder } from './fair-order';
import { ProgressFeed } from './progress-feed';
import { recoverJobs } from './recovery';
import { uuidv7Factory } from './job-id';
import { classifyFailure, FAILURE_HINTS } from './failure';
import { uploadJobInputs, type InputStore } from './inputs';
import { collectResults } from './collect-results';
import { buildGraph, requirementsOf } from './prepare';
import { DurationEstimator, workOf } from './estimates';
import { planQueue, type PlannedJob } from './queue-plan';
import { WaitBook } from './waiting';
import {
  prepareNewJob,
  rerunRequest,
  storeNewJob,
  storePrepared,
  type RequestDeps,
  type RerunRequest,
  type SubmitRequest,
} from './requests';
import { MAX_RETRIES, PIPELINE_DEPTH, type JobBackends, type JobLibrary } from './types';

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

type Phase = 'dispatching' | 'submitted' | 'running' | 'collecting';
interface Inflight {
  phase: Phase;
  backendId: string;
  promptId: string | null;
  /** ComfyUI is done with it (`executing {node: null}`): its slot in the backend's pipeline is free. */
  executed?: boolean;
}

export class JobEngine {
  private readonly inflight = new Map<string, Inflight>();
  /** Every queued job (kept in step with the table by `changed`), so scheduling rounds never read the database. */
  private readonly queued = new Map<string, Job>();
  /** Every job that left the queue but is not over (submitted, running, collecting), kept in step like `queued`. */
  private readonly underway = new Map<string, Job>();
  /** Why each queued job waits, and since when it has had no ComfyUI at all. */
  private readonly waits = new WaitBook();
  /** How long jobs take (GPU time of recent runs), for wait estimates. */
  readonly estimator: DurationEstimator;
  private deadlineTimer: ClockTimer | null = null;
  private readonly byPrompt = new Map<string, string>();
  private readonly cancelRequested = new Set<string>();
  private readonly lastServed = new Map<string, number>();
  private serveSeq = 0;
  private readonly feed: ProgressFeed;
  private readonly attached = new WeakSet<ComfyBackend>();
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
      seedLimits: (workflowId, spec) => this.seedLimits(workflowId, spec.targets),
    };
    this.estimator = new DurationEstimator(
      o.store.jobs
        .recentRuns(500)
        .flatMap((j) =>
          j.backendId && j.execMs
            ? [{ workflow: j.workflow, backendId: j.backendId, execMs: j.execMs, work: workOf(j.params) }]
            : [],
        ),
    );
    this.log = o.logger.child('jobs');
    this.feed = new ProgressFeed({
      jobs: o.store.jobs,
      events: o.events,
      clock: o.clock,
      noticeOf: (job) => this.noticeOf(job),
      ...(o.progressIntervalMs !== undefined ? { intervalMs: o.progressIntervalMs } : {}),
    });
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Reconcile jobs left running by a previous run, then start scheduling. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe.push(this.o.backends.onChange(() => this.pump()));
    this.unsubscribe.push(this.o.events.on('settings.changed', () => this.pump()));
    this.queued.clear();
    this.underway.clear();
    for (const job of this.o.store.jobs.byStatus(ACTIVE_STATUSES)) this.track(job);
    this.recover();
    this.pump();
  }

  stop(): void {
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
    this.feed.stop();
    if (this.retryTimer) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.deadlineTimer) this.o.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
  }

  // ------------------------------------------------------------------------------------------- requests

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
   * Refuse at once a request no enabled ComfyUI can ever run (files or node classes missing on every one, after
   * their model folders were read again), naming what is missing and how to get it. One that may run later
   * (ComfyUI starting, offline) is taken: it waits with its reason.
   */
  async ensureRunnable(job: { workflow: string; models?: Job['models']; lora?: Job['lora'] }): Promise<void> {
    const workflow = this.o.workflows.get(job.workflow);
    if (!workflow) return;
    const req = requirementsOf(workflow.manifest, { models: job.models ?? {}, lora: job.lora ?? null });
    let placement = this.o.backends.place(req);
    if (placement.kind === 'wait' && placement.why === 'checking' && !placement.recheck) {
      // A ComfyUI that just came online is still listing its nodes and models: wait for that (briefly).
      await this.o.backends.capabilitiesSettled();
      placement = this.o.backends.place(req);
    }
    if (placement.kind === 'wait' && placement.recheck) {
      await this.o.backends.recheckModels(placement.recheck);
      placement = this.o.backends.place(req);
    }
    if (placement.kind === 'never')
      throw refusal('unavailable', 'Cannot run here yet', `${placement.reason}.`, placement.hint);
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
    this.cancelRequested.add(id);
    const backend = job.backendId ? this.o.backends.get(job.backendId) : undefined;
    if (!backend || !job.promptId) {
      return { job: this.end(id, 'cancelled', null, 'cancelled (backend gone)') ?? this.get(id), action: 'removed' };
    }
    let result: 'deleted' | 'interrupting' | 'not-found';
    try {
      result = await backend.cancel(job.promptId);
    } catch (err) {
      this.cancelRequested.delete(id);
      throw new ApiError({
        code: 'unavailable',
        message: `Could not reach ComfyUI to cancel the job: ${(err as Error).message}`,
      });
    }
    if (result === 'not-found') {
      // ComfyUI does not know it (any more): either it is just finishing, or it is gone.
      const outcome = backend.outcomeOf(job.promptId);
      if (outcome?.kind === 'completed') {
        this.cancelRequested.delete(id);
        return { job: this.get(id), action: 'already-ended' };
      }
      return { job: this.end(id, 'cancelled', null, 'cancelled (not on ComfyUI)') ?? this.get(id), action: 'removed' };
    }
    return { job: this.get(id), action: result };
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

  /** Everything not over, in run order, with live progress, places, reasons and estimates; plus the latest ended jobs. */
  snapshot(): QueueSnapshot {
    const now = this.o.clock.now();
    return {
      paused: this.o.store.settings.get().queue.paused,
      active: this.plan().map((p) => ({
        job: p.job,
        progress: this.feed.viewOf(p.job, { position: p.position, wait: p.wait }, now),
      })),
      recent: this.o.store.jobs.recentEnded(30),
    };
  }

  /** Every job not over in run order, with where the waiting ones stand (queue-plan.ts). From memory only. */
  plan(): PlannedJob[] {
    const now = this.o.clock.now();
    const started = [...this.underway.values()].flatMap((job) => {
      const f = this.inflight.get(job.id);
      const backendId = job.backendId ?? f?.backendId;
      if (!backendId) return [];
      const live = this.feed.liveOf(job.id);
      const pending = job.status === 'submitted' && (!live || live.phase === 'queued');
      const done = job.status === 'collecting' || f?.executed === true;
      const estimate = this.estimator.estimate(job, backendId);
      const elapsed = live?.startedAt != null ? now - live.startedAt : 0;
      const remainingMs = done ? 0 : (live?.etaMs ?? (estimate === null ? null : Math.max(0, estimate - elapsed)));
      return [{ job, backendId, pending, remainingMs }];
    });
    return planQueue({
      started: started.sort((a, b) => (a.job.submittedAt ?? 0) - (b.job.submittedAt ?? 0)),
      queued: this.queuedOrder([...this.queued.values()]),
      waitOf: (id) => this.waits.get(id),
      paused: this.o.store.settings.get().queue.paused,
      estimator: this.estimator,
    });
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

  private queuedOrder(queued: Job[]): Job[] {
    return fairOrder(queued, {
      desktopPriority: this.o.store.settings.get().queue.desktopPriority,
      lastServed: this.lastServed,
    });
  }

  private dispatchRound(): void {
    if (!this.started) return;
    const settings = this.o.store.settings.get();
    const now = this.o.clock.now();
    const queued = this.queuedOrder([...this.queued.values()].filter((j) => !this.inflight.has(j.id)));
    const load = new Map<string, number>();
    for (const f of this.inflight.values())
      if (f.phase !== 'collecting' && !f.executed) load.set(f.backendId, (load.get(f.backendId) ?? 0) + 1);
    // Placement depends only on a job's needs: once per distinct need per round, however long the queue.
    const placements = new Map<string, Placement<ComfyBackend>>();
    const free = (b: ComfyBackend): boolean => (load.get(b.id) ?? 0) < PIPELINE_DEPTH;
    const recheck: Array<{ backendId: string; folders: string[] }> = [];
    for (const job of queued) {
      const workflow = this.o.workflows.get(job.workflow);
      if (!workflow) {
        this.end(
          job.id,
          'failed',
          `The workflow '${job.workflow}' is no longer installed.`,
          'workflow missing',
          ['queued'],
          {
            hint: 'Import the workflow again, or run the job with another one.',
          },
        );
        continue;
      }
      const key = `${job.workflow}\u0000${job.lora?.name ?? ''}\u0000${JSON.stringify(job.models)}`;
      let placement = placements.get(key);
      if (!placement) {
        placement = this.o.backends.place(requirementsOf(workflow.manifest, job));
        placements.set(key, placement);
        if (placement.kind === 'wait' && placement.recheck) recheck.push(...placement.recheck);
      }
      if (placement.kind === 'never') {
        this.end(job.id, 'failed', `${placement.reason}.`, 'no backend can run it', ['queued'], {
          hint: placement.hint,
        });
        continue;
      }
      if (placement.kind === 'wait') {
        this.waits.note(job.id, { kind: placement.why, reason: placement.reason, hint: placement.hint }, now);
        // A backend may come online or report its models without a change event: look again soon.
        this.retryLater();
        continue;
      }
      const candidates = placement.backends.map((b) => b.id);
      this.waits.note(job.id, { kind: 'queue', reason: 'In line', hint: '', candidates }, now);
      if (settings.queue.paused) continue;
      const backend = placement.backends.find(free);
      if (!backend) continue;
      load.set(backend.id, (load.get(backend.id) ?? 0) + 1);
      this.inflight.set(job.id, { phase: 'dispatching', backendId: backend.id, promptId: null });
      this.lastServed.set(job.userId, ++this.serveSeq);
      void this.dispatch(job, workflow, backend);
    }
    if (recheck.length > 0) this.recheckModels(recheck);
    this.endOverdue(settings.queue.backendWaitMinutes * 60_000, now);
    this.feed.scheduleStandings(() => this.plan());
  }

  /** Read model folders again (a file may have been added by hand); the next round sees the answer. */
  private recheckModels(targets: Array<{ backendId: string; folders: string[] }>): void {
    void this.o.backends
      .recheckModels(targets)
      .catch((err: unknown) => this.log.warn('rechecking models failed', { error: err }));
  }

  /** Jobs that had no ComfyUI for longer than the setting fail with what they waited for; the next deadline is timed. */
  private endOverdue(limitMs: number, now: number): void {
    for (const { jobId, reason } of this.waits.overdue(now, limitMs)) {
      const minutes = Math.round(limitMs / 60_000);
      this.end(
        jobId,
        'failed',
        `No ComfyUI could take it within ${minutes} minute${minutes === 1 ? '' : 's'}: ${reason}.`,
        'waited too long',
        ['queued'],
        {
          hint: 'Start ComfyUI (or check Settings → ComfyUI), then run it again. Settings → Queue sets how long jobs wait.',
        },
      );
    }
    if (this.deadlineTimer) this.o.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    const next = this.waits.nextDeadline(limitMs);
    if (next !== null) {
      this.deadlineTimer = this.o.clock.setTimeout(
        () => {
          this.deadlineTimer = null;
          this.pump();
        },
        Math.max(0, next - now),
      );
    }
  }

  /** The seed range the target nodes accept on the online backends (their /object_info), for random seeds. */
  private seedLimits(workflowId: string, targets: ReadonlyArray<{ node: string; input: string }>): IntRange | null {
    const graph = this.o.workflows.get(workflowId)?.workflow;
    let out: IntRange | null = null;
    for (const t of targets) {
      const classType = graph?.[t.node]?.class_type;
      const r = classType ? this.o.backends.intRange(classType, t.input) : null;
      if (!r) continue;
      out ??= {};
      if (r.min !== undefined) out.min = Math.max(out.min ?? -Infinity, r.min);
      if (r.max !== undefined) out.max = Math.min(out.max ?? Infinity, r.max);
    }
    return out;
  }

  private async dispatch(job: Job, workflow: LoadedWorkflow, backend: ComfyBackend): Promise<void> {
    let promptId: string | null = null;
    try {
      const images = await uploadJobInputs(job, backend.client);
      const graph = buildGraph(workflow, job, images, `ComfyDesk/${job.id}`);
      promptId = this.newId();
      let submitted: Job;
      try {
        submitted = this.o.store.jobs.transition(
          job.id,
          'submitted',
          { backendId: backend.id, promptId },
          { from: ['queued'] },
        );
      } catch {
        this.inflight.delete(job.id); // cancelled while we uploaded
        this.pump();
        return;
      }
      this.inflight.set(job.id, { phase: 'submitted', backendId: backend.id, promptId });
      this.byPrompt.set(promptId, job.id);
      this.attach(backend);
      this.changed(submitted);
      try {
        await backend.submit(graph, { promptId });
      } catch (err) {
        if (err instanceof ComfyError && (err.kind === 'timeout' || err.kind === 'server')) {
          // ComfyUI may have accepted it: let the backend reconcile with /queue and /history.
          this.log.warn('submit unanswered; reconciling', { job: job.id, error: err.message });
          backend.adopt(promptId, graph);
        } else {
          this.failOrRetry(job.id, err);
          return;
        }
      }
      this.watch(job.id, backend, promptId);
    } catch (err) {
      if (promptId === null) {
        // Nothing reached ComfyUI yet.
        if (
          err instanceof ComfyError &&
          (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'server')
        ) {
          this.log.warn('backend unavailable while preparing a job; will retry', { job: job.id, error: err.message });
          this.inflight.delete(job.id);
          this.retryLater();
          return;
        }
        this.inflight.delete(job.id);
        this.end(job.id, 'failed', err instanceof Error ? err.message : String(err), 'could not prepare', ['queued']);
        return;
      }
      this.failOrRetry(job.id, err);
    }
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, 2_000);
  }

  private watch(jobId: string, backend: ComfyBackend, promptId: string): void {
    // After stop() (the app quits, backends stop watching) the job stays as it is in the table: the next start
    // reconciles it with ComfyUI. Retrying it now would run it twice.
    backend.waitForCompletion(promptId).then(
      () => {
        if (this.started) void this.collect(jobId, backend, promptId);
      },
      (err: unknown) => {
        if (this.started) this.failOrRetry(jobId, err);
      },
    );
  }

  private attach(backend: ComfyBackend): void {
    if (this.attached.has(backend)) return;
    this.attached.add(backend);
    backend.on('progress', (promptId, progress) => this.onProgress(promptId, progress));
    // Its jobs say when their ComfyUI stops answering (and when it is back).
    backend.on('status', () => {
      for (const job of this.underway.values()) if (job.backendId === backend.id) this.feed.refresh(job.id);
    });
  }

  /** What a person should know about the ComfyUI a job is on, while it is not answering. */
  private noticeOf(job: Job): string | null {
    const backend = job.backendId ? this.o.backends.get(job.backendId) : undefined;
    if (!backend || backend.status === 'idle' || backend.status === 'busy') return null;
    const why = backend.statusDetail ? `: ${backend.statusDetail}` : '';
    return `Its ComfyUI is ${backend.status}${why}. The job goes on when it is back (or runs again once elsewhere).`;
  }

  private onProgress(promptId: string, progress: JobProgress): void {
    if (!this.started) return;
    const jobId = this.byPrompt.get(promptId);
    const state = jobId ? this.inflight.get(jobId) : undefined;
    if (!jobId || !state) return;
    if (progress.ended && !state.executed) {
      // The GPU is free for the next prompt now, before our history read and download.
      state.executed = true;
      this.recordRun(jobId, state.backendId, progress);
      this.pump();
    }
    if (state.phase === 'submitted' && progress.phase !== 'queued') {
      try {
        const running = this.o.store.jobs.transition(jobId, 'running', {}, { from: ['submitted'] });
        state.phase = 'running';
        this.changed(running);
      } catch (err) {
        this.log.debug('running transition skipped', { job: jobId, error: (err as Error).message });
      }
    }
    this.feed.update(jobId, progress);
  }

  /** The GPU time of a run, kept on the job and learned for estimates. */
  private recordRun(jobId: string, backendId: string, progress: JobProgress): void {
    if (progress.startedAt === null || progress.phase !== 'done') return;
    const execMs = Math.max(0, progress.updatedAt - progress.startedAt);
    this.o.store.jobs.setExecMs(jobId, execMs);
    const job = this.underway.get(jobId);
    if (job) this.estimator.add({ workflow: job.workflow, backendId, execMs, work: workOf(job.params) });
  }

  private async collect(jobId: string, backend: ComfyBackend, promptId: string): Promise<void> {
    const state = this.inflight.get(jobId);
    const current = this.o.store.jobs.get(jobId);
    if (!state || !current || !ACTIVE_STATUSES.includes(current.status)) return;
    let job = current;
    if (current.status !== 'collecting') {
      try {
        job = this.o.store.jobs.transition(jobId, 'collecting', {}, { from: ['submitted', 'running'] });
      } catch (err) {
        this.log.warn('collect skipped', { job: jobId, error: (err as Error).message });
        return;
      }
      this.changed(job);
    }
    state.phase = 'collecting'; // the backend is free for the next job
    this.pump();
    const outcome = await collectResults(
      { library: this.o.library, clock: this.o.clock, log: this.log, stopped: () => !this.started },
      job,
      backend,
      promptId,
    );
    if (outcome)
      this.end(
        jobId,
        outcome.status,
        outcome.error,
        outcome.reason,
        undefined,
        outcome.hint ? { hint: outcome.hint } : {},
      );
  }

  private failOrRetry(jobId: string, err: unknown): void {
    const job = this.o.store.jobs.get(jobId);
    if (!job || !ACTIVE_STATUSES.includes(job.status)) return this.forget(jobId);
    const verdict = classifyFailure(err);
    if (this.cancelRequested.has(jobId)) {
      this.end(jobId, 'cancelled', null, 'cancelled');
      return;
    }
    if (verdict.retry && job.attempts < MAX_RETRIES) {
      this.forget(jobId);
      try {
        const requeued = this.o.store.jobs.transition(
          jobId,
          'queued',
          { attempts: job.attempts + 1, backendId: null, promptId: null, progress: 0 },
          { reason: `retry: ${verdict.message}` },
        );
        this.log.warn('job retried after a backend fault', { job: jobId, reason: verdict.message });
        this.changed(requeued);
      } catch (e) {
        this.log.warn('retry skipped', { job: jobId, error: (e as Error).message });
      }
      this.pump();
      return;
    }
    const again = verdict.retry && job.attempts >= MAX_RETRIES;
    const message = again ? `${verdict.message} (it was already retried once)` : verdict.message;
    this.end(jobId, 'failed', message, 'failed', undefined, { hint: again ? FAILURE_HINTS.lostTwice : verdict.hint });
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
      job = this.o.store.jobs.transition(jobId, status, patch, {
        reason,
        ...(from ? { from } : {}),
      });
    } catch (err) {
      if (!(err instanceof JobEndedError)) this.log.debug('end skipped', { job: jobId, error: (err as Error).message });
      return null;
    }
    this.forget(jobId);
    this.log.info(`job ${status}`, { job: jobId, ...(error ? { error } : {}) });
    this.changed(job);
    this.pump();
    return job;
  }

  private forget(jobId: string): void {
    const state = this.inflight.get(jobId);
    if (state?.promptId) this.byPrompt.delete(state.promptId);
    this.inflight.delete(jobId);
    this.cancelRequested.delete(jobId);
    this.feed.forget(jobId);
  }

  /** Keep the in-memory queue in step with a job's state. */
  private track(job: Job): void {
    if (job.status === 'queued') {
      this.queued.set(job.id, job);
      this.underway.delete(job.id);
    } else if (ACTIVE_STATUSES.includes(job.status)) {
      this.underway.set(job.id, job);
      this.queued.delete(job.id);
      this.waits.forget(job.id);
    } else {
      this.queued.delete(job.id);
      this.underway.delete(job.id);
      this.waits.forget(job.id);
    }
  }

  private changed(job: Job): void {
    this.track(job);
    this.o.events.emit('job.changed', job);
  }

  /** A job by id; not_found when there is none. */
  get(id: string): Job {
    const job = this.o.store.jobs.get(id);
    if (!job) throw new ApiError({ code: 'not_found', message: `There is no job ${id}.` });
    return job;
  }

  // ------------------------------------------------------------------------------------------- recovery

  /** Jobs a previous run left on ComfyUI (see recovery.ts). */
  private recover(): void {
    recoverJobs(
      this.o.store.jobs.byStatus(['submitted', 'running', 'collecting']),
      { workflows: this.o.workflows, backends: this.o.backends },
      {
        follow: (job, backend, graph) => {
          const phase: Phase =
            job.status === 'collecting' ? 'collecting' : job.status === 'running' ? 'running' : 'submitted';
          this.inflight.set(job.id, { phase, backendId: backend.id, promptId: job.promptId });
          this.byPrompt.set(job.promptId, job.id);
          this.attach(backend);
          this.log.info('recovering job', { job: job.id, status: job.status, backend: backend.id });
          backend.adopt(job.promptId, graph);
          this.watch(job.id, backend, job.promptId);
        },
        fail: (jobId, message, reason) => void this.end(jobId, 'failed', message, reason),
        retryOrFail: (jobId, err) => this.failOrRetry(jobId, err),
      },
    );
  }
}
