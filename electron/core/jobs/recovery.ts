/**
 * Jobs a previous run left submitted, running or collecting. Each is handed back to its backend, which reconciles
 * it with ComfyUI's /queue and /history: finished ones are collected, running ones followed, vanished ones come
 * back as lost and are retried once. A job whose backend or workflow is gone is retried or failed at once.
 */
import type { Job } from '@shared/jobs';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { ApiGraph } from '@core/workflows/graph';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { buildGraph } from './prepare';
import type { JobBackends } from './types';

export interface RecoveryActions {
  /** Follow the job on its backend again (ComfyUI already has the real graph; this one drives progress). */
  follow(job: Job & { promptId: string }, backend: ComfyBackend, graph: ApiGraph): void;
  fail(jobId: string, message: string, reason: string): void;
  /** A backend fault: retried once, then failed. */
  retryOrFail(jobId: string, err: unknown): void;
}

export function recoverJobs(
  unfinished: readonly Job[],
  deps: { workflows: WorkflowRegistry; backends: JobBackends },
  act: RecoveryActions,
): void {
  for (const job of unfinished) {
    const workflow = deps.workflows.get(job.workflow);
    if (!workflow) {
      act.fail(job.id, `The workflow '${job.workflow}' is no longer installed.`, 'recovery: workflow missing');
      continue;
    }
    const backend = job.backendId ? deps.backends.get(job.backendId) : undefined;
    if (!backend || !job.promptId) {
      act.retryOrFail(
        job.id,
        new ComfyError('unreachable', 'Its ComfyUI backend is no longer configured.', { url: '' }),
      );
      continue;
    }
    let graph: ApiGraph;
    try {
      // Stand-ins for the uploaded image names are fine: the graph only plans the progress.
      graph = buildGraph(
        workflow,
        job,
        job.inputs.map(() => 'recovered.png'),
        `ComfyDesk/${job.id}`,
      );
    } catch (err) {
      act.fail(job.id, (err as Error).message, 'recovery: cannot rebuild');
      continue;
    }
    act.follow({ ...job, promptId: job.promptId }, backend, graph);
  }
}
