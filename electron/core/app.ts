/**
 * Composition root: createCore(config) wires store, events, API and the capabilities; start() and stop() run
 * them in order. Both shells (Electron main and headless) call only this.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { BotState } from '@shared/api/bot';
import type { HealthSummary } from '@shared/api/health';
import type { InstallKind } from '@shared/api/updates';
import { ACTIVE_STATUSES } from '@shared/jobs';
import { appHandlers } from './api/app-handlers';
import { backendsHandlers } from './api/backends-handlers';
import { launcherHandlers } from './api/launcher-handlers';
import { dataHandlers } from './api/data-handlers';
import { botHandlers } from './api/bot-handlers';
import { bindBot } from './bot-control';
import { findCatalogFile, findWorkflowsDir } from './resource-paths';
import { discordHandlers } from './api/discord-handlers';
import { ownerPerson, resolvePerson } from './access/person';
import { channelRefusal } from './access/channel-rules';
import { LinkCodes } from './access/link-code';
import { ownerHandlers } from './api/owner-handlers';
import { usageHandlers } from './api/usage-handlers';
import { SlidingWindowLimiter } from './access/rate-limit';
import type { ComfyBackend } from './comfy/backends/backend';
import { BackendManager, type BackendManagerOptions } from './comfy/backends/manager';
import { CoreApi, type Handlers } from './api/dispatch';
import { healthHandlers } from './api/health-handlers';
import { jobsHandlers, requestOf } from './api/jobs-handlers';
import { libraryHandlers } from './api/library-handlers';
import { modelsHandlers } from './api/models-handlers';
import { setupHandlers } from './api/setup-handlers';
import { setupFacts } from './setup/facts';
import { freshWorkflowReadiness, workflowReadiness } from './workflows/readiness';
import { settingsHandlers } from './api/settings-handlers';
import { templatesHandlers } from './api/templates-handlers';
import { updatesHandlers } from './api/updates-handlers';
import { usersHandlers } from './api/users-handlers';
import { workflowsHandlers } from './api/workflows-handlers';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { DataService, type DataHost } from './data/service';
import { DiscordBot, type DiscordBotOptions } from './discord/bot';
import { createHealth, type HealthServiceOptions } from './health/health-service';
import { EventBus } from './events';
import { nullLogger, type Logger } from './log';
import { FileSecretStore, type SecretStore } from './secrets';
import { BackendAuthStore } from './comfy/backends/auth-store';
import { backendActivity } from './jobs/backend-activity';
import { JobEngine } from './jobs/engine';
import { InputStore } from './jobs/inputs';
import { fitToLimit, pruneFitCache } from './library/fit';
import { Library } from './library/library';
import type { DownloadManager } from './models/downloads';
import { createModelDownloads, type ModelDownloadsOptions } from './models/model-downloads';
import { WorkflowRegistry } from './workflows/registry';
import { openStore, type Store } from './store';
import { launchRecordBook, removedBackendUrls } from './store/backends-repo';
import { UpdateManager, type UpdaterPort } from './updates/manager';
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
  /** Show a file in the system file manager (the desktop shell passes shell.showItemInFolder). */
  revealPath?: (path: string) => void;
  /** More launcher / backend options for the ComfyUI manager, and the nvidia-smi runner (tests). */
  comfy?: Pick<BackendManagerOptions, 'launcher' | 'backend' | 'gpuRunner'>;
  /** Discord bot options (tests point discord.js at the fake Discord and allow its CDN). */
  discord?: Pick<DiscordBotOptions, 'clientOptions' | 'cdnOrigins' | 'editIntervalMs' | 'registerGlobally'>;
  /** Model downloads: the catalogue file (found next to the app by default) and the downloader's tuning (tests). */
  models?: Partial<ModelDownloadsOptions>;
  /** The host running this core (host.ts): restoring a backup replaces the database, so it restarts the core. */
  dataHost?: DataHost;
  /**
   * The desktop shell's updater (electron/main/updates.ts). Without it the core says how this copy is updated
   * instead (headless: from its checkout).
   */
  updates?: {
    install: InstallKind;
    updater: UpdaterPort | null;
    releasesUrl?: string | null;
    /** COMFYDESK_AUTO_UPDATE=0: no checks, whatever the setting. */
    checksDisabled?: boolean;
  };
  /** Health runs on its own at start and after changes unless `auto` is false (tests that do not watch it). */
  health?: HealthServiceOptions;
}

