/**
 * A protocol-faithful fake ComfyUI 0.3.64 for tests: real HTTP + WebSocket on a loopback port, behaving as
 * docs/reference/comfyui-api.md describes and as the recordings in test/fixtures/comfyui-0.3.64 show.
 *
 *   const comfy = await startFakeComfy({ models: { checkpoints: ['sd15.safetensors'] } });
 *   comfy.setScript({ msPerStep: 5, hold: true });
 *   ... drive it with a real client at comfy.url ...
 *   await comfy.close();
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyIntrospection, type FakeContext, type Introspection } from './context';
import { Executor } from './executor';
import { FileStore } from './files';
import { handleRequest, isOriginRejected } from './http-routes';
import { ModelFolders } from './model-folders';
import { fillInputFiles, fillModelLists, fixtureObjectInfo, readFixture } from './object-info';
import { defaultScript, type FakeComfyOptions, type FakeScript } from './options';
import { PromptQueue, type HistoryRecord } from './queue';
import { WsHub } from './ws-hub';

export * from './options';
export type { Introspection } from './context';
export type { HistoryRecord, QueueTuple } from './queue';
export { readPngText } from './images';
export { VHS_OBJECT_INFO, fixtureDir, readFixture } from './object-info';

export interface FakeComfy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `ws://127.0.0.1:PORT` (append `/ws?clientId=...`). */
  readonly wsUrl: string;
  readonly port: number;
  /** input/, output/, temp/ live here. */
  readonly dataDir: string;
  /** The live script; mutate it or use setScript(). */
  readonly script: FakeScript;
  setScript(patch: Partial<FakeScript>): void;
  /** Replace the model files per folder (fills /object_info combos and /models/{folder}). */
  setModels(models: Partial<Record<string, string[]>>): void;
  /** Everything received (kept across crash/restart). */
  readonly record: Introspection;
  readonly prompts: Introspection['prompts'];
  readonly interrupts: Introspection['interrupts'];
  readonly deleted: Introspection['deleted'];
  readonly uploads: Introspection['uploads'];
  readonly frees: Introspection['frees'];
  /** Session ids currently registered on the WebSocket. */
  clientIds(): string[];
  /** The running prompt id and the pending ids in run order. */
  queueState(): { running: string | null; pending: string[] };
  history(promptId: string): HistoryRecord | undefined;
  /** Let a held prompt go on (or pre-release `promptId` before it reaches its hold point). */
  release(promptId?: string): void;
  /** The prompt paused at its hold point now, or null. */
  heldPromptId(): string | null;
  /** Resolves when a prompt (that prompt, if given) is paused at its hold point; returns its id. */
  waitForHeld(promptId?: string): Promise<string>;
  /** Resolves when the prompt finished (history written, `executing {node:null}` sent). */
  waitForDone(promptId: string): Promise<'success' | 'error' | 'interrupted'>;
  /** Resolves when nothing is running or pending. */
  waitForIdle(): Promise<void>;
  /** Terminate every WebSocket abruptly; the server stays up. */
  dropSockets(): void;
  /** Forget every WebSocket session without closing it (the reconnect pitfall): they stay open, get nothing. */
  forgetSockets(): void;
  /** Stop answering at once: sockets destroyed, port closed, running and pending prompts lost. */
  crash(): Promise<void>;
  /** Come back on the same port with an empty queue, history, caches and temp dir. */
  restart(): Promise<void>;
  isUp(): boolean;
  close(): Promise<void>;
}

/** Temp dirs of fakes that were never closed: removed when the process exits. */
const openDirs = new Set<string>();
let exitHookInstalled = false;
function trackDir(dir: string): void {
  openDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of openDirs) rmSync(d, { recursive: true, force: true });
  });
}

interface Life {
  server: Server;
  sockets: Set<Socket>;
}

