/**
 * Resolved parameters -> graph. Pure mapping: the values were checked and seeds drawn once, at submit
 * (resolve.ts); here each value goes through its manifest targets and transforms into a deep copy of the
 * template, the image file names into their LoadImage nodes (absent optional ones detached), the model files
 * into their loaders, and the LoRA into its slot (bypassed when there is none). The template is never touched.
 */
import type { JobLora } from '@shared/jobs';
import type { ParamValue } from '@shared/params';
import type { Transform, WorkflowManifest } from '@shared/workflow-manifest';
import { bypassNode, cloneGraph, isLink, pruneUnreachable, type ApiGraph } from './graph';

export interface InjectIssue {
  param: string;
  message: string;
}

/**
 * Thrown when the manifest does not fit its graph (a target node that is missing or linked, a value a map has no
 * entry for): a workflow defect, named per parameter, never a user's input problem (those are refused at submit).
 */
export class InjectError extends Error {
  override readonly name = 'InjectError';
  constructor(
    readonly workflowId: string,
    readonly issues: InjectIssue[],
  ) {
    super(`Cannot run workflow '${workflowId}': ${issues.map((i) => i.message).join('; ')}`);
  }
}

/** What a job resolved at submit (resolve.ts) and stored. */
export interface ResolvedValues {
  params: Readonly<Record<string, ParamValue>>;
  lora: JobLora | null;
  /** Model setting -> file; a setting missing here (jobs stored before models were resolved) uses the manifest default. */
  models: Readonly<Record<string, string>>;
}

export interface InjectTargets {
  /** File names for the manifest's image inputs by slot (index 0 = its first image input); absent = not given. */
  images?: ReadonlyArray<string | undefined>;
  /** Sets `filename_prefix` on every output node that has one (e.g. `ComfyDesk/<job id>`). */
  filenamePrefix?: string;
}

/** Map a job's resolved values into a copy of `template`. */
export function injectResolved(
  template: ApiGraph,
  manifest: WorkflowManifest,
  values: ResolvedValues,
  targets: InjectTargets = {},
): ApiGraph {
  const issues: InjectIssue[] = [];
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
    const value = values.params[spec.name];
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

  const detached: string[] = [];
  manifest.images.forEach((input, slot) => {
    const file = targets.images?.[slot];
    if (file !== undefined) {
      set(input.node, input.input, file, input.name);
    } else {
      for (const ref of input.detach) delete graph[ref.node]?.inputs[ref.input];
      detached.push(input.node);
    }
  });

  for (const model of manifest.models) {
    const file = values.models[model.setting] ?? model.default;
    for (const target of model.targets) set(target.node, target.input, file, model.setting);
  }

  const slot = manifest.lora;
  if (slot) {
    if (values.lora) {
      set(slot.node, slot.nameInput, values.lora.name, 'lora');
      for (const input of slot.strengthInputs) set(slot.node, input, values.lora.strength, 'lora');
    } else if (graph[slot.node]) {
      bypassNode(graph, slot.node, slot.passthrough);
    }
  }

  if (targets.filenamePrefix !== undefined) {
    for (const output of manifest.outputs) {
      const node = graph[output.node];
      if (node && typeof node.inputs.filename_prefix === 'string') node.inputs.filename_prefix = targets.filenamePrefix;
    }
  }

  if (detached.length > 0)
    pruneUnreachable(
      graph,
      manifest.outputs.map((o) => o.node),
    );
  if (issues.length > 0) throw new InjectError(manifest.id, issues);
  return graph;
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