/** The database file in a data dir. */
export const databaseFile = (dataDir: string): string => join(dataDir, 'comfydesk.db');
/** Where backups of it go. */
export const backupsDir = (dataDir: string): string => join(dataDir, 'backups');

export interface Core {
  readonly config: Config;
  readonly store: Store;
  readonly events: EventBus;
  readonly api: CoreApi;
  readonly logger: Logger;
  readonly secrets: SecretStore;
  /** One live ComfyBackend (HTTP client + the one WebSocket) per enabled backend, while started. */
  readonly backends: ReadonlyMap<string, ComfyBackend>;
  /** Backends, discovery, the launched ComfyUI and the pool that picks a backend for a job. */
  readonly comfy: BackendManager;
  readonly workflows: WorkflowRegistry;
  /** The output library: ingest (jobs engine), search, favourites, delete, media look-up. */
  readonly library: Library;
  /** The jobs engine: fair queue, dispatch to backends, progress, cancel, recovery. */
  readonly jobs: JobEngine;
  /** The Discord bot (a client of the core API). */
  readonly bot: DiscordBot;
  /** Model downloads into the backends' model folders. */
  readonly downloads: DownloadManager;
  /** Backups, the settings export and import, library retention, the orphan scan. */
  readonly data: DataService;
  /** New versions of the app: checks, background download, "Restart to update" once nothing runs. */
  readonly updates: UpdateManager;
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
  const store = openStore(databaseFile(config.dataDir), clock);
  const events = new EventBus(logger.child('events'));
  const secrets = options.secrets ?? new FileSecretStore(join(config.dataDir, 'secrets'));
  const startedAt = clock.now();
  const library = new Library({
    libraryDir: config.libraryDir,
    store: store.outputs,
    clock,
    logger: logger.child('library'),
    events,
  });

  const comfy = new BackendManager({
    records: store.backends,
    removed: removedBackendUrls(store.settings),
    launchRecords: launchRecordBook(store.settings),
    settings: () => store.settings.get(),
    events,
    config: config.comfy,
    launchDir: join(config.dataDir, 'comfyui'),
    auth: new BackendAuthStore(secrets, logger),
    clock,
    logger,
    ...(options.discoverUrls ? { discoverUrls: options.discoverUrls } : {}),
    ...options.comfy,
  });
  const workflows = new WorkflowRegistry({
    bundledDir: options.workflowsDir ?? findWorkflowsDir(),
    importedDir: join(config.dataDir, 'workflows'),
    logger,
  });

  const models = createModelDownloads(
    { ...options.models, catalogPath: options.models?.catalogPath ?? findCatalogFile() },
    { store, events, secrets, comfy, workflows, clock, logger },
  );
  const { downloads } = models;

  const data = new DataService({
    store,
    library,
    workflows,
    events,
    secrets,
    clock,
    logger,
    backupsDir: backupsDir(config.dataDir),
    dataDir: config.dataDir,
    appVersion: APP_VERSION,
    host: options.dataHost,
  });

  const inputs = new InputStore(join(config.dataDir, 'inputs'), [config.libraryDir]);
  const jobs = new JobEngine({ store, events, workflows, backends: comfy, library, inputs, clock, logger });

