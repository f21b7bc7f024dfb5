/**
 * Jobs on their way through ComfyUI: sending one (inputs uploaded, graph built, queued under our own prompt id),
 * following its progress, collecting its results into the library when ComfyUI is done, and deciding what a
 * fault means (a backend fault is retried once; anything else fails with what helps). The engine decides which
 * job goes where (engine.ts); this keeps track of each one from then on.
 */
import { ACTIVE_STATUSES, type Job, type JobStatus } from '@shared/jobs';
import type { Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { ApiGraph } from '@core/workflows/graph';
import type { JobProgress } from '@core/comfy/protocol/progress';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { LoadedWorkflow } from '@core/workflows/registry';
import { classifyFailure, FAILURE_HINTS } from './failure';
import { uploadJobInputs } from './inputs';
import { collectResults } from './collect-results';
import { buildGraph } from './prepare';
import { workOf, type DurationEstimator } from './estimates';
import type { ProgressFeed } from './progress-feed';
import type { UsageBook } from './usage-book';
import { MAX_RETRIES, PIPELINE_DEPTH, type JobBackends, type JobLibrary } from './types';

/** How long a cancel waits for ComfyUI to say what it did (the job is cancelled here before that in any case). */
const CANCEL_ANSWER_MS = 3_000;

/** What the engine lends the runs: its stores, and the moves only it makes (ending a job, scheduling the next). */
export interface RunHost {
  store: Store;
  backends: Pick<JobBackends, 'get'>;
  library: JobLibrary;
  clock: Clock;
  log: Logger;
  feed: ProgressFeed;
  estimator: DurationEstimator;
  /** GPU time per user for the fair share: what is in flight, what runs used. */
  usage: UsageBook;
  /** Expected GPU time of a job (ms), as the scheduler charged it. */
  costOf(job: Job): number;
  /** Jobs that left the queue and are not over. */
  underway: ReadonlyMap<string, Job>;
  newId(): string;
  started(): boolean;
  changed(job: Job): void;
  end(
    jobId: string,
    status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>,
    error: string | null,
    reason: string,
    from?: JobStatus[],
    more?: { hint?: string },
  ): Job | null;
  pump(): void;
  retryLater(): void;
  replan(): void;
}

type Phase = 'dispatching' | 'submitted' | 'running' | 'collecting';
interface Run {
  phase: Phase;
  backendId: string;
  promptId: string | null;
  /** ComfyUI is done with it (`executing {node: null}`): its slot in the backend's pipeline is free. */
  executed?: boolean;
  /** Its GPU time is counted (on the job and for the fair share). */
  recorded?: boolean;
}

export class JobRuns {
  private readonly runs = new Map<string, Run>();
  private readonly byPrompt = new Map<string, string>();
  private readonly attached = new WeakSet<ComfyBackend>();

  constructor(private readonly h: RunHost) {}

  /** The job has left the queue for a backend (or is on its way). */
  has(jobId: string): boolean {
    return this.runs.has(jobId);
  }

  /** Where a job that left the queue went, and whether ComfyUI is done with it. */
  runOf(jobId: string): Readonly<Run> | undefined {
    return this.runs.get(jobId);
  }

  /** Prompts each backend is working on or holds next (its pipeline; at most PIPELINE_DEPTH). */
  load(): Map<string, number> {
    const load = new Map<string, number>();
    for (const f of this.runs.values())
      if (f.phase !== 'collecting' && !f.executed) load.set(f.backendId, (load.get(f.backendId) ?? 0) + 1);
    return load;
  }

  /** Has the backend room for one more prompt? */
  hasRoom(load: ReadonlyMap<string, number>, backendId: string): boolean {
    return (load.get(backendId) ?? 0) < PIPELINE_DEPTH;
  }

  /** Send a queued job to a backend. */
  begin(job: Job, workflow: LoadedWorkflow, backend: ComfyBackend): void {
    this.runs.set(job.id, { phase: 'dispatching', backendId: backend.id, promptId: null });
    this.h.usage.dispatched(
      job.id,
      { userId: job.userId, guildId: job.guildId, costMs: this.h.costOf(job) },
      job.shareWeight,
    );
    void this.dispatch(job, workflow, backend);
  }

  /** Follow a job a previous run of the app left on ComfyUI. */
  follow(job: Job & { promptId: string }, backend: ComfyBackend, graph: ApiGraph): void {
    const phase: Phase =
      job.status === 'collecting' ? 'collecting' : job.status === 'running' ? 'running' : 'submitted';
    this.runs.set(job.id, { phase, backendId: backend.id, promptId: job.promptId, recorded: phase === 'collecting' });
    if (phase !== 'collecting') {
      const startedAt = phase === 'running' ? job.startedAt : null;
      const flight = { userId: job.userId, guildId: job.guildId, costMs: this.h.costOf(job), startedAt };
      this.h.usage.dispatched(job.id, flight, job.shareWeight);
    }
    this.byPrompt.set(job.promptId, job.id);
    this.attach(backend);
    this.h.log.info('recovering job', { job: job.id, status: job.status, backend: backend.id });
    backend.adopt(job.promptId, graph);
    this.watch(job.id, backend, job.promptId);
  }

  /**
   * Cancel a job that left the queue. It ends cancelled here at once, whatever state its ComfyUI is in; taking it
   * out of ComfyUI's queue (deleted while it waits, interrupted while it runs) is done now when ComfyUI answers,
   * else the next time it does (ComfyBackend.abandon).
   */
  async cancel(job: Job): Promise<{ job: Job; action: 'removed' | 'deleted' | 'interrupting' | 'already-ended' }> {
    const id = job.id;
    const current = (): Job => this.h.store.jobs.get(id) ?? job;
    const promptId = this.runs.get(id)?.promptId ?? job.promptId;
    const backend = job.backendId ? this.h.backends.get(job.backendId) : undefined;
    if (backend && promptId && backend.outcomeOf(promptId)?.kind === 'completed') {
      return { job: current(), action: 'already-ended' }; // done on ComfyUI: its results are on their way
    }
    const ended = this.h.end(id, 'cancelled', null, backend ? 'cancelled' : 'cancelled (backend gone)');
    if (!ended) return { job: current(), action: 'already-ended' };
    if (!backend || !promptId) return { job: ended, action: 'removed' };
    const removal = await this.boundedRemoval(backend.abandon(promptId));
    if (removal === 'later') this.h.log.info('cancelled while its ComfyUI is unreachable', { job: id, promptId });
    return { job: ended, action: removal === 'deleted' || removal === 'interrupting' ? removal : 'removed' };
  }

  /** The answer of a removal from ComfyUI's queue, or 'later' when ComfyUI takes too long to give it. */
  private async boundedRemoval(
    removal: Promise<'deleted' | 'interrupting' | 'not-found' | 'later'>,
  ): Promise<'deleted' | 'interrupting' | 'not-found' | 'later'> {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const late = new Promise<'later'>((resolve) => {
      timer = this.h.clock.setTimeout(() => resolve('later'), CANCEL_ANSWER_MS);
      timer.unref?.();
    });
    try {
      return await Promise.race([removal, late]);
    } finally {
      this.h.clock.clearTimeout(timer);
    }
  }

  /**
   * The job's backend is gone for good: stop following its run there (its prompt is taken out of that ComfyUI's
   * queue if it ever answers again). The caller decides what becomes of the job (backend-gone.ts).
   */
  release(jobId: string, backend: ComfyBackend | undefined): void {
    const promptId = this.runs.get(jobId)?.promptId;
    this.forget(jobId);
    if (backend && promptId) void backend.abandon(promptId);
  }

  private async dispatch(job: Job, workflow: LoadedWorkflow, backend: ComfyBackend): Promise<void> {
    let promptId: string | null = null;
    try {
      const images = await uploadJobInputs(job, backend.client);
      const graph = buildGraph(workflow, job, images, `ComfyDesk/${job.id}`);
      promptId = this.h.newId();
      let submitted: Job;
      try {
        submitted = this.h.store.jobs.transition(
          job.id,
          'submitted',
          { backendId: backend.id, promptId },
          { from: ['queued'] },
        );
      } catch {
        this.forget(job.id); // cancelled while we uploaded
        this.h.pump();
        return;
      }
      this.runs.set(job.id, { phase: 'submitted', backendId: backend.id, promptId });
      this.byPrompt.set(promptId, job.id);
      this.attach(backend);
      this.h.changed(submitted);
      try {
        await backend.submit(graph, { promptId });
      } catch (err) {
        if (err instanceof ComfyError && (err.kind === 'timeout' || err.kind === 'server')) {
          // ComfyUI may have accepted it: let the backend reconcile with /queue and /history.
          this.h.log.warn('submit unanswered; reconciling', { job: job.id, error: err.message });
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
          this.h.log.warn('backend unavailable while preparing a job; will retry', { job: job.id, error: err.message });
          this.forget(job.id);
          this.h.retryLater();
          return;
        }
        this.forget(job.id);
        this.h.end(job.id, 'failed', err instanceof Error ? err.message : String(err), 'could not prepare', ['queued']);
        return;
      }
      this.failOrRetry(job.id, err);
    }
  }

  private watch(jobId: string, backend: ComfyBackend, promptId: string): void {
    // After stop() (the app quits, backends stop watching) the job stays as it is in the table: the next start
    // reconciles it with ComfyUI. Retrying it now would run it twice. A run the job no longer has (cancelled,
    // released from a gone backend, retried elsewhere) is not its business any more either.
    const mine = () => this.h.started() && this.runs.get(jobId)?.promptId === promptId;
    backend.waitForCompletion(promptId).then(
      () => {
        if (mine()) void this.collect(jobId, backend, promptId);
      },
      (err: unknown) => {
        if (mine()) this.failOrRetry(jobId, err);
      },
    );
  }

  private attach(backend: ComfyBackend): void {
    if (this.attached.has(backend)) return;
    this.attached.add(backend);
    backend.on('progress', (promptId, progress) => this.onProgress(promptId, progress));
    // Its jobs say when their ComfyUI stops answering (and when it is back).
    backend.on('status', () => {
      for (const job of this.h.underway.values()) if (job.backendId === backend.id) this.h.feed.refresh(job.id);
    });
  }

  private onProgress(promptId: string, progress: JobProgress): void {
    if (!this.h.started()) return;
    const jobId = this.byPrompt.get(promptId);
    const state = jobId ? this.runs.get(jobId) : undefined;
    if (!jobId || !state) return;
    if (progress.startedAt !== null) this.h.usage.started(jobId, progress.startedAt);
    if (progress.ended && !state.executed) {
      // The GPU is free for the next prompt now, before our history read and download.
      state.executed = true;
      this.recordRun(jobId, state.backendId, progress);
      this.h.pump();
    }
    if (state.phase === 'submitted' && progress.phase !== 'queued') {
      try {
        const running = this.h.store.jobs.transition(jobId, 'running', {}, { from: ['submitted'] });
        state.phase = 'running';
        this.h.changed(running);
      } catch (err) {
        this.h.log.debug('running transition skipped', { job: jobId, error: (err as Error).message });
      }
    }
    this.h.feed.update(jobId, progress);
  }

  /**
   * The GPU time of a run that reached its end (done, failed or interrupted): ComfyUI's own `execution_start` to
   * the prompt's end when it stamped both, else what we saw of it. Kept on the job, charged to its user for the
   * fair share, and learned for estimates when the run succeeded.
   */
  private recordRun(jobId: string, backendId: string, progress: JobProgress): void {
    const state = this.runs.get(jobId);
    const { startedAt, endedAt } = progress.gpu;
    const seenFrom = progress.startedAt ?? this.h.usage.flight(jobId)?.startedAt ?? null;
    const execMs =
      startedAt !== null && endedAt !== null
        ? Math.max(0, endedAt - startedAt)
        : seenFrom !== null
          ? Math.max(0, progress.updatedAt - seenFrom)
          : null;
    if (!state || execMs === null) {
      this.land(jobId);
      return;
    }
    this.count(jobId, state, execMs);
    const job = this.h.underway.get(jobId);
    if (job && progress.phase === 'done')
      this.h.estimator.add({ workflow: job.workflow, backendId, execMs, work: workOf(job.params) });
    this.h.replan();
  }

  /** Count a run's GPU time on the job and for its user, once; it is no longer in flight. */
  private count(jobId: string, state: Run, execMs: number): void {
    if (state.recorded) {
      this.land(jobId);
      return;
    }
    state.recorded = true;
    const at = this.h.clock.now();
    this.h.store.jobs.addExecMs(jobId, execMs, at);
    const flight = this.land(jobId);
    const userId = flight?.userId ?? this.h.underway.get(jobId)?.userId;
    if (userId) this.h.usage.record(userId, execMs, at);
  }

  private land(jobId: string): ReturnType<UsageBook['landed']> {
    return this.h.usage.landed(jobId);
  }

  private async collect(jobId: string, backend: ComfyBackend, promptId: string): Promise<void> {
    const state = this.runs.get(jobId);
    const current = this.h.store.jobs.get(jobId);
    if (!state || !current || !ACTIVE_STATUSES.includes(current.status)) return;
    let job = current;
    if (current.status !== 'collecting') {
      try {
        job = this.h.store.jobs.transition(jobId, 'collecting', {}, { from: ['submitted', 'running'] });
      } catch (err) {
        this.h.log.warn('collect skipped', { job: jobId, error: (err as Error).message });
        return;
      }
      this.h.changed(job);
    }
    state.phase = 'collecting'; // the backend is free for the next job
    this.h.pump();
    const outcome = await collectResults(
      { library: this.h.library, clock: this.h.clock, log: this.h.log, stopped: () => !this.h.started() },
      job,
      backend,
      promptId,
    );
    if (outcome)
      this.h.end(
        jobId,
        outcome.status,
        outcome.error,
        outcome.reason,
        undefined,
        outcome.hint ? { hint: outcome.hint } : {},
      );
  }

  /** A run went wrong: a backend fault is retried once elsewhere, anything else fails the job with what helps. */
  failOrRetry(jobId: string, err: unknown): void {
    const job = this.h.store.jobs.get(jobId);
    if (!job || !ACTIVE_STATUSES.includes(job.status)) return this.forget(jobId);
    const verdict = classifyFailure(err);
    if (verdict.retry && job.attempts < MAX_RETRIES) {
      this.forget(jobId);
      try {
        const requeued = this.h.store.jobs.transition(
          jobId,
          'queued',
          { attempts: job.attempts + 1, backendId: null, promptId: null, progress: 0 },
          { reason: `retry: ${verdict.message}` },
        );
        this.h.log.warn('job retried after a backend fault', { job: jobId, reason: verdict.message });
        this.h.changed(requeued);
      } catch (e) {
        this.h.log.warn('retry skipped', { job: jobId, error: (e as Error).message });
      }
      this.h.pump();
      return;
    }
    const again = verdict.retry && job.attempts >= MAX_RETRIES;
    const message = again ? `${verdict.message} (it was already retried once)` : verdict.message;
    this.h.end(jobId, 'failed', message, 'failed', undefined, { hint: again ? FAILURE_HINTS.lostTwice : verdict.hint });
  }

  /**
   * The job is over or back in the queue: drop its run. A run that started executing and never reached its end
   * (interrupted before ComfyUI said so, its ComfyUI lost) counts the GPU time it used until now.
   */
  forget(jobId: string): void {
    const state = this.runs.get(jobId);
    const started = this.h.usage.flight(jobId)?.startedAt ?? null;
    if (state && !state.recorded && started !== null) this.count(jobId, state, this.h.clock.now() - started);
    else this.land(jobId);
    if (state?.promptId) this.byPrompt.delete(state.promptId);
    this.runs.delete(jobId);
    this.h.feed.forget(jobId);
  }

  /** What a person should know about the ComfyUI a job is on, while it is not answering. */
  noticeOf(job: Job): string | null {
    const backend = job.backendId ? this.h.backends.get(job.backendId) : undefined;
    if (!backend || backend.status === 'idle' || backend.status === 'busy') return null;
    const why = backend.statusDetail ? `: ${backend.statusDetail}` : '';
    return `Its ComfyUI is ${backend.status}${why}. The job goes on when it is back (or runs again once elsewhere).`;
  }
}
