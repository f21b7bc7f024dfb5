/**
 * Can each workflow run now, with the model files it would use (the remembered choice, else its default)?
 * `ready`: a ComfyUI has every node class and file; `wait`: maybe later (ComfyUI starting, offline, still being
 * checked); `never`: no enabled ComfyUI has what it needs, with the missing files and node classes named.
 */
import type { WorkflowReadiness } from '@shared/api/workflows';
import type { BackendManager } from '@core/comfy/backends/manager';
import { requirementsOf } from '@core/jobs/prepare';
import type { WorkflowRegistry } from './registry';

/**
 * `workflowReadiness` after reading again the model folders a verdict rests on when their lists are older than a
 * few seconds (a file may have been added by hand or downloaded): a missing file is only said missing once looked
 * for now.
 */
export async function freshWorkflowReadiness(
  workflows: Pick<WorkflowRegistry, 'list'>,
  comfy: Pick<BackendManager, 'place' | 'recheckModels'>,
  remembered: Readonly<Record<string, string>>,
): Promise<WorkflowReadiness[]> {
  const targets = new Map<string, Set<string>>();
  for (const { manifest } of workflows.list()) {
    const models = Object.fromEntries(manifest.models.map((m) => [m.setting, remembered[m.setting] ?? m.default]));
    const placement = comfy.place(requirementsOf(manifest, { models, lora: null }));
    if (placement.kind !== 'wait' || !placement.recheck) continue;
    for (const r of placement.recheck) {
      const folders = targets.get(r.backendId) ?? new Set<string>();
      for (const f of r.folders) folders.add(f);
      targets.set(r.backendId, folders);
    }
  }
  if (targets.size > 0) {
    await comfy.recheckModels([...targets].map(([backendId, folders]) => ({ backendId, folders: [...folders] })));
  }
  return workflowReadiness(workflows, comfy, remembered);
}

export function workflowReadiness(
  workflows: Pick<WorkflowRegistry, 'list'>,
  comfy: Pick<BackendManager, 'place'>,
  remembered: Readonly<Record<string, string>>,
): WorkflowReadiness[] {
  return workflows.list().map(({ manifest }) => {
    const models = Object.fromEntries(manifest.models.map((m) => [m.setting, remembered[m.setting] ?? m.default]));
    const placement = comfy.place(requirementsOf(manifest, { models, lora: null }));
    if (placement.kind === 'ready') {
      return { id: manifest.id, state: 'ready', reason: null, hint: null, missing: { models: [], nodeClasses: [] } };
    }
    return {
      id: manifest.id,
      state: placement.kind,
      reason: placement.reason,
      hint: placement.hint,
      missing:
        placement.kind === 'never'
          ? {
              models: placement.missing.models.map((m) => ({ folder: m.folder, file: m.file })),
              nodeClasses: placement.missing.nodeClasses,
            }
          : { models: [], nodeClasses: [] },
    };
  });
}