class FakeComfyServer implements FakeComfy {
  readonly script: FakeScript;
  readonly record = emptyIntrospection();
  readonly dataDir: string;
  private readonly ownsDir: boolean;
  private readonly store: FileStore;
  private readonly now: () => number;
  private models: Partial<Record<string, string[]>>;
  private baseInfo: Record<string, unknown>;
  private readonly folders: string[];
  private readonly modelDirs: ModelFolders;
  private readonly stats: Record<string, unknown>;
  private queue!: PromptQueue;
  private hub!: WsHub;
  private executor!: Executor;
  private life: Life | null = null;
  private portValue: number;
  private readonly host: string;
  private readonly ctx: FakeContext;

  constructor(private readonly opts: FakeComfyOptions) {
    this.script = { ...defaultScript(), ...opts.script };
    this.ownsDir = opts.dataDir === undefined;
    this.dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'fake-comfy-'));
    if (this.ownsDir) trackDir(this.dataDir);
    this.store = new FileStore(this.dataDir);
    this.now = opts.now ?? Date.now;
    this.models = { ...opts.models };
    this.modelDirs = new ModelFolders({
      modelsDir: opts.modelsDir ?? path.join(this.dataDir, 'models'),
      ...(opts.reportedModelsDir !== undefined ? { reportedModelsDir: opts.reportedModelsDir } : {}),
      outputDir: this.store.dir('output'),
      customNodesDir: path.join(this.dataDir, 'custom_nodes'),
      virtual: () => this.models,
    });
    this.modelDirs.ensureDirs();
    this.baseInfo = this.buildInfo();
    this.folders = readFixture<string[]>('models.json');
    this.stats = readFixture<Record<string, unknown>>('system_stats.json');
    this.portValue = opts.port ?? 0;
    this.host = opts.host ?? '127.0.0.1';
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's live getters must read this instance's current parts
    const self = this;
    this.ctx = {
      get queue() {
        return self.queue;
      },
      get hub() {
        return self.hub;
      },
      get executor() {
        return self.executor;
      },
      store: this.store,
      script: this.script,
      record: this.record,
      now: this.now,
      objectInfo: () => {
        // Loader choices are what the folders hold now (the real server re-reads a folder that changed).
        fillModelLists(this.baseInfo, this.modelDirs.all());
        fillInputFiles(this.baseInfo, this.store.inputFiles());
        return this.baseInfo;
      },
      systemStats: () => ({ ...this.stats, devices: this.script.devices ?? this.stats['devices'] }),
      modelFolders: () => this.folders,
      modelFiles: (folder) => (this.folders.includes(folder) ? this.modelDirs.files(folder) : null),
      models: this.modelDirs,
      randomId: () => randomUUID(),
    };
    this.fresh();
  }

  private buildInfo(): Record<string, unknown> {
    const info = this.opts.objectInfo ? structuredClone(this.opts.objectInfo) : fixtureObjectInfo();
    if (this.opts.extraObjectInfo) Object.assign(info, structuredClone(this.opts.extraObjectInfo));
    fillModelLists(info, this.models);
    return info;
  }

  /** New queue, hub and executor: an empty server state. */
  private fresh(): void {
    this.queue = new PromptQueue(() => this.hub.broadcastStatus());
    this.hub = new WsHub({
      queueRemaining: () => this.queue.remaining(),
      maxUploadSize: () => this.script.maxUploadSize,
      sidPopQuirk: this.opts.sidPopQuirk ?? true,
      onConnect: (sid) => {
        // Reconnecting while your prompt runs: `executing` of the current node, without prompt_id.
        const cur = this.executor.current;
        return cur && cur.clientId === sid && cur.node ? [{ type: 'executing', data: { node: cur.node } }] : [];
      },
    });
    this.executor = new Executor({
      queue: this.queue,
      hub: this.hub,
      store: this.store,
      script: () => this.script,
      objectInfo: () => this.ctx.objectInfo(),
      now: this.now,
    });
  }

  async listen(): Promise<void> {
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      handleRequest(this.ctx, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end('500 Internal Server Error');
        else res.destroy();
      });
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('upgrade', (req, socket, head) => {
      if (isOriginRejected(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (!this.hub.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portValue, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.portValue = addr.port;
    this.life = { server, sockets };
  }

  get port(): number {
    return this.portValue;
  }
  get url(): string {
    return `http://${this.host}:${this.portValue}`;
  }
  get wsUrl(): string {
    return `ws://${this.host}:${this.portValue}`;
  }
  get prompts() {
    return this.record.prompts;
  }
  get interrupts() {
    return this.record.interrupts;
  }
  get deleted() {
    return this.record.deleted;
  }
  get uploads() {
    return this.record.uploads;
  }
  get frees() {
    return this.record.frees;
  }

  setScript(patch: Partial<FakeScript>): void {
    Object.assign(this.script, patch);
  }

  setModels(models: Partial<Record<string, string[]>>): void {
    this.models = { ...models };
    this.baseInfo = this.buildInfo();
  }

  clientIds(): string[] {
    return this.hub.clientIds();
  }

  queueState(): { running: string | null; pending: string[] } {
    return { running: this.queue.running?.[1] ?? null, pending: this.queue.sortedPending().map((t) => t[1]) };
  }

  history(promptId: string): HistoryRecord | undefined {
    return this.queue.history.get(promptId);
  }

  release(promptId?: string): void {
    this.executor.control.release(promptId, this.queue.running?.[1] ?? null);
  }

  heldPromptId(): string | null {
    return this.executor.control.heldPromptId();
  }

  waitForHeld(promptId?: string): Promise<string> {
    const held = this.executor.control.heldPromptId();
    if (held && (promptId === undefined || held === promptId)) return Promise.resolve(held);
    const control = this.executor.control;
    return new Promise((resolve) => {
      const on = (id: string): void => {
        if (promptId !== undefined && id !== promptId) return;
        control.off('held', on);
        resolve(id);
      };
      control.on('held', on);
    });
  }

  waitForDone(promptId: string): Promise<'success' | 'error' | 'interrupted'> {
    const entry = this.queue.history.get(promptId);
    if (entry && this.queue.running?.[1] !== promptId) {
      const msgs = entry.status.messages.map((m) => m[0]);
      return Promise.resolve(
        entry.status.completed ? 'success' : msgs.includes('execution_interrupted') ? 'interrupted' : 'error',
      );
    }
    const executor = this.executor;
    return new Promise((resolve) => {
      const on = (id: string, status: 'success' | 'error' | 'interrupted'): void => {
        if (id !== promptId) return;
        executor.off('done', on);
        resolve(status);
      };
      executor.on('done', on);
    });
  }

  waitForIdle(): Promise<void> {
    if (!this.executor.isBusy() && this.queue.remaining() === 0) return Promise.resolve();
    const executor = this.executor;
    return new Promise((resolve) => executor.once('idle', () => resolve()));
  }

  dropSockets(): void {
    this.hub.dropAll();
  }

  forgetSockets(): void {
    this.hub.forgetAll();
  }

  isUp(): boolean {
    return this.life !== null;
  }

  async crash(): Promise<void> {
    const life = this.life;
    this.life = null;
    this.executor.abort();
    this.hub.close();
    this.queue.reset();
    if (!life) return;
    const closed = new Promise<void>((resolve) => life.server.close(() => resolve()));
    for (const s of life.sockets) s.destroy();
    await closed;
  }

  async restart(): Promise<void> {
    await this.crash();
    this.store.clearTemp();
    this.fresh();
    await this.listen();
  }

  async close(): Promise<void> {
    await this.crash();
    if (this.ownsDir) {
      rmSync(this.dataDir, { recursive: true, force: true });
      openDirs.delete(this.dataDir);
    }
  }
}

export async function startFakeComfy(opts: FakeComfyOptions = {}): Promise<FakeComfy> {
  const fake = new FakeComfyServer(opts);
  await fake.listen();
  return fake;
}
