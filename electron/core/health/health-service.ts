/**
 * Health wired to the rest of the core (the composition root calls only this): the check registry (ComfyUI's and
 * the bot's), the runner with what the checks read (the launched ComfyUI, the model catalogue, ComfyDesk's own
 * queue), and the monitor that runs them at start and after every change.
 */
import { ACTIVE_STATUSES } from '@shared/jobs';
import { MODEL_FOLDERS, type ModelFolder } from '@shared/workflow-manifest';
import type { HealthReport } from '@shared/api/health';
import type { BackendManager } from '@core/comfy/backends/manager';
import { isOnline } from '@core/comfy/backends/routing';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ModelCatalog } from '../models/catalog';
import type { Store } from '../store';
import type { WorkflowRegistry } from '../workflows/registry';
import { comfyHealthChecks } from './comfy-checks';
import { discordHealthChecks, type DiscordHealthSource } from './discord-checks';
import { HealthMonitor } from './monitor';
import { HealthRegistry, type HealthContext } from './registry';
import { runBackendHealth } from './runner';

export interface HealthServiceOptions {
  /** Run at start and after changes (default true). */
  auto?: boolean;
  /** Changes within this time are one run (default 400 ms). */
  debounceMs?: number;
}

export interface HealthServiceDeps {
  comfy: BackendManager;
  store: Store;
  events: EventBus;
  workflows: WorkflowRegistry;
  catalog: ModelCatalog;
  bot: DiscordHealthSource;
  /** The channels Discord jobs came from lately: the bot's permissions are checked there. */
  recentChannels: () => readonly string[];
  outputDir: string;
  clock: Clock;
  logger: Logger;
}

export interface HealthService {
  registry: HealthRegistry;
  run(backendId?: string): Promise<HealthReport>;
  latest(backendId?: string): HealthReport | null;
  /** Run again soon (after a refresh of a backend). */
  poke(): void;
  start(): void;
  stop(): Promise<void>;
}

const isModelFolder = (f: string): f is ModelFolder => (MODEL_FOLDERS as readonly string[]).includes(f);

export function createHealth(o: HealthServiceOptions, deps: HealthServiceDeps): HealthService {
  const { comfy, store, events, bot } = deps;
  const registry = new HealthRegistry([...comfyHealthChecks, ...discordHealthChecks(bot, deps.recentChannels)]);
  const context: Pick<HealthContext, 'launch' | 'catalog' | 'ownQueue'> = {
    launch: (backendId) => {
      const s = comfy.launcher.statusFor(backendId ?? null);
      return { launchPath: comfy.launchSettings().launchPath, state: s.state, error: s.error, backendId: s.backendId };
    },
    catalog: (folder, file) => {
      const entry = isModelFolder(folder) ? deps.catalog.find(folder, file) : null;
      return entry ? { bytes: entry.bytes } : null;
    },
    ownQueue: () => {
      const c = store.jobs.countByStatus(ACTIVE_STATUSES);
      return {
        queued: c.queued,
        running: c.submitted + c.running + c.collecting,
        paused: store.settings.get().queue.paused,
      };
    },
  };
  const run = (backendId?: string) =>
    runBackendHealth(
      {
        registry,
        backends: comfy.backends,
        workflows: deps.workflows,
        settings: store.settings,
        events,
        outputDir: deps.outputDir,
        clock: deps.clock,
        records: () => store.backends.list(),
        context,
      },
      backendId,
    );
  const signature = (): string => {
    const s = store.settings.get();
    const b = bot.state();
    return JSON.stringify([
      comfy.summaries().map((x) => [x.id, x.enabled, isOnline(x.status), x.version]),
      comfy.launchStatus().state,
      comfy.launchSettings().launchPath,
      s.models,
      s.queue.paused,
      [b.hasToken, b.status, bot.guildCount()],
      deps.workflows.list().map((w) => w.manifest.id),
    ]);
  };
  const monitor = new HealthMonitor({
    run,
    backendIds: () => [...comfy.backends.keys()],
    signature,
    publish: (report) => events.emit('health.report', report),
    listen: (poke) => [
      comfy.on('changed', () => poke()),
      events.on('comfy.launcher', () => poke()),
      events.on('settings.changed', () => poke()),
      events.on('bot.changed', () => poke()),
      events.on('workflows.changed', () => poke(true)),
      events.on('models.changed', () => poke(true)),
    ],
    clock: deps.clock,
    logger: deps.logger.child('health'),
    ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
  });
  return {
    registry,
    run: (backendId) => monitor.runNow(backendId),
    latest: (backendId) => monitor.latest(backendId),
    poke: () => (o.auto === false ? undefined : monitor.poke(true)),
    start: () => (o.auto === false ? undefined : monitor.start()),
    stop: () => monitor.stop(),
  };
}
