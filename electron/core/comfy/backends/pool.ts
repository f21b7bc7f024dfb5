/**
 * The pool of ComfyUI backends (launched, local already running, remote). It keeps each backend's
 * capabilities (node classes from /object_info, model files per folder from /models/{folder}), fetched on
 * connect or refresh and cached, and answers "which backend should run this?" with the pure rules of
 * pool-select.ts. It reads each backend's live status and load; it does not own connections.
 */
import { systemClock, type Clock, type ClockTimer } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import { placeJob, type Placement, type PlacementContext } from './placement';
import {
  canonicalFolder,
  isOnline,
  normalizeModelName,
  rankBackends,
  type BackendCapabilities,
  type BackendKind,
  type BackendStatus,
  type BackendView,
  type IntRange,
  type Requirements,
} from './routing';

export * from './routing';

/** The calls capability discovery needs (ComfyClient has them). */
export interface CapabilityClient {
  objectInfo(): Promise<Record<string, unknown>>;
  models(folder: string): Promise<string[]>;
  modelFolders?(): Promise<string[]>;
}

/**
 * What the pool needs from one backend. ComfyBackend fits as is; kind and name can be given to `add`.
 * When the backend has `on('status', …)`, the pool fetches capabilities whenever it comes online and
 * forgets them when it goes offline (a restarted server may have other models).
 */
export interface PoolBackend {
  readonly id: string;
  readonly name?: string;
  readonly kind?: BackendKind;
  readonly status: BackendStatus;
  /** Prompts running + queued on it right now. */
  load(): number;
  readonly client: CapabilityClient;
  on?(event: 'status', fn: (status: BackendStatus) => void): unknown;
}

export interface PoolMemberInfo {
  kind?: BackendKind;
  name?: string;
}

/** Folders worth listing when the server does not say (GET /models). */
export const DEFAULT_MODEL_FOLDERS: readonly string[] = [
  'checkpoints',
  'diffusion_models',
  'text_encoders',
  'vae',
  'loras',
  'clip_vision',
  'controlnet',
  'upscale_models',
  'embeddings',
  'style_models',
  'model_patches',
  'vae_approx',
  'photomaker',
  'gligen',
  'hypernetworks',
  'audio_encoders',
];

/** Folders in /models that hold no model files a workflow names. */
const NOT_MODEL_FOLDERS = new Set(['custom_nodes', 'configs', 'classifiers']);

