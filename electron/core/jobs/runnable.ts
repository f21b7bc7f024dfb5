/**
 * What the ComfyUIs we have can run: a request no enabled ComfyUI can ever run (files or node classes missing on
 * every one, after their model folders were read again) is refused at once, naming what is missing and how to
 * get it; and random seeds stay inside the range the target nodes accept (their /object_info).
 */
import { refusal } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { IntRange } from '@core/comfy/backends/routing';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { requirementsOf } from './prepare';
import type { JobBackends } from './types';

interface Deps {
  workflows: WorkflowRegistry;
  backends: JobBackends;
}

/** Throws `unavailable` with what is missing when no enabled ComfyUI can ever run the job; resolves otherwise. */
export async function ensureRunnable(
  { workflows, backends }: Deps,
  job: { workflow: string; models?: Job['models']; lora?: Job['lora'] },
): Promise<void> {
  const workflow = workflows.get(job.workflow);
  if (!workflow) return;
  const req = requirementsOf(workflow.manifest, { models: job.models ?? {}, lora: job.lora ?? null });
  let placement = backends.place(req);
  if (placement.kind === 'wait' && placement.why === 'checking' && !placement.recheck) {
    // A ComfyUI that just came online is still listing its nodes and models: wait for that (briefly).
    await backends.capabilitiesSettled();
    placement = backends.place(req);
  }
  if (placement.kind === 'wait' && placement.recheck) {
    await backends.recheckModels(placement.recheck);
    placement = backends.place(req);
  }
  if (placement.kind === 'never')
    throw refusal('unavailable', 'Cannot run here yet', `${placement.reason}.`, placement.hint);
}

/** The seed range the target nodes accept on the online backends (their /object_info), for random seeds. */
export function seedLimits(
  { workflows, backends }: Deps,
  workflowId: string,
  targets: ReadonlyArray<{ node: string; input: string }>,
): IntRange | null {
  const graph = workflows.get(workflowId)?.workflow;
  let out: IntRange | null = null;
  for (const t of targets) {
    const classType = graph?.[t.node]?.class_type;
    const r = classType ? backends.intRange(classType, t.input) : null;
    if (!r) continue;
    out ??= {};
    if (r.min !== undefined) out.min = Math.max(out.min ?? -Infinity, r.min);
    if (r.max !== undefined) out.max = Math.min(out.max ?? Infinity, r.max);
  }
  return out;
}
