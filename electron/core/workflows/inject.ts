/**
 * Parameters -> graph. Pure: the template is deep-cloned and never touched; randomness comes in as a function.
 */
import { RANDOM_SEED, randomSeed, resolveParamValues, type ParamIssue, type ParamValue } from '@shared/params';
import type { Transform, WorkflowManifest } from '@shared/workflow-manifest';
import { bypassNode, cloneGraph, isLink, pruneUnreachable, type ApiGraph } from './graph';

export interface LoraChoice {
  /** File name in the backend's `loras` folder. */
  name: string;
  /** Defaults to the slot's default strength. */
  strength?: number;
}

export interface InjectOptions {
  /**
   * Uploaded file names for the manifest's image inputs: by name (`{ image1: 'a.png' }`) or by slot
   * (`['a.png', 'b.png']`, index 0 = the manifest's first image input).
   */
  images?: Readonly<Record<string, string>> | ReadonlyArray<string | undefined>;
  /** Model files by settings key (the user's `models` settings); a missing key uses the manifest default. */
  models?: Readonly<Record<string, string>>;
  /**
   * The LoRA for the manifest's LoRA slot. `null` = none; `undefined` = the `models` setting of the slot if set,
   * else none. With none, the LoRA node is bypassed.
   */
  lora?: LoraChoice | null;
  /** Sets `filename_prefix` on every output node that has one (e.g. `ComfyDesk/<job id>`). */
  filenamePrefix?: string;
  /** Floats in [0, 1), used to pick a seed for every seed parameter that is -1. */
  random: () => number;
}

export type InjectIssue = ParamIssue;

/** Thrown when parameters, images, models or the LoRA do not fit the manifest; `issues` lists them all. */
export class InjectError extends Error {
  override readonly name = 'InjectError';
  constructor(
    readonly workflowId: string,
    readonly issues: InjectIssue[],
  ) {
    super(`Cannot run workflow '${workflowId}': ${issues.map((i) => i.message).join('; ')}`);
  }
}

export interface InjectResult {
  graph: ApiGraph;
  /** Every parameter's final value, random seeds resolved (store these with the job to re-run it). */
  values: Record<string, ParamValue>;
  /** Image input name -> file name put into its LoadImage node. */
  images: Record<string, string>;
  /** Settings key -> model file name used. */
  models: Record<string, string>;
  lora: { name: string; strength: number } | null;
}

