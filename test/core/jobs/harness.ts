/**
 * The jobs engine wired to a real ComfyBackend + BackendPool on the fake ComfyUI, a real SQLite store in a temp
 * dir, the real output library and the bundled workflows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPayload } from '@shared/api';
import type { Job, JobStatus } from '@shared/jobs';
import { systemClock, type Clock } from '@core/clock';
import { ComfyBackend, type ComfyBackendOptions } from '@core/comfy/backends/backend';
import { BackendPool } from '@core/comfy/backends/pool';
import { EventBus } from '@core/events';
import { JobEngine } from '@core/jobs/engine';
import { InputStore } from '@core/jobs/inputs';
import type { JobBackends, JobLibrary } from '@core/jobs/types';
import type { Requirements } from '@core/comfy/backends/routing';
import { Library } from '@core/library/library';
import { nullLogger } from '@core/log';
import { openStore, type Store } from '@core/store';
import { WorkflowRegistry } from '@core/workflows/registry';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '@test/fakes/comfyui';
import { tempDirs } from '@test/helpers/temp-dir';
import { BUNDLED_DIR, modelListsFor } from '../workflows/helpers';

export interface Harness {
  fake: FakeComfy;
  store: Store;
  events: EventBus;
  engine: JobEngine;
  backend: ComfyBackend;
  inputs: InputStore;
  library: Library;
  dataDir: string;
  /** Every job.changed payload, in order. */
  changes: Job[];
  progress: EventPayload<'job.progress'>[];
  waitFor(jobId: string, status: JobStatus | JobStatus[]): Promise<Job>;
  waitAllEnded(): Promise<void>;
  /** The job ComfyDesk sent as this prompt, once it knows the prompt's id. */
  waitForPrompt(promptId: string): Promise<Job>;
  /** Start a second engine on the same data (a restarted app). */
  close(): Promise<void>;
}

const ENDED: JobStatus[] = ['done', 'failed', 'cancelled'];

/** JobBackends over a BackendPool of live ComfyBackends (in the app, the ComfyUI manager is this). */
function poolBackends(
  pool: BackendPool,
  get: (id: string) => ComfyBackend | undefined,
  onChange: (listener: () => void) => () => void,
): JobBackends {
  return {
    place: (req: Requirements) => {
      const p = pool.place(req, { now: Date.now(), freshMs: 10_000, launching: false, configured: true });
      if (p.kind !== 'ready') return p;
      return { kind: 'ready', backends: p.backends.flatMap((b) => get(b.id) ?? []) };
    },
    recheckModels: async (targets) => {
      await Promise.all(targets.map((t) => pool.refreshFolders(t.backendId, t.folders)));
    },
    intRange: (classType, input) => pool.intRange(classType, input),
    capabilitiesSettled: () => pool.settled(3_000),
    get,
    onChange,
  };
}

export async function startHarness(
  opts: {
    fake?: FakeComfyOptions;
    fakeInstance?: FakeComfy;
    dataDir?: string;
    clock?: Clock;
    perUserLimit?: number;
    /** Where the backend reaches the fake (default its own address; e.g. a proxy that can cut the line). */
    backendUrl?: string;
    /** Socket options over the harness's quick reconnects, and the jitter's random source. */
    socket?: ComfyBackendOptions['socket'];
    random?: () => number;
    /** Another output library in place of the real one (a light one for long runs). */
    library?: (dataDir: string) => JobLibrary;
  } = {},
): Promise<Harness> {
  const dirs = tempDirs();
  const dataDir = opts.dataDir ?? dirs.make('comfydesk-jobs-');
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const clock = opts.clock ?? systemClock;
  // ComfyUI stamps its messages with its own clock: with an injected clock, the fake's is the same one.
  const stamps = opts.clock ? { now: () => clock.now() } : {};
  const fake =
    opts.fakeInstance ?? (await startFakeComfy({ models: modelListsFor(registry.list()), ...stamps, ...opts.fake }));
  const store = openStore(join(dataDir, 'comfydesk.db'), clock);
  if (opts.perUserLimit) store.settings.update({ queue: { perUserLimit: opts.perUserLimit } });
  const events = new EventBus();
  const url = opts.backendUrl ?? fake.url;
  const record = store.backends.ensure(url, 'remote');
  const backend = new ComfyBackend({
    id: record.id,
    url,
    clientId: record.clientId,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    socket: {
      ...{ backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 10, pollAfterFailures: 50, heartbeatMs: 0 },
      ...opts.socket,
    },
  });
  const pool = new BackendPool();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  pool.add(backend);
  // As the manager does: a change when the status changes, and once the capabilities are in after coming online.
  let wasOnline = false;
  backend.on('status', (status) => {
    notify();
    const online = status === 'idle' || status === 'busy';
    if (online && !wasOnline) pool.refresh(backend.id).then(notify, () => {});
    wasOnline = online;
  });
  const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
  backend.start();
  await opened;
  await pool.refresh(backend.id);
  mkdirSync(join(dataDir, 'library'), { recursive: true });
  const library = new Library({
    libraryDir: join(dataDir, 'library'),
    store: store.outputs,
    clock,
    logger: nullLogger,
    events,
  });
  await library.start();
  const inputs = new InputStore(join(dataDir, 'inputs'), [join(dataDir, 'library')]);
  const engine = new JobEngine({
    store,
    events,
    workflows: registry,
    backends: poolBackends(
      pool,
      (id) => (id === backend.id ? backend : undefined),
      (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    ),
    library: opts.library?.(dataDir) ?? library,
    inputs,
    clock,
    logger: nullLogger,
  });
  const changes: Job[] = [];
  const progress: EventPayload<'job.progress'>[] = [];
  const waiters = new Set<() => void>();
  events.on('job.changed', (job) => {
    changes.push(job);
    for (const w of [...waiters]) w();
  });
  events.on('job.progress', (p) => progress.push(p));
  engine.start();

  const waitUntil = (test: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (test()) return resolve();
      const check = () => {
        if (test()) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
    });

  return {
    fake,
    store,
    events,
    engine,
    backend,
    inputs,
    library,
    dataDir,
    changes,
    progress,
    async waitFor(jobId, status) {
      const want = Array.isArray(status) ? status : [status];
      await waitUntil(() => want.includes(store.jobs.get(jobId)?.status as JobStatus));
      return store.jobs.get(jobId)!;
    },
    async waitForPrompt(promptId) {
      await waitUntil(() => store.jobs.byPromptId(promptId) !== null);
      return store.jobs.byPromptId(promptId)!;
    },
    async waitAllEnded() {
      await waitUntil(() => {
        const c = store.jobs.countByStatus();
        return c.queued + c.submitted + c.running + c.collecting === 0;
      });
    },
    async close() {
      engine.stop();
      await library.stop();
      pool.dispose();
      await backend.stop();
      store.close();
      if (!opts.fakeInstance) await fake.close();
      if (!opts.dataDir) dirs.cleanup();
    },
  };
}

export { ENDED };
