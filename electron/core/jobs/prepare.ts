/**
 * From a stored job to what a backend needs: the workflow it names, the model files and node classes a backend
 * must have (routing), and the graph — the job's resolved values mapped into the workflow (inject.ts).
 */
import { ApiError } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { Requirements } from '@core/comfy/backends/routing';
import type { ApiGraph } from '@core/workflows/graph';
import { injectResolved } from '@core/workflows/inject';
import type { LoadedWorkflow, WorkflowRegistry } from '@core/workflows/registry';
import { requiredModelFiles } from '@core/workflows/requirements';

export function findWorkflow(registry: WorkflowRegistry, id: string): LoadedWorkflow {
  const workflow = registry.get(id);
  if (!workflow) {
    const known = registry.list().map((w) => w.manifest.id);
    throw new ApiError({
      code: 'bad_request',
      title: 'Unknown workflow',
      message: `Unknown workflow '${id}'. Available: ${known.join(', ') || 'none (check the workflows folder)'}.`,
      issues: [{ path: 'workflow', message: `unknown workflow '${id}'` }],
    });
  }
  return workflow;
}

/** What a backend must have to run this job (for the pool's routing). */
export function requirementsOf(manifest: WorkflowManifest, job: Pick<Job, 'models' | 'lora'>): Requirements {
  const files = requiredModelFiles(manifest, { models: job.models, lora: job.lora });
  return {
    nodeClasses: manifest.nodeClasses,
    models: files.map((f) => ({ folder: f.folder, file: f.file })),
    ...(files[0] ? { preferModel: files[0].file } : {}),
  };
}

/**
 * Jobs with equal keys need the same of a backend (workflow, LoRA, chosen models), so placement is worked out once
 * per key. A queued job never changes its needs, so each job object's key is made once.
 */
export function needKey(job: Pick<Job, 'workflow' | 'models' | 'lora'>): string {
  let key = needKeys.get(job);
  if (key === undefined) {
    key = `${job.workflow}\u0000${job.lora?.name ?? ''}\u0000${JSON.stringify(job.models ?? {})}`;
    needKeys.set(job, key);
  }
  return key;
}
const needKeys = new WeakMap<object, string>();

/** The graph to queue: the job's resolved values + the uploaded image names, outputs under `filenamePrefix`. */
export function buildGraph(
  workflow: LoadedWorkflow,
  job: Pick<Job, 'params' | 'lora' | 'models'>,
  images: ReadonlyArray<string | undefined>,
  filenamePrefix: string,
): ApiGraph {
  return injectResolved(workflow.workflow, workflow.manifest, job, { images, filenamePrefix });
}
