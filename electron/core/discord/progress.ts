/**
 * One progress message per job, kept current: edits go out at most once per `intervalMs` (1.5 s) per message,
 * updates in between are coalesced (the latest state wins), and the preview image is uploaded only when it
 * changed. Within the interaction token's lifetime edits use the interaction webhook; after it (jobs longer than
 * 15 minutes) they use the bot token on the channel message. 429s are the REST client's business: discord.js
 * waits `retry_after` and the next coalesced state goes out after.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import type { JobProgressView } from '@shared/api/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { Logger } from '../log';

export const EDIT_INTERVAL_MS = 1500;
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** Stop using the interaction token this long before it expires. */
const TOKEN_MARGIN_MS = 60 * 1000;

export interface ProgressTarget {
  applicationId: string;
  interactionToken: string | null;
  /** When the interaction was created (ms, on the bot's clock). */
  interactionAt: number;
  channelId: string | null;
  messageId: string;
}

export interface EditPayload {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** A new preview image; omitted = keep whatever is attached. */
  preview?: { name: string; data: Buffer } | undefined;
  /** Remove every attachment (final states). */
  clearAttachments?: boolean;
}

export interface EditResult {
  /** The image URL Discord gave the embed (so an unchanged preview is referenced without re-uploading). */
  imageUrl: string | null;
}

/** How edits reach Discord (discord.js REST in the bot, a recorder in unit tests). */
export interface ProgressSink {
  edit(target: ProgressTarget, via: 'interaction' | 'channel', payload: EditPayload): Promise<EditResult>;
}

/** Builds the message for a state; `previewUrl` is where the current preview is (attachment:// or a CDN URL). */
export type ProgressRenderer = (
  jobId: string,
  view: JobProgressView | null,
  previewUrl: string | null,
) => Omit<EditPayload, 'preview'>;

interface State {
  target: ProgressTarget | null;
  latest: JobProgressView | null;
  dirty: boolean;
  lastEditAt: number;
  timer: ClockTimer | null;
  inFlight: boolean;
  sentPreviewSeq: number;
  previewUrl: string | null;
  final: Omit<EditPayload, 'preview'> | null;
  finalSent: Array<() => void>;
  edits: number;
  gone: boolean;
}

export interface ProgressOptions {
  clock: Clock;
  sink: ProgressSink;
  render: ProgressRenderer;
  logger: Logger;
  intervalMs?: number;
  tokenLifetimeMs?: number;
  /**
   * Edits per second across all progress messages (default 35): with many jobs at once each message is edited
   * less often, so progress never eats the REST budget (discord.js holds the bot to 50 requests/s) that
   * results and acknowledgements need.
   */
  editsPerSecond?: number;
}

/**
 * Error codes that mean the message can no longer be edited: unknown channel / message, no access, and 30046
 * (Discord's cap on edits to messages older than an hour; retrying only adds refused requests).
 */
const GONE_CODES = new Set([10003, 10008, 50001, 30046]);

export class ProgressMessenger {
  private readonly states = new Map<string, State>();
  /** Jobs whose message can no longer be edited (deleted, no access): their updates are dropped until they end. */
  private readonly goneJobs = new Set<string>();
  private readonly interval: number;
  private readonly tokenLifetime: number;
  private readonly budget: number;
  /** Edits sent per job (for the bench and tests), kept after the job's message is done. */
  readonly editCounts = new Map<string, number>();

  constructor(private readonly o: ProgressOptions) {
    this.interval = o.intervalMs ?? EDIT_INTERVAL_MS;
    this.tokenLifetime = o.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
    this.budget = o.editsPerSecond ?? 35;
  }

  /** The least time between two edits of one message now: 1.5 s, longer when many messages are live. */
  currentInterval(): number {
    let live = 0;
    for (const s of this.states.values()) if (s.target && !s.gone) live++;
    return Math.max(this.interval, Math.ceil((live * 1000) / this.budget));
  }

  has(jobId: string): boolean {
    return this.states.has(jobId);
  }

  /** The message exists (just sent): later updates edit it. `sentAt` counts as its last edit. */
  attach(jobId: string, target: ProgressTarget): void {
    this.goneJobs.delete(jobId);
    const state = this.state(jobId);
    state.target = target;
    state.lastEditAt = this.o.clock.now();
    this.schedule(jobId, state);
  }

  /** A new progress state; only the latest one pending is sent. */
  update(view: JobProgressView): void {
    if (this.goneJobs.has(view.jobId)) return;
    const state = this.state(view.jobId);
    if (state.final) return;
    state.latest = view;
    state.dirty = true;
    this.schedule(view.jobId, state);
  }

  /**
   * The job is over: send this final state at once (it must be on the message before the result appears, so it
   * does not wait for the edit interval), then forget the job. Resolves once sent.
   */
  finish(jobId: string, final: Omit<EditPayload, 'preview'>): Promise<void> {
    this.goneJobs.delete(jobId);
    const state = this.states.get(jobId);
    if (!state || state.gone) {
      this.states.delete(jobId);
      return Promise.resolve();
    }
    state.final = final;
    state.dirty = true;
    const done = new Promise<void>((resolve) => state.finalSent.push(resolve));
    if (!state.target) {
      // No message was ever attached (the command failed before): nothing to edit.
      this.forget(jobId, state);
      return Promise.resolve();
    }
    this.schedule(jobId, state);
    return done;
  }