/** `injectParams` with the resolved values (random seeds, defaults) returned too. */
export function injectWithDetails(
  template: ApiGraph,
  manifest: WorkflowManifest,
  params: Readonly<Record<string, unknown>>,
  options: InjectOptions,
): InjectResult {
  const issues: InjectIssue[] = [];
  const rest: Record<string, unknown> = { ...params };
  if (rest.batch_size !== undefined && !manifest.parameters.some((p) => p.name === 'batch_size')) {
    if (Number(rest.batch_size) !== 1) {
      issues.push({
        param: 'batch_size',
        message: `workflow '${manifest.id}' makes one result per run; it has no batch_size`,
      });
    }
    delete rest.batch_size;
  }
  const resolved = resolveParamValues(manifest.parameters, rest);
  issues.push(...resolved.issues);
  const values = resolved.values;
  for (const spec of manifest.parameters) {
    if (spec.type === 'seed' && values[spec.name] === RANDOM_SEED) values[spec.name] = randomSeed(options.random);
  }

  const graph = cloneGraph(template);
  const set = (node: string, input: string, value: unknown, what: string): void => {
    const target = graph[node];
    if (!target) {
      issues.push({ param: what, message: `${what} targets node ${node}, which the workflow does not have` });
      return;
    }
    if (isLink(target.inputs[input])) {
      issues.push({ param: what, message: `${what} targets ${node}.${input}, which is a link, not a value` });
      return;
    }
    target.inputs[input] = value;
  };

  for (const spec of manifest.parameters) {
    const value = values[spec.name];
    if (value === undefined) continue;
    for (const target of spec.targets) {
      const out = applyTransform(value, target.transform);
      if (out === undefined) {
        issues.push({
          param: spec.name,
          message: `${spec.name}: no mapping for ${JSON.stringify(value)} into ${target.node}.${target.input}`,
        });
        continue;
      }
      set(target.node, target.input, out, spec.name);
    }
  }

  const images = pickImages(manifest, options.images, issues);
  const detached: string[] = [];
  for (const input of manifest.images) {
    const file = images[input.name];
    if (file !== undefined) {
      set(input.node, input.input, file, input.name);
    } else if (input.required) {
      issues.push({ param: input.name, message: `${input.label} (${input.name}) is required` });
    } else {
      for (const ref of input.detach) delete graph[ref.node]?.inputs[ref.input];
      detached.push(input.node);
    }
  }

  const models: Record<string, string> = {};
  for (const model of manifest.models) {
    const chosen = options.models?.[model.setting];
    const file = typeof chosen === 'string' && chosen.trim() !== '' ? chosen : model.default;
    models[model.setting] = file;
    for (const target of model.targets) set(target.node, target.input, file, model.setting);
  }

  let lora: InjectResult['lora'] = null;
  if (!manifest.lora && options.lora && options.lora.name.trim() !== '') {
    issues.push({ param: 'lora', message: `workflow '${manifest.id}' has no LoRA slot` });
  }
  if (manifest.lora) {
    const slot = manifest.lora;
    const fromSettings = options.models?.[slot.setting];
    const choice: LoraChoice | null =
      options.lora === undefined
        ? fromSettings && fromSettings.trim() !== ''
          ? { name: fromSettings }
          : null
        : options.lora;
    if (choice && choice.name.trim() !== '') {
      const strength = choice.strength ?? slot.strength.default;
      if (!Number.isFinite(strength) || strength < slot.strength.min || strength > slot.strength.max) {
        issues.push({
          param: 'lora',
          message: `LoRA strength must be between ${slot.strength.min} and ${slot.strength.max} (got ${strength})`,
        });
      }
      set(slot.node, slot.nameInput, choice.name, 'lora');
      for (const input of slot.strengthInputs) set(slot.node, input, strength, 'lora');
      lora = { name: choice.name, strength };
    } else if (graph[slot.node]) {
      bypassNode(graph, slot.node, slot.passthrough);
    }
  }

  if (options.filenamePrefix !== undefined) {
    for (const output of manifest.outputs) {
      const node = graph[output.node];
      if (node && typeof node.inputs.filename_prefix === 'string') node.inputs.filename_prefix = options.filenamePrefix;
    }
  }

  if (detached.length > 0)
    pruneUnreachable(
      graph,
      manifest.outputs.map((o) => o.node),
    );
  if (issues.length > 0) throw new InjectError(manifest.id, issues);
  return { graph, values, images, models, lora };
}

/**
 * Put parameters, image names, model files and the LoRA into a copy of `template`. Throws `InjectError`
 * naming every parameter that does not fit. Seeds of -1 become random (from `options.random`).
 */
export function injectParams(
  template: ApiGraph,
  manifest: WorkflowManifest,
  params: Readonly<Record<string, unknown>>,
  options: InjectOptions,
): ApiGraph {
  return injectWithDetails(template, manifest, params, options).graph;
}

/** Apply a manifest transform; `undefined` when a map has no entry for the value. */
export function applyTransform(value: ParamValue, transform: Transform | undefined): ParamValue | undefined {
  if (!transform) return value;
  switch (transform.op) {
    case 'multiply': {
      const n = Number(value) * transform.by;
      return transform.round ? Math.round(n) : n;
    }
    case 'add':
      return Number(value) + transform.value;
    case 'map':
      return Object.prototype.hasOwnProperty.call(transform.values, String(value))
        ? transform.values[String(value)]
        : undefined;
    case 'template':
      return transform.template.split('{value}').join(String(value));
  }
}

function pickImages(
  manifest: WorkflowManifest,
  given: InjectOptions['images'],
  issues: InjectIssue[],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (given === undefined) return out;
  const names = manifest.images.map((i) => i.name);
  const entries: Array<[string, string | undefined]> = Array.isArray(given)
    ? (given as ReadonlyArray<string | undefined>).map((file, i) => [names[i] ?? `image${i + 1}`, file])
    : Object.entries(given as Record<string, string>);
  for (const [name, file] of entries) {
    if (file === undefined) continue;
    if (!names.includes(name)) {
      const limit =
        names.length === 0
          ? 'takes no images'
          : `takes ${names.length} image${names.length > 1 ? 's' : ''} (${names.join(', ')})`;
      issues.push({ param: name, message: `workflow '${manifest.id}' ${limit}; '${name}' was given` });
      continue;
    }
    if (typeof file !== 'string' || file.trim() === '') {
      issues.push({ param: name, message: `${name} needs a file name` });
      continue;
    }
    out[name] = file;
  }
  return out;
}
