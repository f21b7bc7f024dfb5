/** Shared by the workflow tests: the recorded object_info, the bundled dir, model lists for the bundled graphs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectInfoSchema, type ObjectInfo } from '@core/workflows/object-info';
import type { ModelFolder } from '@shared/workflow-manifest';
import type { LoadedWorkflow } from '@core/workflows/registry';
import { ApiError } from '@shared/api';
import type { JobLora } from '@shared/jobs';
import type { ParamValue } from '@shared/params';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { ApiGraph } from '@core/workflows/graph';
import { injectResolved } from '@core/workflows/inject';
import { resolveParams } from '@core/workflows/resolve';
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

export interface RequestOptions {
  random: () => number;
  /** Image file names by slot, or by image input name. */
  images?: ReadonlyArray<string | undefined> | Readonly<Record<string, string>>;
  /** The remembered model choices (settings.models). */
  models?: Readonly<Record<string, string>>;
  /** null = none; undefined = the remembered setting. */
  lora?: { name: string; strength?: number } | null;
  filenamePrefix?: string;
}

/** One problem of a request, named by parameter (image input name, `lora`, a model setting). */
export interface RequestIssue {
  param: string;
  message: string;
}

/** Thrown by `resolveAndInject` with every problem of the request. */
export class RequestError extends Error {
  constructor(readonly issues: RequestIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

/**
 * What a job does with a request: resolve it once (resolve.ts), then map the resolved values into the graph
 * (inject.ts). Problems come back as a RequestError naming each parameter.
 */
export function resolveAndInject(
  template: ApiGraph,
  manifest: WorkflowManifest,
  params: Readonly<Record<string, unknown>>,
  options: RequestOptions,
): { graph: ApiGraph; values: Record<string, ParamValue>; models: Record<string, string>; lora: JobLora | null } {
  const names = manifest.images.map((i) => i.name);
  const issues: RequestIssue[] = [];
  let bySlot: Array<string | undefined> = [];
  if (Array.isArray(options.images)) bySlot = [...(options.images as ReadonlyArray<string | undefined>)];
  else if (options.images) {
    for (const [name, file] of Object.entries(options.images as Record<string, string>)) {
      const slot = names.indexOf(name);
      if (slot < 0) issues.push({ param: name, message: `workflow '${manifest.id}' has no image input '${name}'` });
      else bySlot[slot] = file;
    }
  }
  const { prompt, negative, ...rest } = params as Record<string, unknown>;
  try {
    if (issues.length) throw new RequestError(issues);
    const resolved = resolveParams(
      manifest,
      {
        prompt: typeof prompt === 'string' ? prompt : '',
        negative: typeof negative === 'string' ? negative : '',
        params: { ...rest, ...(prompt !== undefined && typeof prompt !== 'string' ? { prompt } : {}) },
        lora: options.lora,
        imageSlots: bySlot.flatMap((f, i) => (f === undefined ? [] : [i])),
      },
      { random: options.random, remembered: options.models ?? {} },
    );
    const graph = injectResolved(template, manifest, resolved, {
      images: bySlot,
      ...(options.filenamePrefix !== undefined ? { filenamePrefix: options.filenamePrefix } : {}),
    });
    return { graph, values: resolved.params, models: resolved.models, lora: resolved.lora };
  } catch (err) {
    if (err instanceof ApiError && err.issues) {
      throw new RequestError(
        err.issues.map((i) => {
          const [head, rest2] = i.path.split('.', 2) as [string, string | undefined];
          const param =
            head === 'params' || head === 'models'
              ? (rest2 ?? head)
              : head === 'inputs'
                ? (names[Number(rest2)] ?? `image${Number(rest2) + 1}`)
                : head;
          return { param, message: i.message };
        }),
      );
    }
    throw err;
  }
}
