/**
 * Runs the health checks of a registry for one live backend, with the needs of every loaded workflow
 * (node classes + the model files the user's settings choose), streaming each result as a `health.check` event.
 */
import { ApiError } from '@shared/api';
import type { HealthCheckResult } from '@shared/api/health';
import type { Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { healthContextFor, type HealthRegistry, type WorkflowNeeds } from './registry';
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
}

export function workflowNeeds(workflows: WorkflowRegistry, models: Readonly<Record<string, string>>): WorkflowNeeds[] {
  return workflows.list().map(({ manifest }) => ({
    id: manifest.id,
    title: manifest.title,
    nodeClasses: manifest.nodeClasses,
    models: requiredModelFiles(manifest, { models, lora: null }).map((m) => ({ folder: m.folder, file: m.file })),
  }));
}

export async function runBackendHealth(
  deps: HealthRunnerDeps,
  backendId?: string,
): Promise<{ backendId: string; url: string; results: HealthCheckResult[] }> {
  const backend = backendId ? deps.backends.get(backendId) : deps.backends.values().next().value;
  if (!backend) {
    const records = deps.records?.() ?? [];
    const disabled = records.filter((r) => !r.enabled);
    const named = backendId ? records.find((r) => r.id === backendId) : undefined;
    let message: string;
    if (named && !named.enabled)
      message = `${named.name || named.url} is disabled. Enable it in Settings → ComfyUI to check it.`;
    else if (backendId) message = `No running ComfyUI backend with id ${backendId}.`;
    else if (disabled.length > 0 && disabled.length === records.length) {
      message = `Every ComfyUI backend is disabled (${disabled.map((r) => r.name || r.url).join(', ')}). Enable one in Settings → ComfyUI.`;
    } else message = 'No ComfyUI backend is configured. Add its URL in Settings (or set COMFYDESK_COMFY_URLS).';
    throw new ApiError({ code: backendId && !named ? 'not_found' : 'unavailable', message });
  }
  const ctx = healthContextFor(backend, {
    workflows: workflowNeeds(deps.workflows, deps.settings.get().models),
    outputDir: deps.outputDir,
    clock: deps.clock,
  });
  const results = await deps.registry.run(ctx, (result) =>
    deps.events.emit('health.check', { backendId: backend.id, result }),
  );
  return { backendId: backend.id, url: backend.url, results };
}
