/**
 * The jobs engine: a job is stored before anything is sent; the scheduler hands queued jobs to backends in fair
 * order (round robin by user), keeping each backend's pipeline full (its running prompt plus one waiting);
 * progress, completion, collection into the library, cancel, retries of backend faults, and recovery after a
 * restart all go through here. Every state change is a transaction in the jobs table and a `job.changed` event.
 */
import { ApiError } from '@shared/api';
import type { QueueSnapshot } from '@shared/api/jobs';
import { ACTIVE_STATUSES, type Job, type JobStatus } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { JobProgress } from '@core/comfy/protocol/progress';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import { JobEndedError } from '@core/store/jobs-repo';
import type { LoadedWorkflow, WorkflowRegistry } from '@core/workflows/registry';
import { fairOrder } from './fair-order';
import { ProgressFeed } from './progress-feed';
import { queueSnapshot } from './queue-snapshot';
import { recoverJobs } from './recovery';
import { uuidv7Factory } from './job-id';
import { classifyFailure } from './failure';
import { uploadJobInputs, type InputStore } from './inputs';
import { collectResults } from './collect-results';
import { buildGraph, requirementsOf } from './prepare';
import {
  prepareNewJob,
  rerunRequest,
  storeNewJob,
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
    };
    this.log = o.logger.child('jobs');
    this.feed = new ProgressFeed({
      jobs: o.store.jobs,
      events: o.events,
      clock: o.clock,
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
    for (const job of this.o.store.jobs.byStatus(['queued'])) this.queued.set(job.id, job);
    this.recover();
    this.pump();
  }

  stop(): void {
    this.started = false;
    for (const off of this.unsubscribe.splice(0)) off();
    this.feed.stop();
    if (this.retryTimer) this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
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
  check(raw: SubmitRequest, images: number): void {
    prepareNewJob(this.requests, raw, images);
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

  /** Everything not over, in run order, with live progress; plus the latest ended jobs. */
  snapshot(): QueueSnapshot {
    const order = (queued: Job[]) => this.queuedOrder(queued);
    return queueSnapshot(
      this.o.store,
      order,
      (job, position, now) => this.feed.viewOf(job, position, now),
      this.o.clock.now(),
    );
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
    const queued = this.queuedOrder([...this.queued.values()].filter((j) => !this.inflight.has(j.id)));
    if (!settings.queue.paused && queued.length > 0) {
      const load = new Map<string, number>();
      for (const f of this.inflight.values())
        if (f.phase !== 'collecting' && !f.executed) load.set(f.backendId, (load.get(f.backendId) ?? 0) + 1);
      // Ranking depends only on a job's needs: once per distinct need per round, however long the queue.
      const rankings = new Map<string, ComfyBackend[]>();
      const free = (b: ComfyBackend): boolean => (load.get(b.id) ?? 0) < PIPELINE_DEPTH;
      for (const job of queued) {
        const workflow = this.o.workflows.get(job.workflow);
        if (!workflow) {
          this.end(job.id, 'failed', `The workflow '${job.workflow}' is no longer installed.`, 'workflow missing', [
            'queued',
          ]);
          continue;
        }
        const key = `${job.workflow}\u0000${job.lora?.name ?? ''}\u0000${JSON.stringify(job.models)}`;
        let ranked = rankings.get(key);
        if (!ranked) {
          ranked = this.o.backends.rank(requirementsOf(workflow.manifest, job));
          rankings.set(key, ranked);
        }
        const backend = ranked.find(free);
        if (!backend) {
          // None can take it now. When none could at all (offline, capabilities not fetched yet), look again soon.
          if (ranked.length === 0) this.retryLater();
          continue;
        }
        load.set(backend.id, (load.get(backend.id) ?? 0) + 1);
        this.inflight.set(job.id, { phase: 'dispatching', backendId: backend.id, promptId: null });
        this.lastServed.set(job.userId, ++this.serveSeq);
        void this.dispatch(job, workflow, backend);
      }
    }
    this.feed.schedulePositions(() =>
      this.queuedOrder([...this.queued.values()].filter((j) => !this.inflight.has(j.id))),
    );
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
  }

  private onProgress(promptId: string, progress: JobProgress): void {
    if (!this.started) return;
    const jobId = this.byPrompt.get(promptId);
    const state = jobId ? this.inflight.get(jobId) : undefined;
    if (!jobId || !state) return;
    if (progress.ended && !state.executed) {
      // The GPU is free for the next prompt now, before our history read and download.
      state.executed = true;
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
    if (outcome) this.end(jobId, outcome.status, outcome.error, outcome.reason);
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
    const message =
      verdict.retry && job.attempts >= MAX_RETRIES
        ? `${verdict.message} (it was already retried once)`
        : verdict.message;
    this.end(jobId, 'failed', message, 'failed');
  }

  /** Move a job to an ended state (once), drop its live state, tell everyone, and schedule the next. */
  private end(
    jobId: string,
    status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>,
    error: string | null,
    reason: string,
    from?: JobStatus[],
  ): Job | null {
    let job: Job;
    try {
      job = this.o.store.jobs.transition(jobId, status, error !== null ? { error } : {}, {
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

  private changed(job: Job): void {
    if (job.status === 'queued') this.queued.set(job.id, job);
    else this.queued.delete(job.id);
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
