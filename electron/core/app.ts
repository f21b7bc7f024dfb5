/**
 * Composition root: createCore(config) wires store, events, API and the capabilities; start() and stop() run
 * them in order. Both shells (Electron main and headless) call only this.
 */
import { join } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import type { HealthSummary } from '../../shared/api/health';
import { appHandlers } from './api/app-handlers';
import { ComfyBackend } from './comfy/backend';
import { DEFAULT_COMFY_URLS, findComfyUI } from './comfy/find';
import { CoreApi, type Handlers } from './api/dispatch';
import { healthHandlers } from './api/health-handlers';
import { settingsHandlers } from './api/settings-handlers';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { EventBus } from './events';
import { nullLogger, type Logger } from './log';
import { FileSecretStore, type SecretStore } from './secrets';
import { runBackendHealth } from './health-runner';
import { WorkflowRegistry } from './workflows/registry';
import { openStore, type Store } from './store';
import type { BackendRecord } from './store/backends-repo';
import { APP_VERSION } from './version';

export interface CoreOptions {
  config: Config;
  mode: 'desktop' | 'headless';
  clock?: Clock;
  logger?: Logger;
  secrets?: SecretStore;
  /** Where to look for an already running ComfyUI at start (default 127.0.0.1:8188 and :8000; [] = don't look). */
  discoverUrls?: readonly string[];
  /** The bundled workflows folder; found next to the app by default. */
  workflowsDir?: string;
}

/** `workflows/` beside the source tree, the build output (out/main[/chunks]) or the packaged app. */
function findWorkflowsDir(): string {
  const candidates = [process.env.COMFYDESK_WORKFLOWS_DIR, join(__dirname, '../../workflows'), join(__dirname, '../../../workflows')];
  return candidates.find((dir): dir is string => !!dir && existsSync(dir)) ?? join(__dirname, '../../workflows');
}

export interface Core {
  readonly config: Config;
  readonly store: Store;
  readonly events: EventBus;
  readonly api: CoreApi;
  readonly logger: Logger;
  readonly secrets: SecretStore;
  /** One live ComfyBackend (HTTP client + the one WebSocket) per enabled backend, while started. */
  readonly backends: ReadonlyMap<string, ComfyBackend>;
  readonly workflows: WorkflowRegistry;
  healthSummary(): HealthSummary;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? nullLogger;
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.libraryDir, { recursive: true });
  const store = openStore(join(config.dataDir, 'comfydesk.db'), clock);
  const events = new EventBus(logger.child('events'));
  const secrets = options.secrets ?? new FileSecretStore(join(config.dataDir, 'secrets'));
  const startedAt = clock.now();

  for (const url of config.comfy.urls) store.backends.ensure(url, 'remote');
  const live = new Map<string, ComfyBackend>();
  const workflows = new WorkflowRegistry({
    bundledDir: options.workflowsDir ?? findWorkflowsDir(),
    importedDir: join(config.dataDir, 'workflows'),
    logger,
  });

  const healthSummary = (): HealthSummary => {
    const backends: HealthSummary['comfy']['backends'] = store.backends.list().map((b) => ({
      id: b.id,
      url: b.url,
      kind: b.kind,
      enabled: b.enabled,
      status: live.get(b.id)?.status ?? 'offline',
      version: null,
      error: live.get(b.id)?.statusDetail ?? null,
    }));
    const enabled = backends.filter((b) => b.enabled);
    const counts = store.jobs.countByStatus();
    let hasToken = false;
    try {
      hasToken = secrets.get('discordToken') !== null;
    } catch {
      hasToken = false;
    }
    return {
      comfy: {
        status: enabled.length === 0 ? 'none' : enabled.some((b) => b.status === 'idle' || b.status === 'busy') ? 'online' : 'offline',
        backends,
      },
      bot: { status: hasToken ? 'stopped' : 'no-token', guilds: store.guilds.list().length },
      queue: {
        queued: counts.queued,
        running: counts.submitted + counts.running + counts.collecting,
        paused: store.settings.get().queue.paused,
      },
    };
  };

  const handlers: Handlers = {
    ...appHandlers({
      info: () => ({
        name: 'ComfyDesk',
        version: APP_VERSION,
        mode: options.mode,
        platform: process.platform,
        node: process.versions.node,
        dataDir: config.dataDir,
        libraryDir: config.libraryDir,
        startedAt,
      }),
    }),
    ...settingsHandlers({ settings: store.settings, events }),
    ...healthHandlers({
      summary: healthSummary,
      run: (input) =>
        runBackendHealth(
          { backends: live, workflows, settings: store.settings, events, outputDir: config.libraryDir, clock },
          input.backendId,
        ),
    }),
  };
  const api = new CoreApi(handlers, logger.child('api'));

  const startBackend = (record: BackendRecord): void => {
    if (live.has(record.id)) return;
    const backend = new ComfyBackend({ id: record.id, url: record.url, clientId: record.clientId, clock, logger: logger.child('comfy') });
    backend.on('status', (status) => {
      if (!started) return;
      if (status === 'idle' || status === 'busy') store.backends.touch(record.id);
      events.emit('health.changed', healthSummary());
    });
    live.set(record.id, backend);
    backend.start();
  };

  /** Probe the usual local addresses; a ComfyUI found there is remembered as a local backend. */
  const discover = async (): Promise<void> => {
    const urls = options.discoverUrls ?? DEFAULT_COMFY_URLS;
    if (urls.length === 0) return;
    const { found } = await findComfyUI({ defaults: urls, timeoutMs: 1500 });
    if (!started) return;
    for (const hit of found) {
      const known = store.backends.byUrl(hit.url);
      const record = known ?? store.backends.ensure(hit.url, 'local', `ComfyUI ${hit.version} (found at ${hit.url})`);
      if (!known) logger.info('found a running ComfyUI', { url: hit.url, version: hit.version });
      if (record.enabled) startBackend(record);
    }
    if (found.length) events.emit('health.changed', healthSummary());
  };

  let started = false;
  let discovery: Promise<void> = Promise.resolve();
  return {
    config,
    store,
    events,
    api,
    logger,
    secrets,
    backends: live,
    workflows,
    healthSummary,
    async start() {
      if (started) return;
      started = true;
      const problems = await workflows.load();
      for (const p of problems) logger.warn(`workflow not loaded: ${p.message}`);
      for (const record of store.backends.list()) if (record.enabled) startBackend(record);
      discovery = discover().catch((err: unknown) => logger.warn('looking for a running ComfyUI failed', { error: err }));
      logger.info('core started', { mode: options.mode, dataDir: config.dataDir, backends: live.size });
    },
    async stop() {
      if (!started) {
        store.close();
        return;
      }
      started = false;
      logger.info('core stopping');
      await discovery.catch(() => {});
      await Promise.all([...live.values()].map((b) => b.stop().catch(() => {})));
      live.clear();
      store.close();
    },
  };
}
