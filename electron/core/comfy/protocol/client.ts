/**
 * HTTP client for one ComfyUI server (docs/reference/comfyui-api.md §1). One keep-alive undici Pool per backend;
 * every call has a connect, headers and body timeout; every answer is parsed with zod; every failure is a
 * readable `ComfyError`.
 */
import { FormData, Pool } from 'undici';
import { systemClock, type Clock } from '@core/clock';
import type { ApiGraph } from './messages';
import { nullLogger, type Logger } from '@core/log';
import { AnswerReader, versionAtLeast, type RawAnswer } from './answers';
import { downloadView, readText } from './view-download';
import { ComfyError, toNetworkError } from './errors';
import { tlsConnector } from './tls';
import {
  ExperimentModelsSchema,
  FeaturesSchema,
  FolderPathsSchema,
  HistoryResponseSchema,
  ModelListSchema,
  ObjectInfoSchema,
  PromptResponseSchema,
  QueueResponseSchema,
  SystemStatsSchema,
  UploadResponseSchema,
  type Features,
  type FileRef,
  type FolderPaths,
  type HistoryEntry,
  type ObjectInfo,
  type QueueEntry,
  type SystemStats,
  type UploadResult,
} from './http-schemas';

export type { FileRef, FolderPaths, HistoryEntry, ObjectInfo, QueueEntry, SystemStats, UploadResult, Features };
export { versionAtLeast } from './answers';

export interface ComfyTimeouts {
  /** TCP connect. */
  connectMs: number;
  /** Until the response headers arrive (ordinary calls). */
  headersMs: number;
  /** Longest silence while reading a body. */
  bodyMs: number;
  /** Headers timeout for POST /prompt (validation of big graphs) and /object_info (slow on first call). */
  slowMs: number;
  /** Headers timeout for uploads. */
  uploadMs: number;
}

export const DEFAULT_TIMEOUTS: ComfyTimeouts = {
  connectMs: 3_000,
  headersMs: 10_000,
  bodyMs: 30_000,
  slowMs: 60_000,
  uploadMs: 120_000,
};

export interface ComfyClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8188 (a path prefix behind a reverse proxy is kept). */
  url: string;
  timeouts?: Partial<ComfyTimeouts>;
  /** Parallel keep-alive connections (default 4). */
  connections?: number;
  /**
   * Whether POST /interrupt understands `{prompt_id}` (ComfyUI ≥ 0.3.56). 'auto' (default) reads
   * `system_stats.comfyui_version` once.
   */
  targetedInterrupt?: 'auto' | boolean;
  /** Largest JSON/text answer read (default 256 MiB): a huge or endless body must not fill memory. */
  maxBodyBytes?: number;
  clock?: Clock;
  logger?: Logger;
  /** Sent with every request: the Authorization of a ComfyUI behind a reverse proxy (auth.ts). */
  headers?: Record<string, string>;
  /** https: the SHA-256 fingerprint of the one certificate trusted for it (tls.ts); null: the system's trust. */
  tlsPin?: string | null;
}

const DEFAULT_MAX_BODY = 256 * 1024 * 1024;

export interface QueuePromptOptions {
  clientId: string;
  promptId?: string;
  front?: boolean;
  extraData?: Record<string, unknown>;
}

export interface QueueState {
  running: QueueEntry[];
  /** Sorted by queue number (then prompt id), i.e. in the order they will run. */
  pending: QueueEntry[];
}

export interface InterruptResult {
  /** Whether an interrupt request was sent at all. */
  sent: boolean;
  /** True when the server was told which prompt to stop (no risk of hitting another prompt). */
  targeted: boolean;
}

interface CallOptions {
  query?: Record<string, string>;
  json?: unknown;
  body?: FormData;
  headersMs?: number;
  /** An `/internal/*` route: it has no `/api` alias (docs/reference/comfyui-api.md §0). */
  internal?: boolean;
}

const MIN_TARGETED_INTERRUPT: [number, number, number] = [0, 3, 56];