  /** Copies of results shrunk to a server's upload limit; a week old, they go at the next start. */
  const discordFitDir = join(config.dataDir, 'cache', 'discord-fit');
  const bot = new DiscordBot({
    // The bot is a client of the core API (created below), like the renderer; it only listens to events.
    api: { dispatch: (method, input, ctx) => api.dispatch(method, input, ctx) },
    events,
    secrets,
    clock,
    logger,
    fit: (path, limit) => fitToLimit(path, limit, { cacheDir: discordFitDir, ffmpegPath: library.ffmpegPath }),
    onState: () => events.emit('bot.changed', botState()),
    ...options.discord,
  });
  /** The bot's state; while it is offline, the servers it is known to be in come from the store. */
  const botState = (): BotState => {
    const state = bot.state();
    if (state.status === 'online') return state;
    return { ...state, guilds: store.guilds.list().filter((g) => g.joinedAt !== null).length };
  };
  /** Discord users' sliding-window rate limits (per member and per server). */
  const limiter = new SlidingWindowLimiter(() => clock.now());
  /** The channels Discord jobs came from lately: the bot's permissions are checked there. */
  const recentDiscordChannels = (): string[] => [
    ...new Set(
      store.jobs
        .list({ limit: 50 })
        .flatMap((j) => (j.source === 'discord' && j.guildId && j.channelId ? [j.channelId] : [])),
    ),
  ];
  const health = createHealth(options.health ?? {}, {
    comfy,
    store,
    events,
    workflows,
    catalog: models.catalog,
    bot,
    recentChannels: recentDiscordChannels,
    outputDir: config.libraryDir,
    clock,
    logger,
  });

  const updates = new UpdateManager({
    install: options.updates?.install ?? (options.mode === 'headless' ? 'headless' : 'development'),
    updater: options.updates?.updater ?? null,
    releasesUrl: options.updates?.releasesUrl ?? null,
    checksDisabled: options.updates?.checksDisabled ?? false,
    current: APP_VERSION,
    clock,
    logger: logger.child('updates'),
    settings: () => store.settings.get().updates,
    busy: () => {
      const counts = store.jobs.countByStatus(['submitted', 'running', 'collecting']);
      return { runningJobs: counts.submitted + counts.running + counts.collecting, delivering: bot.delivering() };
    },
    onChange: (state) => events.emit('updates.changed', state),
  });

