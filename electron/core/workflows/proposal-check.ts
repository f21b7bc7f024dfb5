/**
 * A proposal (or an edited one) checked against a backend: every problem of the graph, and what it lacks by name
 * (node classes to install, model files with the setting that picks them) for the review's summary. Pure.
 */
import { canonicalModelFolder, type ModelFolder, type WorkflowManifest } from '@shared/workflow-manifest';
import type { ApiGraph } from './graph';
import { modelFolderOf, MODEL_INPUTS, type ObjectInfo } from './object-info';
import { validateGraph, type GraphProblem } from './validate';

export interface MissingSummary {
  nodeClasses: string[];
  models: Array<{ folder: ModelFolder; file: string; setting: string }>;
}

/** The model folders a graph's loaders read (to ask the backend for those lists only). */
export function graphModelFolders(graph: ApiGraph): ModelFolder[] {
  const folders = new Set<ModelFolder>();
  for (const node of Object.values(graph)) {
    for (const [input, folder] of Object.entries(MODEL_INPUTS[node.class_type] ?? {})) {
      if (typeof node.inputs[input] === 'string') folders.add(canonicalModelFolder(folder));
    }
  }
  return [...folders];
}

/** What the problems say is missing, by name. */
export function missingOf(
  manifest: WorkflowManifest | null,
  graph: ApiGraph,
  problems: GraphProblem[],
): MissingSummary {
  const nodeClasses = new Set<string>();
  const models: MissingSummary['models'] = [];
  for (const p of problems) {
    if (p.kind === 'unknown_class' && p.classType) nodeClasses.add(p.classType);
    if (p.kind !== 'missing_model' || !p.nodeId || !p.input || !p.classType) continue;
    const folder = modelFolderOf(p.classType, p.input);
    const file = graph[p.nodeId]?.inputs[p.input];
    if (!folder || typeof file !== 'string') continue;
    const at = (t: { node: string; input: string }) => t.node === p.nodeId && t.input === p.input;
    const setting =
      manifest?.models.find((m) => m.targets.some(at))?.setting ??
      (manifest?.lora?.node === p.nodeId ? manifest.lora.setting : '');
    if (!models.some((m) => m.file === file && m.setting === setting))
      models.push({ folder: canonicalModelFolder(folder), file, setting });
  }
  return { nodeClasses: [...nodeClasses].sort(), models };
}

/** Validate a graph against a backend's node list and model lists, with the summary of what it lacks. */
export function checkAgainst(
  manifest: WorkflowManifest | null,
  graph: ApiGraph,
  objectInfo: ObjectInfo,
  models: Partial<Record<ModelFolder, readonly string[]>>,
): { problems: GraphProblem[]; missing: MissingSummary } {
  const { problems } = validateGraph(graph, objectInfo, { models });
  return { problems, missing: missingOf(manifest, graph, problems) };
}
