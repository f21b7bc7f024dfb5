/**
 * Check an API graph against a backend's `/object_info` (and model lists) before sending it: every problem at
 * once, each naming the node id, its class and the input, so a user can fix a workflow in one pass.
 */
import { ApiNodeSchema } from '@core/comfy/protocol/messages';
import { canonicalModelFolder, type ModelFolder } from '@shared/workflow-manifest';
import { isLink, type ApiGraph } from './graph';
import {
  findInput,
  isHiddenInput,
  isUploadCombo,
  modelFolderOf,
  nodeInputs,
  type InputInfo,
  type NodeInfo,
  type ObjectInfo,
} from './object-info';

export type ProblemKind =
  | 'malformed_node'
  | 'unknown_class'
  | 'missing_input'
  | 'dangling_link'
  | 'link_type'
  | 'bad_value'
  | 'out_of_range'
  | 'not_in_choices'
  | 'missing_model'
  | 'unknown_input'
  | 'no_output';

export interface GraphProblem {
  kind: ProblemKind;
  /** Warnings (an input the class does not declare, which ComfyUI ignores) do not make the graph invalid. */
  severity: 'error' | 'warning';
  nodeId?: string;
  classType?: string;
  input?: string;
  message: string;
}

export interface ValidateOptions {
  /**
   * Model files by folder (`/models/{folder}` answers; legacy `unet`/`clip` keys are read too). For a folder
   * given here, loader inputs are checked against this list (or the object_info combo); otherwise against the
   * object_info combo alone.
   */
  models?: Readonly<Partial<Record<ModelFolder, readonly string[]>>>;
  /** Files in the backend's input dir. When given, upload inputs (LoadImage.image) are checked against them. */
  inputFiles?: readonly string[];
}

export interface ValidationReport {
  ok: boolean;
  problems: GraphProblem[];
}

const LEGACY_FOLDER: Partial<Record<ModelFolder, ModelFolder>> = { diffusion_models: 'unet', text_encoders: 'clip' };

const normalizePath = (s: string): string => s.replace(/\\/g, '/');

/** "node 6 (KSampler) input steps: ..." */
export function formatProblem(p: GraphProblem): string {
  const where =
    p.nodeId === undefined
      ? ''
      : `node ${p.nodeId}${p.classType ? ` (${p.classType})` : ''}${p.input ? ` input ${p.input}` : ''}: `;
  return `${where}${p.message}`;
}

export function validateGraph(graph: unknown, objectInfo: ObjectInfo, options: ValidateOptions = {}): ValidationReport {
  const problems: GraphProblem[] = [];
  if (typeof graph !== 'object' || graph === null || Array.isArray(graph)) {
    problems.push({ kind: 'malformed_node', severity: 'error', message: 'the workflow is not an object of nodes' });
    return { ok: false, problems };
  }
  const nodes: ApiGraph = {};
  for (const [id, raw] of Object.entries(graph as Record<string, unknown>)) {
    const parsed = ApiNodeSchema.safeParse(raw);
    if (parsed.success) nodes[id] = parsed.data;
    else
      problems.push({
        kind: 'malformed_node',
        severity: 'error',
        nodeId: id,
        message: 'not a node: expected {"class_type": string, "inputs": object}',
      });
  }

  let outputs = 0;
  for (const [id, node] of Object.entries(nodes)) {
    const info = objectInfo[node.class_type];
    const at = { nodeId: id, classType: node.class_type };
    if (!info) {
      problems.push({
        ...at,
        kind: 'unknown_class',
        severity: 'error',
        message: `unknown node class '${node.class_type}' (not installed on this backend)`,
      });
    } else {
      if (info.output_node) outputs += 1;
      for (const spec of nodeInputs(info)) {
        if (spec.required && !(spec.name in node.inputs)) {
          problems.push({
            ...at,
            input: spec.name,
            kind: 'missing_input',
            severity: 'error',
            message: `required input '${spec.name}' is missing`,
          });
        }
      }
    }
    for (const [name, value] of Object.entries(node.inputs)) {
      const spec = info ? findInput(info, name) : undefined;
      if (info && !spec && !isHiddenInput(info, name)) {
        problems.push({
          ...at,
          input: name,
          kind: 'unknown_input',
          severity: 'warning',
          message: `${node.class_type} has no input '${name}'; ComfyUI ignores it`,
        });
      }
      if (isLink(value)) {
        checkLink(nodes, objectInfo, value, spec, { ...at, input: name }, problems);
      } else if (spec) {
        checkValue(node.class_type, spec, value, options, { ...at, input: name }, problems);
      }
    }
  }
  if (outputs === 0 && Object.keys(nodes).length > 0 && !problems.some((p) => p.kind === 'unknown_class')) {
    problems.push({
      kind: 'no_output',
      severity: 'error',
      message: 'the workflow has no output node (SaveImage, SaveVideo, PreviewImage, ...)',
    });
  }
  return { ok: !problems.some((p) => p.severity === 'error'), problems };
}