export async function fetchCapabilities(
  client: CapabilityClient,
  opts: { clock?: Clock; folders?: readonly string[]; concurrency?: number } = {},
): Promise<BackendCapabilities> {
  const clock = opts.clock ?? systemClock;
  const [info, listed] = await Promise.all([
    client.objectInfo(),
    opts.folders
      ? Promise.resolve([...opts.folders])
      : client.modelFolders
        ? client.modelFolders().catch(() => null)
        : Promise.resolve(null),
  ]);
  const folders = (listed ?? [...DEFAULT_MODEL_FOLDERS]).filter((f) => !NOT_MODEL_FOLDERS.has(f));
  const models = new Map<string, ReadonlySet<string>>();
  const queue = [...folders];
  const worker = async () => {
    for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
      const files = await client.models(folder).catch(() => [] as string[]);
      models.set(canonicalFolder(folder), new Set(files.map(normalizeModelName)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  const at = clock.now();
  return {
    nodeClasses: new Set(Object.keys(info)),
    models,
    modelsReadAt: new Map([...models.keys()].map((f) => [f, at])),
    intRanges: intRangesOf(info),
    fetchedAt: at,
  };
}

/** Every INT input's range, per node class, from an /object_info answer (comfyui-api.md §1 "GET /object_info"). */
export function intRangesOf(info: Record<string, unknown>): Map<string, Map<string, IntRange>> {
  const out = new Map<string, Map<string, IntRange>>();
  for (const [cls, node] of Object.entries(info)) {
    const input = (node as { input?: Record<string, unknown> } | null)?.input;
    if (!input || typeof input !== 'object') continue;
    for (const group of ['required', 'optional'] as const) {
      const specs = input[group];
      if (!specs || typeof specs !== 'object') continue;
      for (const [name, spec] of Object.entries(specs as Record<string, unknown>)) {
        if (!Array.isArray(spec) || spec[0] !== 'INT') continue;
        const opts = (spec[1] ?? {}) as { min?: unknown; max?: unknown };
        const range: IntRange = {};
        if (typeof opts.min === 'number' && Number.isFinite(opts.min)) range.min = opts.min;
        if (typeof opts.max === 'number' && Number.isFinite(opts.max)) range.max = opts.max;
        let byInput = out.get(cls);
        if (!byInput) out.set(cls, (byInput = new Map()));
        byInput.set(name, range);
      }
    }
  }
  return out;
}

export interface BackendPoolOptions {
  clock?: Clock;
  logger?: Logger;
  /** Model folders to list; default: what the server's GET /models says, else DEFAULT_MODEL_FOLDERS. */
  modelFolders?: readonly string[];
}

interface Entry {
  backend: PoolBackend;
  info: PoolMemberInfo;
  unsubscribe: (() => void) | null;
  capabilities: BackendCapabilities | null;
  refreshing: Promise<BackendCapabilities> | null;
  folderReads: Map<string, Promise<void>>;
  lastModel: string | null;
}

export class BackendPool {
  private readonly entries: Entry[] = [];
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: BackendPoolOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? nullLogger).child('pool');
  }

  /** Stop listening to the backends (they stay as they are). */
  dispose(): void {
    for (const e of this.entries) e.unsubscribe?.();
    this.entries.length = 0;
  }

  add(backend: PoolBackend, info: PoolMemberInfo = {}): void {
    if (this.entries.some((e) => e.backend.id === backend.id))
      throw new Error(`backend "${backend.id}" is already in the pool`);
    const entry: Entry = {
      backend,
      info,
      unsubscribe: null,
      capabilities: null,
      refreshing: null,
      folderReads: new Map(),
      lastModel: null,
    };
    this.entries.push(entry);
    if (typeof backend.on === 'function') {
      let wasOnline = isOnline(backend.status);
      const off = backend.on('status', (status) => {
        const online = isOnline(status);
        if (online && !wasOnline) this.refresh(backend.id).catch(() => {});
        if (!online && status !== 'starting') this.invalidate(backend.id);
        wasOnline = online;
      });
      entry.unsubscribe = typeof off === 'function' ? (off as () => void) : null;
    }
    if (isOnline(backend.status)) this.refresh(backend.id).catch(() => {});
  }

  remove(id: string): boolean {
    const i = this.entries.findIndex((e) => e.backend.id === id);
    if (i < 0) return false;
    this.entries[i]!.unsubscribe?.();
    this.entries.splice(i, 1);
    return true;
  }

  get(id: string): PoolBackend | undefined {
    return this.entry(id)?.backend;
  }

  /** In the order they were added. */
  backends(): PoolBackend[] {
    return this.entries.map((e) => e.backend);
  }

  capabilities(id: string): BackendCapabilities | null {
    return this.entry(id)?.capabilities ?? null;
  }

  /** Fetch (again) a backend's node classes and model lists; concurrent calls share one fetch. */
  refresh(id: string): Promise<BackendCapabilities> {
    const e = this.entry(id);
    if (!e) return Promise.reject(new Error(`no backend "${id}" in the pool`));
    if (e.refreshing) return e.refreshing;
    const p = fetchCapabilities(e.backend.client, {
      clock: this.clock,
      ...(this.opts.modelFolders ? { folders: this.opts.modelFolders } : {}),
    }).then(
      (caps) => {
        e.capabilities = caps;
        e.refreshing = null;
        this.log.debug('capabilities refreshed', { id, nodeClasses: caps.nodeClasses.size, folders: caps.models.size });
        return caps;
      },
      (err: unknown) => {
        e.refreshing = null;
        this.log.warn('capability refresh failed', { id, error: String(err) });
        throw err;
      },
    );
    e.refreshing = p;
    return p;
  }

  /**
   * Read some model folders of one backend again (a file copied in by hand, a finished download): ComfyUI
   * re-reads a folder when it changed, so the next `/models/<folder>` answer is current. Concurrent calls for
   * the same backend share one read.
   */
  async refreshFolders(id: string, folders: readonly string[]): Promise<void> {
    const e = this.entry(id);
    if (!e || folders.length === 0) return;
    // A whole fetch in flight may have listed these folders before the change: let it land, then read them.
    if (e.refreshing) await e.refreshing.catch(() => {});
    if (!e.capabilities) return;
    const key = [...folders].sort().join('\u0000');
    const running = e.folderReads.get(key);
    if (running) return running;
    const read = (async () => {
      const lists = await Promise.all(
        folders.map(async (folder) => [canonicalFolder(folder), await e.backend.client.models(folder)] as const),
      );
      const caps = e.capabilities;
      if (!caps) return;
      const at = this.clock.now();
      const models = new Map(caps.models);
      const readAt = new Map(caps.modelsReadAt);
      for (const [folder, files] of lists) {
        models.set(folder, new Set(files.map(normalizeModelName)));
        readAt.set(folder, at);
      }
      e.capabilities = { ...caps, models, modelsReadAt: readAt };
    })().finally(() => e.folderReads.delete(key));
    e.folderReads.set(key, read);
    return read;
  }

  /** Resolves when every capability fetch now under way has ended (or `timeoutMs` passed). */
  async settled(timeoutMs: number): Promise<void> {
    const pending = this.entries.flatMap((e) => (e.refreshing ? [e.refreshing.catch(() => undefined)] : []));
    if (pending.length === 0) return;
    let timer: ClockTimer | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, timeoutMs);
      }),
    ]);
    this.clock.clearTimeout(timer);
  }

  /** Refresh every online backend; failures are logged and reported per id, never thrown. */
  async refreshAll(): Promise<Record<string, 'ok' | string>> {
    const out: Record<string, 'ok' | string> = {};
    await Promise.all(
      this.entries
        .filter((e) => isOnline(e.backend.status))
        .map((e) =>
          this.refresh(e.backend.id).then(
            () => (out[e.backend.id] = 'ok'),
            (err: unknown) => (out[e.backend.id] = err instanceof Error ? err.message : String(err)),
          ),
        ),
    );
    return out;
  }

  /** Forget cached capabilities (e.g. the backend restarted or its models changed). */
  invalidate(id: string): void {
    const e = this.entry(id);
    if (e) e.capabilities = null;
  }

  /** Record the main model of the job just sent to a backend (for the "same model" tie-break). */
  noteJobStarted(id: string, mainModel: string | null): void {
    const e = this.entry(id);
    if (e) e.lastModel = mainModel;
  }

  /** A snapshot of what the selection sees. */
  views(): BackendView[] {
    return this.entries.map((e) => ({
      id: e.backend.id,
      ...((e.info.name ?? e.backend.name) !== undefined ? { name: (e.info.name ?? e.backend.name)! } : {}),
      ...((e.info.kind ?? e.backend.kind) !== undefined ? { kind: (e.info.kind ?? e.backend.kind)! } : {}),
      status: e.backend.status,
      load: safeLoad(e.backend),
      capabilities: e.capabilities,
      lastModel: e.lastModel,
    }));
  }

  /** Every backend able to run the job, best first. */
  rank(req: Requirements): PoolBackend[] {
    return rankBackends(this.views(), req).map((v) => this.entry(v.id)!.backend);
  }

  pick(req: Requirements): PoolBackend | null {
    return this.rank(req)[0] ?? null;
  }

  /** Where the job can run, or why not (placement.ts). */
  place(req: Requirements, ctx: Omit<PlacementContext, 'readAt'>): Placement {
    return placeJob(this.views(), req, {
      ...ctx,
      readAt: (id, folder) => this.entry(id)?.capabilities?.modelsReadAt.get(canonicalFolder(folder)) ?? null,
    });
  }

  /** The range an INT input accepts on every online backend that reported it (the narrowest), or null. */
  intRange(classType: string, input: string): IntRange | null {
    let out: IntRange | null = null;
    for (const e of this.entries) {
      if (!isOnline(e.backend.status)) continue;
      const r = e.capabilities?.intRanges.get(classType)?.get(input);
      if (!r) continue;
      out ??= {};
      if (r.min !== undefined) out.min = Math.max(out.min ?? -Infinity, r.min);
      if (r.max !== undefined) out.max = Math.min(out.max ?? Infinity, r.max);
    }
    return out;
  }

  private entry(id: string): Entry | undefined {
    return this.entries.find((e) => e.backend.id === id);
  }
}

function safeLoad(b: PoolBackend): number {
  const n = b.load();
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