  /** Drop a job without a final edit. */
  drop(jobId: string): void {
    const state = this.states.get(jobId);
    if (state) this.forget(jobId, state);
  }

  /** Stop every timer (bot stopping). */
  stopAll(): void {
    for (const [jobId, state] of this.states) this.forget(jobId, state);
  }

  private state(jobId: string): State {
    let s = this.states.get(jobId);
    if (!s) {
      s = {
        target: null,
        latest: null,
        dirty: false,
        lastEditAt: -Infinity,
        timer: null,
        inFlight: false,
        sentPreviewSeq: 0,
        previewUrl: null,
        final: null,
        finalSent: [],
        edits: 0,
        gone: false,
      };
      this.states.set(jobId, s);
    }
    return s;
  }

  private schedule(jobId: string, state: State): void {
    if (state.final && state.timer) {
      this.o.clock.clearTimeout(state.timer);
      state.timer = null;
    }
    if (!state.target || state.inFlight || state.timer || !state.dirty || state.gone) return;
    const wait = state.final ? 0 : Math.max(0, state.lastEditAt + this.currentInterval() - this.o.clock.now());
    if (wait === 0) {
      void this.flush(jobId, state);
      return;
    }
    state.timer = this.o.clock.setTimeout(() => {
      state.timer = null;
      void this.flush(jobId, state);
    }, wait);
    state.timer.unref?.();
  }

  private async flush(jobId: string, state: State): Promise<void> {
    const target = state.target;
    if (!target || !state.dirty || state.inFlight || state.gone || this.states.get(jobId) !== state) return;
    state.dirty = false;
    state.inFlight = true;
    const final = state.final;
    let payload: EditPayload;
    const view = state.latest;
    let newSeq: number | null = null;
    if (final) {
      payload = final;
    } else {
      const preview = view?.preview && view.previewSeq !== state.sentPreviewSeq ? decodeDataUrl(view.preview) : null;
      if (preview && view) newSeq = view.previewSeq;
      const url = preview ? `attachment://${preview.name}` : state.previewUrl;
      payload = { ...this.o.render(jobId, view, url), preview: preview ?? undefined };
    }
    try {
      const result = await this.send(target, payload);
      state.edits++;
      this.editCounts.set(jobId, state.edits);
      if (newSeq !== null) state.sentPreviewSeq = newSeq;
      if (result.imageUrl) state.previewUrl = result.imageUrl;
      else if (newSeq !== null && payload.preview) state.previewUrl = `attachment://${payload.preview.name}`;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && GONE_CODES.has(code)) {
        state.gone = true;
        if (!final) this.goneJobs.add(jobId);
        this.o.logger.info('progress message is gone; no more edits', { jobId, code });
      } else {
        this.o.logger.warn('progress edit failed', { jobId, error: err instanceof Error ? err.message : String(err) });
        // The next state (or the final one) tries again.
        if (!final) state.dirty = state.dirty || state.latest !== view;
      }
    } finally {
      state.inFlight = false;
      // Counted from when Discord answered, so two edits never reach it closer than the interval.
      state.lastEditAt = this.o.clock.now();
    }
    if (final || state.gone) {
      this.forget(jobId, state);
      return;
    }
    this.schedule(jobId, state);
  }

  private async send(target: ProgressTarget, payload: EditPayload): Promise<EditResult> {
    const tokenAlive =
      target.interactionToken !== null &&
      this.o.clock.now() - target.interactionAt < this.tokenLifetime - TOKEN_MARGIN_MS;
    if (tokenAlive) {
      try {
        return await this.o.sink.edit(target, 'interaction', payload);
      } catch (err) {
        // 401 / 50027: the token died early (clock skew, a reset). Remember it for this job, so later edits go
        // straight to the channel message with the bot token instead of being refused first every time.
        const { code, status } = err as { code?: unknown; status?: unknown };
        if ((code !== 50027 && status !== 401) || !target.channelId) throw err;
        target.interactionToken = null;
        this.o.logger.info('interaction token refused; editing with the bot token from now on', {
          message: target.messageId,
        });
      }
    }
    if (!target.channelId)
      throw Object.assign(new Error('the interaction token expired and the message has no channel'), { code: 10008 });
    return this.o.sink.edit(target, 'channel', payload);
  }

  private forget(jobId: string, state: State): void {
    if (state.timer) this.o.clock.clearTimeout(state.timer);
    state.timer = null;
    state.gone = true;
    if (this.states.get(jobId) === state) this.states.delete(jobId);
    for (const resolve of state.finalSent.splice(0)) resolve();
  }
}

/** `data:image/jpeg;base64,...` → a file; null for anything else. */
export function decodeDataUrl(url: string): { name: string; data: Buffer } | null {
  const m = /^data:image\/(png|jpeg|jpg|webp|gif);base64,([A-Za-z0-9+/=]+)$/.exec(url);
  if (!m) return null;
  const ext = m[1] === 'jpeg' ? 'jpg' : m[1]!;
  return { name: `preview.${ext}`, data: Buffer.from(m[2]!, 'base64') };
}
