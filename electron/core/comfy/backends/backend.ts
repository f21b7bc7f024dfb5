/**
 * One ComfyUI backend: owns one ComfyClient + one ComfySocket, derives a status, tracks the prompts it
 * submitted through progress.ts, and reports each one exactly once as completed / failed / interrupted.
 * After every reconnect (and on every poll tick while the socket is down) it re-checks the tracked prompts
 * through /queue and /history, so a completion that happened while disconnected is not missed and a
 * prompt that a restarted server lost is reported as such.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type ClockTimer } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import type { ComfyClient, QueueEntry } from '../protocol/client';
import { ComfyError } from '../protocol/errors';
import { collectFiles, type CollectedFile, type CollectOptions } from '../protocol/collect-outputs';
import { fileRefsOf, type HistoryEntry } from '../protocol/http-schemas';
import type { ApiGraph, BinaryFrame, ComfyMessage } from '../protocol/messages';
import { initialProgress, reduceProgress, type JobProgress, type ProgressEvent } from '../protocol/progress';
import type { ComfySocket } from '../protocol/socket';
import { TypedEmitter } from '@core/typed-emitter';
import { OutcomeBook } from './outcome-book';
import { AbandonedPrompts, type Removal } from './queue-removal';
import { BackendHealth, type BackendProblem } from './backend-health';
import { connectionOf, finalizePrompt, historyFailed, promptWentQuiet, type BackendStepsHost } from './backend-steps';
import type { CertificateInfo } from '../protocol/tls';
import { StallWatch } from './stall-watch';
import type { BackendStatus, ComfyBackendEvents, ComfyBackendOptions, CompletedJob, JobOutcome } from './backend-types';
import { BUFFER_LIMIT, LOST_MESSAGE, Rerunner, interruptedData, type Tracked } from './tracked-prompts';

export * from './backend-types';
export { LOST_MESSAGE } from './tracked-prompts';

export class ComfyBackend extends TypedEmitter<ComfyBackendEvents> {
  readonly id: string;
  readonly url: string;
  readonly client: ComfyClient;
  readonly socket: ComfySocket;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly newPromptId: () => string;
  private readonly tracked = new Map<string, Tracked>();
  private readonly outcomes = new OutcomeBook();
  /** Recent events of prompts not (yet) tracked: replayed when an old server renames a prompt. */
  private buffer: Array<{ promptId: string; event: ProgressEvent; at: number }> = [];
  private runningPromptId: string | null = null;
  private queueRemaining = 0;
  private started = false;
  /** A re-check planned while the socket is open but HTTP answers are not ComfyUI's (nothing else would retry). */
  private fatalRecheck: ClockTimer | undefined;
  private readonly rechecks = new Rerunner(
    () => this.recheckOnce(),
    () => this.started,
  );
  private readonly positions = new Rerunner(
    () => this.refreshPositions(),
    () => this.started,
  );
  /** Reachability and the status derived from it. */
  private readonly health: BackendHealth;
  /** Notices a running prompt of ours that ComfyUI has gone quiet about. */
  private readonly stalls: StallWatch;
  /** Prompts no longer ours to follow, still to be taken out of ComfyUI's queue. */
  private readonly abandoned: AbandonedPrompts;
  /** What the outcome and stall steps (backend-steps.ts) use of this backend. */
  private readonly steps: BackendStepsHost;

  constructor(opts: ComfyBackendOptions) {
    super();
    this.id = opts.id;
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? nullLogger).child(`comfy:${opts.id}`);
    this.emitterLog = this.log;
    this.newPromptId = opts.newPromptId ?? randomUUID;
    ({ client: this.client, socket: this.socket } = connectionOf(opts, this.clock, this.log));
    this.url = this.client.url;
    this.steps = {
      url: this.url,
      client: this.client,
      socket: this.socket,
      clock: this.clock,
      log: this.log,
      current: (t) => this.tracked.get(t.promptId) === t,
      apply: (t, event, now) => this.apply(t, event, now),
      settle: (promptId, outcome) => this.settle(promptId, outcome),
      noteFailure: (err) => this.noteFailure(err),
      recheck: () => this.recheck(),
    };
    this.stalls = new StallWatch({
      clock: this.clock,
      running: () => (this.runningPromptId && this.tracked.has(this.runningPromptId) ? this.runningPromptId : null),
      onStall: (promptId, silentMs) => void promptWentQuiet(this.steps, promptId, silentMs),
    });
    this.abandoned = new AbandonedPrompts(this.client, this.log);
    this.health = new BackendHealth({
      url: this.url,
      socket: this.socket,
      started: () => this.started,
      load: () => this.queueRemaining,
      onStatus: (status) => this.emit('status', status),
      onDetail: (detail) => this.emit('detail', detail),
    });
    this.socket.on('message', (m) => this.onMessage(m));
    this.socket.on('binary', (f) => this.onBinary(f));
    this.socket.on('open', () => {
      this.health.opened();
      this.connectionChanged();
      void this.recheck();
    });
    this.socket.on('close', () => this.connectionChanged());
    this.socket.on('mode', () => this.connectionChanged());
    this.socket.on('poll', () => void this.recheck());
    this.socket.on('error', (err) => {
      // While polling works, a failing socket does not make the backend unusable; and an HTTP answer that is
      // not ComfyUI's (fatal) says more than the socket's failure, so it is kept.
      // Once polling, the HTTP re-checks give the reason; a socket failure would only make it flip.
      const h = this.health;
      if (!this.socket.connected && !h.httpOk && !h.fatal && this.socket.mode === 'socket') this.noteFailure(err);
    });
  }

  get status(): BackendStatus {
    return this.health.status;
  }

  get socketConnected(): boolean {
    return this.socket.connected;
  }

  /** Prompts running + pending on this ComfyUI (all clients), as last seen. */
  load(): number {
    return this.queueRemaining;
  }

  /** Why the status is offline/error, in words; null when fine. */
  get statusDetail(): string | null {
    return this.health.lastError;
  }

  /** What kind of trouble `statusDetail` is (the proxy refused, nothing answers, an untrusted certificate). */
  get problem(): BackendProblem | null {
    return this.health.problem;
  }

  /** The certificate it presented when that was refused as not trusted (for the user to compare and trust). */
  get untrustedCertificate(): CertificateInfo | null {
    return this.health.certificate;
  }

  /** Prompt ids being tracked (submitted and not yet reported). */
  get trackedPrompts(): string[] {
    return [...this.tracked.keys()];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.health.starting = true;
    this.health.update();
    this.socket.start();
    this.stalls.start();
    void this.recheck();
  }

  /** Disconnect for good. Pending waitForCompletion() calls reject (the prompts may still run in ComfyUI). */
  async stop(): Promise<void> {
    this.started = false;
    this.stalls.stop();
    this.clock.clearTimeout(this.fatalRecheck);
    this.fatalRecheck = undefined;
    await this.socket.stop();
    await this.client.close();
    const stopped = new ComfyError(
      'unreachable',
      `Stopped watching ComfyUI at ${this.url}; the job's result is unknown.`,
      {
        url: this.url,
      },
    );
    this.outcomes.abortAll(stopped);
    this.health.update();
  }

  /** The launcher says the process is booting: show 'starting' until the socket opens (false: it gave up). */
  markStarting(starting = true): void {
    this.health.launcherStarting = starting;
    this.health.update();
  }

  /** Queue a workflow as ours and track it. Throws ComfyError / ComfyValidationError when refused. */
  async submit(
    graph: ApiGraph,
    opts: { promptId?: string; front?: boolean; extraData?: Record<string, unknown> } = {},
  ): Promise<{ promptId: string; number: number }> {
    const requested = opts.promptId ?? this.newPromptId();
    const t = this.track(requested, graph, false);
    let res: { promptId: string; number: number };
    try {
      res = await this.client.queuePrompt(graph, {
        clientId: this.socket.clientId,
        promptId: requested,
        ...(opts.front ? { front: true } : {}),
        ...(opts.extraData ? { extraData: opts.extraData } : {}),
      });
    } catch (err) {
      this.tracked.delete(requested);
      throw err;
    }
    if (res.promptId !== requested) {
      // A server older than client-chosen ids made its own: re-key and replay what already arrived.
      this.tracked.delete(requested);
      t.promptId = res.promptId;
      t.state = initialProgress(res.promptId, graph, this.clock.now());
      this.tracked.set(res.promptId, t);
      for (const b of this.buffer.filter((x) => x.promptId === res.promptId)) this.apply(t, b.event, b.at);
    }
    t.submitted = true;
    this.schedulePositions();
    return res;
  }

  /** Track a prompt queued earlier (e.g. before an app restart) and reconcile it at once. */
  adopt(promptId: string, graph: ApiGraph): void {
    if (this.tracked.has(promptId) || this.outcomes.has(promptId)) return;
    this.track(promptId, graph, true);
    void this.recheck();
  }

  progressOf(promptId: string): JobProgress | null {
    return this.tracked.get(promptId)?.state.progress ?? null;
  }

  outcomeOf(promptId: string): JobOutcome | null {
    return this.outcomes.get(promptId);
  }

  /** Resolves with the completed job; rejects with ComfyJobError when it failed or was cancelled. */
  waitForCompletion(promptId: string): Promise<CompletedJob> {
    return this.outcomes.wait(promptId, () =>
      this.tracked.has(promptId)
        ? null
        : new ComfyError('rejected', `Prompt ${promptId} is not tracked by ${this.url}.`, { url: this.url }),
    );
  }

  /**
   * Cancel one of our prompts: delete it if pending, interrupt it if running (the `interrupted` event then
   * follows from ComfyUI). Returns what was done.
   */
  async cancel(promptId: string): Promise<Removal> {
    let queue = await this.client.getQueue();
    if (queue.pending.some((e) => e.promptId === promptId)) {
      await this.client.deletePending([promptId]);
      queue = await this.client.getQueue();
      if (![...queue.running, ...queue.pending].some((e) => e.promptId === promptId)) {
        const t = this.tracked.get(promptId);
        if (t) this.apply(t, { type: 'execution_interrupted', data: interruptedData(promptId) }, this.clock.now());
        this.settle(promptId, { kind: 'interrupted' });
        return 'deleted';
      }
    }
    // Not pending (any more): interrupt it if it runs. ComfyUI then sends execution_interrupted.
    if (queue.running.some((e) => e.promptId === promptId) || this.runningPromptId === promptId) {
      return (await this.client.interrupt(promptId)).sent ? 'interrupting' : 'not-found';
    }
    return 'not-found';
  }

  /**
   * Stop following one of our prompts (its job was cancelled, or went elsewhere because this ComfyUI is gone):
   * it ends here at once as interrupted, and is taken out of ComfyUI's queue now or, while ComfyUI cannot be
   * reached, the next time it answers ('later').
   */
  abandon(promptId: string): Promise<Removal | 'later'> {
    if (this.outcomes.get(promptId)?.kind === 'completed') return Promise.resolve('not-found');
    if (this.tracked.has(promptId)) this.settle(promptId, { kind: 'interrupted' });
    return this.abandoned.add(promptId, this.started && (this.status === 'idle' || this.status === 'busy'));
  }

  /** Stream every output file of a finished prompt into `destDir`. */
  async collectOutputs(promptId: string, destDir: string, opts: CollectOptions = {}): Promise<CollectedFile[]> {
    const known = this.outcomes.get(promptId);
    const history = known?.kind === 'completed' ? known.job.history : await this.client.getHistory(promptId);
    if (!history) {
      throw new ComfyError('rejected', `ComfyUI at ${this.url} has no finished prompt ${promptId}.`, { url: this.url });
    }
    return collectFiles(this.client, fileRefsOf(history.outputs), destDir, opts);
  }

  /** Reconcile every tracked prompt with /queue and /history (after reconnects, on poll ticks). */
  recheck(): Promise<void> {
    return this.rechecks.run();
  }

  // ------------------------------------------------------------------------------------------- internals

  private track(promptId: string, graph: ApiGraph, submitted: boolean): Tracked {
    const t: Tracked = {
      promptId,
      graph,
      state: initialProgress(promptId, graph, this.clock.now()),
      submitted,
      finalizing: false,
    };
    this.tracked.set(promptId, t);
    return t;
  }

  private async recheckOnce(): Promise<void> {
    let queue;
    try {
      queue = await this.client.getQueue();
    } catch (err) {
      this.noteFailure(err);
      return;
    }
    if (this.health.answered()) this.health.update();
    // It answers: live progress again at once rather than after the socket's backoff; and what was abandoned while
    // it could not be reached leaves its queue.
    if (!this.socket.connected) this.socket.connectNow();
    if (this.abandoned.size > 0) await this.abandoned.sweep(queue);
    if (!this.socket.connected) {
      this.queueRemaining = queue.running.length + queue.pending.length;
      this.health.update();
    }
    const running = queue.running[0]?.promptId ?? null;
    if (running && this.tracked.has(running)) this.runningPromptId = running;
    this.applyPositions(queue.pending);
    const inQueue = new Set([...queue.running, ...queue.pending].map((e) => e.promptId));
    for (const t of [...this.tracked.values()]) {
      if (!t.submitted || t.finalizing || inQueue.has(t.promptId)) continue;
      let entry: HistoryEntry | null;
      try {
        entry = await this.client.getHistory(t.promptId);
      } catch (err) {
        historyFailed(this.steps, t, err);
        return;
      }
      if (entry) await finalizePrompt(this.steps, t, entry);
      else if (this.tracked.get(t.promptId) === t && !t.finalizing) {
        this.settle(t.promptId, { kind: 'failed', failure: { reason: 'lost', message: LOST_MESSAGE, error: null } });
      }
    }
  }

  private onMessage(m: ComfyMessage): void {
    const now = this.clock.now();
    if (m.type === 'status') {
      this.queueRemaining = m.data.status.exec_info.queue_remaining;
      this.health.update();
      this.schedulePositions();
      return;
    }
    if (m.type === 'unknown' || m.type === 'logs' || m.type === 'feature_flags') return;
    const promptId = 'prompt_id' in m.data ? m.data.prompt_id : undefined;
    if (m.type === 'execution_start') this.runningPromptId = m.data.prompt_id;
    const target = promptId ?? this.runningPromptId;
    if (target === null || target === undefined) return;
    const t = this.tracked.get(target);
    if (t) this.apply(t, m, now);
    else if (promptId !== undefined) this.remember(promptId, m, now);
    if (m.type === 'executing' && m.data.node === null && target === this.runningPromptId) this.runningPromptId = null;
  }

  private onBinary(frame: BinaryFrame): void {
    const target = frame.kind === 'preview_with_metadata' ? frame.metadata.prompt_id : this.runningPromptId;
    if (!target) return;
    const t = this.tracked.get(target);
    if (t) this.apply(t, { type: 'binary', frame }, this.clock.now());
  }

  private remember(promptId: string, event: ProgressEvent, at: number): void {
    this.buffer.push({ promptId, event, at });
    if (this.buffer.length > BUFFER_LIMIT) this.buffer = this.buffer.slice(-BUFFER_LIMIT / 2);
  }

  private apply(t: Tracked, event: ProgressEvent, now: number): void {
    if (event.type !== 'queue_position') this.stalls.heard(t.promptId, now);
    const next = reduceProgress(t.state, event, now);
    if (next === t.state) return;
    t.state = next;
    this.emit('progress', t.promptId, next.progress);
    if (next.progress.ended && !t.finalizing) void finalizePrompt(this.steps, t, null);
  }

  private settle(promptId: string, outcome: JobOutcome): void {
    this.stalls.forget(promptId);
    if (this.outcomes.has(promptId)) return;
    this.tracked.delete(promptId);
    this.outcomes.add(promptId, outcome);
    if (this.runningPromptId === promptId) this.runningPromptId = null;
    if (outcome.kind === 'completed') this.emit('completed', promptId, outcome.job);
    else if (outcome.kind === 'failed') this.emit('failed', promptId, outcome.failure);
    else this.emit('interrupted', promptId);
    this.outcomes.deliver(promptId);
  }

  /** Refresh queue positions of our queued prompts (coalesced: at most one /queue call in flight). */
  private schedulePositions(): void {
    const anyQueued = [...this.tracked.values()].some((t) => t.submitted && t.state.progress.phase === 'queued');
    if (anyQueued) void this.positions.run();
  }

  private async refreshPositions(): Promise<void> {
    try {
      this.applyPositions((await this.client.getQueue()).pending);
    } catch (err) {
      this.log.debug('queue refresh failed', { error: String(err) });
    }
  }

  private applyPositions(pending: QueueEntry[]): void {
    pending.forEach((e, i) => {
      const t = this.tracked.get(e.promptId);
      if (t) this.apply(t, { type: 'queue_position', position: i }, this.clock.now());
    });
  }

  private noteFailure(err: unknown): void {
    const fatal = this.health.failed(err);
    if (fatal && this.started && this.socket.connected && !this.fatalRecheck) {
      this.fatalRecheck = this.clock.setTimeout(() => {
        this.fatalRecheck = undefined;
        void this.recheck();
      }, this.socket.pollIntervalMs);
      this.fatalRecheck.unref?.();
    }
  }

  private connectionChanged(): void {
    this.health.socketChanged();
    this.emit('connection', { connected: this.socket.connected, mode: this.socket.mode });
    this.health.update();
  }
}