type At = { nodeId: string; classType: string; input: string };

function checkLink(
  nodes: ApiGraph,
  objectInfo: ObjectInfo,
  link: [string, number],
  spec: InputInfo | undefined,
  at: At,
  problems: GraphProblem[],
): void {
  const [sourceId, index] = link;
  const source = nodes[sourceId];
  if (!source) {
    problems.push({
      ...at,
      kind: 'dangling_link',
      severity: 'error',
      message: `links to node ${sourceId}, which does not exist`,
    });
    return;
  }
  const sourceInfo: NodeInfo | undefined = objectInfo[source.class_type];
  if (!sourceInfo) return;
  if (index >= sourceInfo.output.length) {
    problems.push({
      ...at,
      kind: 'dangling_link',
      severity: 'error',
      message: `links to output ${index} of node ${sourceId} (${source.class_type}), which has ${sourceInfo.output.length} output${sourceInfo.output.length === 1 ? '' : 's'}`,
    });
    return;
  }
  const produced = sourceInfo.output[index];
  if (!spec || spec.kind !== 'link' || typeof produced !== 'string') return;
  if (!typesMatch(produced, spec.type)) {
    problems.push({
      ...at,
      kind: 'link_type',
      severity: 'error',
      message: `expects ${spec.type} but is linked to output ${index} (${produced}) of node ${sourceId} (${source.class_type})`,
    });
  }
}

function typesMatch(produced: string, expected: string): boolean {
  if (produced === '*' || expected === '*') return true;
  const a = produced.split(',').map((s) => s.trim());
  const b = expected.split(',').map((s) => s.trim());
  return a.some((t) => b.includes(t));
}

function checkValue(
  classType: string,
  spec: InputInfo,
  value: unknown,
  options: ValidateOptions,
  at: At,
  problems: GraphProblem[],
): void {
  const bad = (kind: ProblemKind, message: string): void => {
    problems.push({ ...at, kind, severity: 'error', message });
  };
  if (typeof value === 'object' && value !== null && '__value__' in value) return;
  switch (spec.kind) {
    case 'link':
      return bad('bad_value', `expects a link from a ${spec.type} output, got the value ${JSON.stringify(value)}`);
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return bad('bad_value', `expects a number, got ${JSON.stringify(value)}`);
      if (spec.kind === 'int' && !Number.isInteger(value))
        return bad('bad_value', `expects a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min)
        return bad('out_of_range', `${value} is below the minimum ${spec.min}`);
      if (spec.max !== undefined && value > spec.max)
        return bad('out_of_range', `${value} is above the maximum ${spec.max}`);
      return;
    }
    case 'string':
      if (typeof value !== 'string') bad('bad_value', `expects text, got ${JSON.stringify(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') bad('bad_value', `expects true or false, got ${JSON.stringify(value)}`);
      return;
    case 'combo': {
      const choices = (spec.choices ?? []).map((c) => (typeof c === 'string' ? normalizePath(c) : c));
      const folder = modelFolderOf(classType, spec.name);
      if (folder) {
        if (typeof value !== 'string')
          return bad('bad_value', `expects a model file name, got ${JSON.stringify(value)}`);
        const canonical = canonicalModelFolder(folder);
        const legacy = LEGACY_FOLDER[canonical];
        const listed = [...(options.models?.[canonical] ?? []), ...(legacy ? (options.models?.[legacy] ?? []) : [])];
        const wanted = normalizePath(value);
        const known = choices.includes(wanted) || listed.some((f) => normalizePath(f) === wanted);
        if (!known) bad('missing_model', `model '${value}' is not in ${canonicalModelFolder(folder)} on this backend`);
        return;
      }
      if (isUploadCombo(spec)) {
        if (typeof value !== 'string') return bad('bad_value', `expects a file name, got ${JSON.stringify(value)}`);
        if (
          options.inputFiles &&
          !choices.includes(normalizePath(value)) &&
          !options.inputFiles.some((f) => normalizePath(f) === normalizePath(value))
        ) {
          bad('not_in_choices', `input file '${value}' is not on this backend (upload it first)`);
        }
        return;
      }
      if (!choices.includes(typeof value === 'string' ? normalizePath(value) : value)) {
        const list = choices.length > 12 ? `${choices.slice(0, 12).join(', ')}, ...` : choices.join(', ');
        bad('not_in_choices', `${JSON.stringify(value)} is not one of: ${list || '(none available)'}`);
      }
      return;
    }
  }
}