  const healthSummary = (): HealthSummary => {
    const counts = store.jobs.countByStatus(ACTIVE_STATUSES);
    const botNow = botState();
    return {
      comfy: {
        status: comfy.overallStatus(),
        backends: comfy.summaries(),
      },
      bot: { status: botNow.status, guilds: botNow.guilds },
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
    ...libraryHandlers({ library, revealPath: options.revealPath, job: (id) => store.jobs.get(id) }),
    ...usersHandlers({ users: store.users }),
    ...jobsHandlers({
      engine: jobs,
      store,
      inputs,
      limiter,
      sharing: {
        store,
        engine: jobs,
        clock,
        owner: store.owner,
        workflowTitle: (id) => workflows.get(id)?.manifest.title ?? id,
      },
    }),
    ...usageHandlers({ store, engine: jobs, clock, plan: () => jobs.plan() }),
    ...ownerHandlers({
      store,
      events,
      clock,
      codes: new LinkCodes(),
      asOwner: (method, input) => api.call(method, input),
    }),
    ...workflowsHandlers({ workflows, comfy, settings: store.settings, events }),
    ...templatesHandlers({ templates: store.templates, users: store.users, guilds: store.guilds, workflows, events }),
    ...backendsHandlers({
      comfy,
      activity: () => backendActivity(comfy.summaries(), jobs.router),
      refreshed: () => health.poke(),
    }),
    ...launcherHandlers({ comfy, settings: store.settings, events, config: config.comfy }),
    ...botHandlers({ bot: { ...bindBot(bot), state: botState }, store, events }),
    ...discordHandlers({ store, events, botChanged: () => events.emit('bot.changed', botState()) }),
    ...modelsHandlers({ downloads, catalog: () => models.view() }),
    ...setupHandlers({
      repo: store.setup,
      events,
      facts: setupFacts({
        backends: () => comfy.summaries(),
        launcherState: () => comfy.launchStatus().state,
        readiness: () => workflowReadiness(workflows, comfy, store.settings.get().models),
        workflows: () => workflows.list().map((w) => w.manifest),
        imagesMade: () => store.outputs.count(),
        bot: botState,
      }),
      readiness: () => freshWorkflowReadiness(workflows, comfy, store.settings.get().models),
      workflows: () => workflows.list().map((w) => w.manifest),
      submit: (workflow, prompt) =>
        jobs.submitRunnable(
          requestOf(ownerPerson(), { workflow, prompt, negative: '', params: {}, models: {} }, store),
        ),
    }),
    ...dataHandlers({ data }),
    ...updatesHandlers({ updates }),
    ...healthHandlers({ summary: healthSummary, health }),
  };
  const api = new CoreApi(
    handlers,
    (actor) => resolvePerson(store.guilds, actor, store.owner),
    logger.child('api'),
    // A server's channel rules: where the bot answers (owner commands answer the linked account anywhere).
    (method, person) => {
      const refused = method.startsWith('owner.') ? null : channelRefusal(person);
      if (refused) throw refused;
    },
  );

  comfy.on('changed', () => events.emit('health.changed', healthSummary()));
  // Queue counts are part of the summary: one health.changed per burst of job changes.
  let summaryTimer: ReturnType<Clock['setTimeout']> | null = null;
  const summarySoon = (): void => {
    if (summaryTimer || !started) return;
    summaryTimer = clock.setTimeout(() => {
      summaryTimer = null;
      if (started) events.emit('health.changed', healthSummary());
    }, 200);
  };
  events.on('job.changed', summarySoon);
  events.on('settings.changed', summarySoon);
  events.on('bot.changed', summarySoon);
  events.on('settings.changed', (settings) => updates.settingsChanged(settings.updates));
  events.on('job.changed', () => updates.busyChanged());
  comfy.on('log', (line) => events.emit('comfy.log', line));
  comfy.on('launcher', (status) => events.emit('comfy.launcher', status));

  let started = false;
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  return {
    config,
    store,
    events,
    api,
    logger,
    secrets,
    backends: comfy.backends,
    comfy,
    workflows,
    library,
    jobs,
    bot,
    downloads,
    data,
    updates,
    healthSummary,
    start() {
      if (starting) return starting;
      started = true;
      starting = (async () => {
        const problems = await workflows.load();
        for (const p of problems) logger.warn(`workflow not loaded: ${p.message}`);
        await models.catalog.load();
        // A stop() that came while we were loading wins: start nothing more.
        if (!started) return;
        await library.start();
        data.start();
        void pruneFitCache(discordFitDir, 7 * 24 * 3600_000, clock.now()).catch((err: unknown) =>
          logger.warn('could not prune the Discord fit cache', { error: err }),
        );
        if (!started) return;
        await comfy.start();
        if (!started) return;
        jobs.start();
        downloads.start();
        health.start();
        await bot.follow();
        if (bot.state().hasToken) void bot.start();
        updates.start();
        logger.info('core started', { mode: options.mode, dataDir: config.dataDir, backends: comfy.list().length });
      })();
      return starting;
    },
    stop() {
      if (stopping) return stopping;
      stopping = (async () => {
        const wasStarted = starting !== null;
        // A start() still running sees this at its next step and starts nothing more; wait for it, so nothing
        // runs on a closed database.
        started = false;
        await starting?.catch(() => {});
        if (!wasStarted) {
          await downloads.stop();
          await bot.dispose();
          await data.stop();
          await library.stop();
          store.close();
          return;
        }
        logger.info('core stopping');
        updates.stop();
        await health.stop();
        await bot.dispose();
        await downloads.stop();
        jobs.stop();
        clock.clearTimeout(summaryTimer ?? undefined);
        summaryTimer = null;
        await comfy.stop();
        await data.stop();
        await library.stop();
        store.close();
      })();
      return stopping;
    },
  };
}
