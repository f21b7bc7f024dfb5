/**
 * The jobs engine over several fake ComfyUIs (one ComfyBackend each, one BackendPool), on an injected clock that
 * also stamps the fakes' messages, with a light library that only counts what it is given (each job's results
 * must be taken in once). For multi-GPU routing and failover tests and bench/multi-gpu.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendAuth } from '@shared/backend-auth';
import type { Job, JobStatus } from '@shared/jobs';
import type { Clock } from '@core/clock';
import { ComfyBackend } from '@core/comfy/backends/backend';
import { BackendPool } from '@core/comfy/backends/pool';
import { EventBus } from '@core/events';
import { JobEngine } from '@core/jobs/engine';
import { InputStore } from '@core/jobs/inputs';
import type { JobBackends } from '@core/jobs/types';
import { nullLogger } from '@core/log';
import { openStore, type Store } from '@core/store';
import { WorkflowRegistry } from '@core/workflows/registry';
import { CountingLibrary } from '@test/helpers/counting-library';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '@test/fakes/comfyui';
import { BUNDLED_DIR, modelListsFor } from '../workflows/helpers';

export { CountingLibrary };

const ENDED: JobStatus[] = ['done', 'failed', 'cancelled'];

export interface MultiHarness {
  fakes: FakeComfy[];
  backends: ComfyBackend[];
  store: Store;
  events: EventBus;
  engine: JobEngine;
  library: CountingLibrary;
  waitFor(jobId: string, status: JobStatus | JobStatus[]): Promise<Job>;
  /** Resolves once `test` holds, looked at after every job change (and every 10 ms of real time). */
  until(test: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startMultiHarness(opts: {
  count: number;
  clock: Clock;
  fake?: (index: number) => FakeComfyOptions;
  /** Put a fake behind something (a proxy): the URL the backend uses for fake i. */
  urlOf?: (fake: FakeComfy, index: number) => string | Promise<string>;
  /** Credentials the backend of fake i sends (a proxy in front checks them). */
  auth?: (index: number) => BackendAuth | null;
  /** Wait for each backend's socket to open (default true). */
  waitOpen?: boolean;
}): Promise<MultiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'comfydesk-multi-'));
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const fakes: FakeComfy[] = [];
  for (let i = 0; i < opts.count; i++) {
    fakes.push(
      await startFakeComfy({
        models: modelListsFor(registry.list()),
        now: () => opts.clock.now(),
        script: { hold: true },
        ...opts.fake?.(i),
      }),
    );
  }
  const store = openStore(join(dataDir, 'comfydesk.db'), opts.clock);
  const events = new EventBus();
  const pool = new BackendPool();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  const backends: ComfyBackend[] = [];
  for (const [i, fake] of fakes.entries()) {
    const url = (await opts.urlOf?.(fake, i)) ?? fake.url;
    const record = store.backends.ensure(url, 'remote');
    const backend = new ComfyBackend({
      id: record.id,
      url,
      clientId: record.clientId,
      clock: opts.clock,
      auth: opts.auth?.(i) ?? null,
      socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 10, pollAfterFailures: 50, heartbeatMs: 0 },
    });
    backend.on('status', notify);
    pool.add(backend, { name: `gpu${i}` });
    const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
    backend.start();
    if (opts.waitOpen !== false) {
      await opened;
      await pool.refresh(backend.id);
    }
    backends.push(backend);
  }
  const jobBackends: JobBackends = {
    place: (req) => {
      const p = pool.place(req, { now: opts.clock.now(), freshMs: 10_000, launching: false, configured: true });
      if (p.kind !== 'ready') return p;
      return { kind: 'ready', backends: p.backends.flatMap((b) => backends.find((x) => x.id === b.id) ?? []) };
    },
    recheckModels: async (targets) => {
      await Promise.all(targets.map((t) => pool.refreshFolders(t.backendId, t.folders)));
    },
    intRange: (classType, input) => pool.intRange(classType, input),
    capabilitiesSettled: () => pool.settled(3_000),
    get: (id) => backends.find((b) => b.id === id),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const library = new CountingLibrary(join(dataDir, 'incoming'));
  const engine = new JobEngine({
    store,
    events,
    workflows: registry,
    backends: jobBackends,
    library,
    inputs: new InputStore(join(dataDir, 'inputs'), [join(dataDir, 'incoming')]),
    clock: opts.clock,
    logger: nullLogger,
  });
  const waiters = new Set<() => void>();
  events.on('job.changed', () => {
    for (const w of [...waiters]) w();
  });
  engine.start();
  const until = (test: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (test()) return resolve();
      const check = () => {
        if (!test()) return;
        waiters.delete(check);
        clearInterval(poll);
        resolve();
      };
      // Some conditions change without a job change (a prompt reaching the fake): look every 10 ms as well.
      const poll = setInterval(check, 10);
      waiters.add(check);
    });
  return {
    fakes,
    backends,
    store,
    events,
    engine,
    library,
    until,
    async waitFor(jobId, status) {
      const want = Array.isArray(status) ? status : [status];
      await until(() => want.includes(store.jobs.get(jobId)?.status as JobStatus));
      return store.jobs.get(jobId)!;
    },
    async close() {
      engine.stop();
      pool.dispose();
      for (const b of backends) await b.stop();
      store.close();
      for (const f of fakes) await f.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { ENDED };
