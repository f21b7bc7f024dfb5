/** Shared by the workflow tests: the recorded object_info, the bundled dir, model lists for the bundled graphs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectInfoSchema, type ObjectInfo } from '@core/workflows/object-info';
import type { ModelFolder } from '@shared/workflow-manifest';
import type { LoadedWorkflow } from '@core/workflows/registry';
import { REPO_ROOT } from '@test/helpers/repo';

export const REPO = REPO_ROOT;
export const BUNDLED_DIR = path.join(REPO, 'workflows');
export const FIXTURE_DIR = path.join(REPO, 'test/fixtures/comfyui-0.3.64');

let cached: ObjectInfo | undefined;
/** The recorded `/object_info` of ComfyUI 0.3.64 (497 classes; model combos empty). */
export function fixtureObjectInfo(): ObjectInfo {
  cached ??= ObjectInfoSchema.parse(JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'object_info.json'), 'utf8')));
  return structuredClone(cached);
}

/** Model lists holding every file the given workflows name by default, LoRA placeholders included (a fully equipped backend). */
export function modelListsFor(
  workflows: readonly LoadedWorkflow[],
  extra: Partial<Record<ModelFolder, string[]>> = {},
): Partial<Record<ModelFolder, string[]>> {
  const lists: Partial<Record<ModelFolder, string[]>> = {};
  const push = (folder: ModelFolder, file: string): void => {
    const list = (lists[folder] ??= []);
    if (!list.includes(file)) list.push(file);
  };
  for (const w of workflows) {
    for (const m of w.manifest.models) push(m.folder, m.default);
    const slot = w.manifest.lora;
    const templateLora = slot ? w.workflow[slot.node]?.inputs[slot.nameInput] : undefined;
    if (typeof templateLora === 'string') push('loras', templateLora);
  }
  for (const [folder, files] of Object.entries(extra) as Array<[ModelFolder, string[]]>)
    for (const f of files) push(folder, f);
  return lists;
}

/** A deterministic source of floats in [0, 1). */
export function sequenceRandom(values: number[]): () => number {
  let i = 0;
  return () => {
    const v = values[i % values.length] as number;
    i += 1;
    return v;
  };
}