export class ComfyClient {
  readonly url: string;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly pool: Pool;
  private readonly timeouts: ComfyTimeouts;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly answers: AnswerReader;
  private readonly targetedOption: 'auto' | boolean;
  private targetedKnown: Promise<boolean> | null = null;
  private closed = false;
  private readonly maxBodyBytes: number;
  private readonly headers: Record<string, string>;

  constructor(opts: ComfyClientOptions) {
    const parsed = new URL(opts.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ComfyError('rejected', `"${opts.url}" is not an http(s) address of a ComfyUI server.`, {
        url: opts.url,
      });
    }
    this.origin = parsed.origin;
    this.prefix = parsed.pathname.replace(/\/+$/, '');
    this.url = this.origin + this.prefix;
    this.headers = { ...opts.headers };
    this.answers = new AnswerReader(this.url, Object.keys(this.headers).length > 0);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? nullLogger).child('comfy-http');
    this.targetedOption = opts.targetedInterrupt ?? 'auto';
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.pool = new Pool(this.origin, {
      connections: opts.connections ?? 4,
      keepAliveTimeout: 10_000,
      connect:
        parsed.protocol === 'https:'
          ? tlsConnector(opts.tlsPin ?? null, this.timeouts.connectMs)
          : { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
  }

  /** Queue a workflow. Throws `ComfyValidationError` when ComfyUI refuses it (400). */
  async queuePrompt(graph: ApiGraph, opts: QueuePromptOptions): Promise<{ promptId: string; number: number }> {
    const body: Record<string, unknown> = { prompt: graph, client_id: opts.clientId };
    if (opts.promptId !== undefined) body.prompt_id = opts.promptId;
    if (opts.front) body.front = true;
    if (opts.extraData) body.extra_data = opts.extraData;
    const req = 'POST /prompt';
    const ans = await this.call('POST', '/prompt', { json: body, headersMs: this.timeouts.slowMs });
    if (ans.status === 400) throw this.answers.validationError(ans, req);
    const data = this.answers.parse(PromptResponseSchema, this.answers.expectOk(ans, req), req);
    return { promptId: data.prompt_id, number: data.number };
  }

  async getQueue(): Promise<QueueState> {
    const req = 'GET /queue';
    const data = this.answers.parse(
      QueueResponseSchema,
      this.answers.expectOk(await this.call('GET', '/queue'), req),
      req,
    );
    const pending = [...data.queue_pending].sort((a, b) =>
      a.number !== b.number ? a.number - b.number : a.promptId < b.promptId ? -1 : a.promptId > b.promptId ? 1 : 0,
    );
    return { running: data.queue_running, pending };
  }

  /** Number of prompts pending + running (GET /prompt). */
  async queueRemaining(): Promise<number> {
    const req = 'GET /prompt';
    const text = this.answers.expectOk(await this.call('GET', '/prompt'), req);
    const raw = this.answers.parseJson(text, req) as { exec_info?: { queue_remaining?: unknown } };
    const n = raw?.exec_info?.queue_remaining;
    if (typeof n !== 'number') throw this.answers.invalid(req, 'no exec_info.queue_remaining');
    return n;
  }

  /** Remove pending prompts (running ones are not touched). */
  async deletePending(promptIds: string[]): Promise<void> {
    if (promptIds.length === 0) return;
    this.answers.expectOk(await this.call('POST', '/queue', { json: { delete: promptIds } }), 'POST /queue');
  }

  async clearPending(): Promise<void> {
    this.answers.expectOk(await this.call('POST', '/queue', { json: { clear: true } }), 'POST /queue');
  }

  /** The finished prompt's history entry, or null while it is unknown / not finished. */
  async getHistory(promptId: string): Promise<HistoryEntry | null> {
    const req = 'GET /history/{id}';
    const text = this.answers.expectOk(await this.call('GET', `/history/${encodeURIComponent(promptId)}`), req);
    const data = this.answers.parse(HistoryResponseSchema, text, req);
    return data[promptId] ?? null;
  }

  /** The newest `maxItems` history entries, oldest first. */
  async listHistory(maxItems: number): Promise<Record<string, HistoryEntry>> {
    const req = 'GET /history';
    const text = this.answers.expectOk(
      await this.call('GET', '/history', { query: { max_items: String(maxItems) } }),
      req,
    );
    return this.answers.parse(HistoryResponseSchema, text, req);
  }

  async deleteHistory(promptIds: string[]): Promise<void> {
    if (promptIds.length === 0) return;
    this.answers.expectOk(await this.call('POST', '/history', { json: { delete: promptIds } }), 'POST /history');
  }

  /**
   * Stream one output file to `destPath` (written to a temporary name in the same folder, then renamed, so
   * a half-downloaded file never appears under the real name). Never holds the whole file in memory.
   */
  async downloadView(ref: FileRef, destPath: string): Promise<{ bytes: number }> {
    const query = { filename: ref.filename, subfolder: ref.subfolder, type: ref.type };
    return downloadView(
      {
        url: this.url,
        pool: this.pool,
        path: this.path('/view', query),
        headersMs: this.timeouts.headersMs,
        bodyMs: this.timeouts.bodyMs,
        answers: this.answers,
        headers: this.headers,
      },
      ref,
      destPath,
    );
  }

  /** Upload an image into ComfyUI's input folder (multipart). ComfyUI may rename it on a name clash. */
  async uploadImage(
    data: Buffer,
    filename: string,
    opts: { overwrite?: boolean; subfolder?: string; type?: 'input' | 'temp' | 'output' } = {},
  ): Promise<UploadResult> {
    const req = 'POST /upload/image';
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(data)]), filename);
    if (opts.overwrite) form.append('overwrite', 'true');
    if (opts.subfolder) form.append('subfolder', opts.subfolder);
    form.append('type', opts.type ?? 'input');
    const ans = await this.call('POST', '/upload/image', { body: form, headersMs: this.timeouts.uploadMs });
    if (ans.status === 413) {
      throw new ComfyError(
        'rejected',
        `"${filename}" (${(data.length / 1048576).toFixed(1)} MB) is larger than ComfyUI at ${this.url} accepts (its --max-upload-size).`,
        { url: this.url, request: req, status: 413 },
      );
    }
    const parsed = this.answers.parse(UploadResponseSchema, this.answers.expectOk(ans, req), req);
    return { name: parsed.name, subfolder: parsed.subfolder, type: parsed.type };
  }

  /**
   * Stop a prompt. With a prompt id on a server that supports targeted interrupts, only that prompt can be
   * stopped. On older servers the interrupt is global, so it is only sent after /queue shows that the
   * running prompt IS `promptId` (a small race with the prompt ending remains; the server resets a stray
   * interrupt when the next prompt starts only if nothing was running). Without an id: global interrupt.
   */
  async interrupt(promptId?: string): Promise<InterruptResult> {
    const req = 'POST /interrupt';
    if (promptId === undefined) {
      this.answers.expectOk(await this.call('POST', '/interrupt', { json: {} }), req);
      return { sent: true, targeted: false };
    }
    if (await this.supportsTargetedInterrupt()) {
      this.answers.expectOk(await this.call('POST', '/interrupt', { json: { prompt_id: promptId } }), req);
      return { sent: true, targeted: true };
    }
    const queue = await this.getQueue();
    if (queue.running[0]?.promptId !== promptId) return { sent: false, targeted: false };
    this.answers.expectOk(await this.call('POST', '/interrupt', { json: {} }), req);
    return { sent: true, targeted: false };
  }

  /** Whether POST /interrupt accepts `{prompt_id}` on this server. */
  supportsTargetedInterrupt(): Promise<boolean> {
    if (this.targetedOption !== 'auto') return Promise.resolve(this.targetedOption);
    if (!this.targetedKnown) {
      const probe = this.systemStats().then((s) => versionAtLeast(s.system.comfyui_version, MIN_TARGETED_INTERRUPT));
      this.targetedKnown = probe;
      probe.catch(() => {
        if (this.targetedKnown === probe) this.targetedKnown = null;
      });
    }
    return this.targetedKnown;
  }

  async free(opts: { unloadModels?: boolean; freeMemory?: boolean }): Promise<void> {
    const body = { unload_models: opts.unloadModels ?? false, free_memory: opts.freeMemory ?? false };
    this.answers.expectOk(await this.call('POST', '/free', { json: body }), 'POST /free');
  }

  async systemStats(): Promise<SystemStats> {
    const req = 'GET /system_stats';
    return this.answers.parse(
      SystemStatsSchema,
      this.answers.expectOk(await this.call('GET', '/system_stats'), req),
      req,
    );
  }

  async objectInfo(classType?: string): Promise<ObjectInfo> {
    const req = 'GET /object_info';
    const path = classType === undefined ? '/object_info' : `/object_info/${encodeURIComponent(classType)}`;
    const ans = await this.call('GET', path, { headersMs: this.timeouts.slowMs });
    return this.answers.parse(ObjectInfoSchema, this.answers.expectOk(ans, req), req);
  }

  /** File names in one model folder (e.g. "checkpoints"). An unknown folder gives []. */
  async models(folder: string): Promise<string[]> {
    const req = 'GET /models/{folder}';
    const ans = await this.call('GET', `/models/${encodeURIComponent(folder)}`);
    if (ans.status === 404) return [];
    return this.answers.parse(ModelListSchema, this.answers.expectOk(ans, req), req);
  }

  /** Model folder names (GET /models). */
  async modelFolders(): Promise<string[]> {
    const req = 'GET /models';
    return this.answers.parse(ModelListSchema, this.answers.expectOk(await this.call('GET', '/models'), req), req);
  }

  /**
   * Where this ComfyUI reads each model folder from (folder → absolute folders, its own `models/<name>` first):
   * GET /internal/folder_paths, else GET /api/experiment/models (docs/reference/comfyui-api.md §1, "Other
   * routes"). Null when the server has neither (older servers answer 404).
   */
  async folderPaths(): Promise<FolderPaths | null> {
    const internal = await this.call('GET', '/internal/folder_paths', { internal: true });
    if (internal.status !== 404) {
      const req = 'GET /internal/folder_paths';
      return this.answers.parse(FolderPathsSchema, this.answers.expectOk(internal, req), req);
    }
    const experiment = await this.call('GET', '/experiment/models');
    if (experiment.status === 404) return null;
    const req = 'GET /experiment/models';
    return this.answers.parse(ExperimentModelsSchema, this.answers.expectOk(experiment, req), req);
  }

  /** Server feature flags; `{}` on servers older than /features. */
  async features(): Promise<Features> {
    const req = 'GET /features';
    const ans = await this.call('GET', '/features');
    if (ans.status === 404) return {};
    return this.answers.parse(FeaturesSchema, this.answers.expectOk(ans, req), req);
  }

  /** A cheap round trip (GET /prompt) and how long it took. */
  async ping(): Promise<{ latencyMs: number }> {
    const started = this.clock.now();
    await this.queueRemaining();
    return { latencyMs: Math.max(0, this.clock.now() - started) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close().catch(() => this.pool.destroy());
  }

  // ---------------------------------------------------------------- internals

  private path(p: string, query?: Record<string, string>, internal = false): string {
    const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.prefix}${internal ? '' : '/api'}${p}${qs}`;
  }

  private async call(method: 'GET' | 'POST', p: string, opts: CallOptions = {}): Promise<RawAnswer> {
    const req = `${method} ${p}`;
    const headersMs = opts.headersMs ?? this.timeouts.headersMs;
    if (this.closed) {
      throw new ComfyError('unreachable', `The connection to ComfyUI at ${this.url} was closed.`, {
        url: this.url,
        request: req,
      });
    }
    try {
      const res = await this.pool.request({
        method,
        path: this.path(p, opts.query, opts.internal),
        headers: opts.json !== undefined ? { ...this.headers, 'content-type': 'application/json' } : this.headers,
        body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
        headersTimeout: headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      return { status: res.statusCode, text: await readText(res, this.maxBodyBytes, this.url, req) };
    } catch (err) {
      const e = toNetworkError(err, this.url, req, headersMs);
      this.log.debug('request failed', { request: req, kind: e.kind, error: e.message });
      throw e;
    }
  }
}
