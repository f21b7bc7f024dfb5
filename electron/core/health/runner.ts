/**
 * Runs the health checks of a registry for one live backend, with the needs of every loaded workflow
 * (node classes + the model files the user's settings choose), streaming each result as a `health.check` event.
 * With no backend at all it runs the app's own checks (the bot, the disk, the queue) and says how to get a
 * ComfyUI. Results come back failures first, then warnings, then passes (the monitor publishes them as
 * `health.report` once it has kept them).
 */
import { ApiError } from '@shared/api';
import type { HealthReport } from '@shared/api/health';
import type { Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { healthContextFor, sortResults, type HealthContext, type HealthRegistry, type WorkflowNeeds } from './registry';
import type { EventBus } from '../events';
import type { SettingsRepo } from '@core/store/settings-repo';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { requiredModelFiles } from '@core/workflows/requirements';

export interface HealthRunnerDeps {
  /** The checks to run (ComfyUI's, Discord's…), built by the composition root. */
  registry: HealthRegistry;
  backends: ReadonlyMap<string, ComfyBackend>;
  workflows: WorkflowRegistry;
  settings: SettingsRepo;
  events: EventBus;
  outputDir: string;
  clock: Clock;
  /** Every configured backend, running or not (to say why none can be checked). */
  records?: () => readonly { id: string; url: string; name: string; enabled: boolean }[];
  /** What the context needs beyond the backend: the launched ComfyUI, the catalogue, ComfyDesk's queue. */
  context?: Pick<HealthContext, 'launch' | 'catalog' | 'ownQueue'>;
}

export function workflowNeeds(workflows: WorkflowRegistry, models: Readonly<Record<string, string>>): WorkflowNeeds[] {
  return workflows.list().map(({ manifest }) => ({
    id: manifest.id,
    title: manifest.title,
    nodeClasses: manifest.nodeClasses,
    models: requiredModelFiles(manifest, { models, lora: null }).map((m) => ({
      folder: m.folder,
      file: m.file,
      setting: m.setting,
    })),
  }));
}

/** The backend a run is for: the one named, else the first live one; null when none is configured or enabled. */
function pickBackend(deps: HealthRunnerDeps, backendId?: string): ComfyBackend | null {
  if (!backendId) return deps.backends.values().next().value ?? null;
  const backend = deps.backends.get(backendId);
  if (backend) return backend;
  const named = deps.records?.().find((r) => r.id === backendId);
  if (named && !named.enabled)
    throw new ApiError({
      code: 'unavailable',
      message: `${named.name || named.url} is disabled. Enable it in Settings → ComfyUI to check it.`,
    });
  throw new ApiError({ code: 'not_found', message: `No running ComfyUI backend with id ${backendId}.` });
}

export async function runBackendHealth(deps: HealthRunnerDeps, backendId?: string): Promise<HealthReport> {
  const backend = pickBackend(deps, backendId);
  const common = { outputDir: deps.outputDir, clock: deps.clock, ...deps.context };
  const id = backend?.id ?? null;
  const ctx: HealthContext = backend
    ? healthContextFor(backend, {
        ...common,
        workflows: workflowNeeds(deps.workflows, deps.settings.get().models),
      })
    : {
        ...common,
        url: '',
        noComfy: { disabled: (deps.records?.() ?? []).filter((r) => !r.enabled).map((r) => r.name || r.url) },
      };
  deps.events.emit('health.started', { backendId: id });
  const results = await deps.registry.run(ctx, (result) => deps.events.emit('health.check', { backendId: id, result }));
  return { backendId: id, url: backend?.url ?? null, results: sortResults(results), at: deps.clock.now() };
}
