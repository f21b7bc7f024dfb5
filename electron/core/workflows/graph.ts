/**
 * Small pure helpers over API-format graphs: links, cloning, reading a file's text into a graph (refusing
 * the UI format), bypassing a node and dropping nodes no output needs.
 */
import { z } from 'zod';
import { ApiGraphSchema, type ApiGraph, type ApiNode } from '@core/comfy/protocol/messages';

export type { ApiGraph, ApiNode };

/** A link input: `[sourceNodeId, outputIndex]`. */
export type LinkRef = [string, number];

export function isLink(value: unknown): value is LinkRef {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    Number.isInteger(value[1]) &&
    value[1] >= 0
  );
}

/** A deep copy (graphs are plain JSON). */
export function cloneGraph(graph: ApiGraph): ApiGraph {
  return structuredClone(graph);
}

export type GraphReadErrorCode = 'malformed_json' | 'ui_format' | 'not_api_graph' | 'empty_graph';

export interface GraphReadError {
  code: GraphReadErrorCode;
  message: string;
}

export type GraphReadResult = { ok: true; graph: ApiGraph } | { ok: false; error: GraphReadError };

export const UI_FORMAT_MESSAGE =
  'This is a ComfyUI UI workflow (it has "nodes" and "links"), not the API format ComfyDesk runs. In ComfyUI, ' +
  'enable Dev mode (Settings > Comfy > Dev Mode) and use Workflow > Export (API), then drop that file here.';

/** True for a UI-format (litegraph) workflow: an object with `nodes` and `links` arrays. */
export function isUiFormat(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.nodes) && Array.isArray(v.links);
}

/**
 * Read text (or an already parsed value) as an API graph. Also accepts `{prompt: graph}` (the body of
 * `POST /prompt` and the PNG `prompt` chunk wrapped by some tools).
 */
export function readApiGraph(input: string | unknown): GraphReadResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '');
    try {
      value = JSON.parse(text);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { code: 'malformed_json', message: `The file is not valid JSON: ${detail}` } };
    }
  }
  if (isUiFormat(value)) return { ok: false, error: { code: 'ui_format', message: UI_FORMAT_MESSAGE } };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const wrapped = (value as Record<string, unknown>).prompt;
    if (typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped) && !('class_type' in wrapped)) {
      const inner = ApiGraphSchema.safeParse(wrapped);
      if (inner.success && Object.keys(inner.data).length > 0) return { ok: true, graph: inner.data };
    }
  }
  const parsed = ApiGraphSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'not_api_graph', message: `Not an API-format workflow: ${describe(parsed.error)}` },
    };
  }
  if (Object.keys(parsed.data).length === 0) {
    return { ok: false, error: { code: 'empty_graph', message: 'The workflow has no nodes.' } };
  }
  return { ok: true, graph: parsed.data };
}

function describe(error: z.ZodError): string {
  const first = error.issues.slice(0, 3).map((i) => {
    const where = i.path.length
      ? `node ${String(i.path[0])}${i.path.length > 1 ? `.${i.path.slice(1).join('.')}` : ''}`
      : 'top level';
    return `${where}: ${i.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `expected an object of nodes, each {"class_type", "inputs"}; ${first.join('; ')}${more}`;
}

/** Every (node, input) whose value links to `nodeId` (any output). */
export function linksTo(graph: ApiGraph, nodeId: string): Array<{ node: string; input: string; output: number }> {
  const out: Array<{ node: string; input: string; output: number }> = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (isLink(value) && value[0] === nodeId) out.push({ node: id, input, output: value[1] });
    }
  }
  return out;
}

/**
 * Remove a pass-through node: links to its output `output` are replaced by the value of its input `input`
 * (for a LoRA loader: output 0 -> its `model` input, output 1 -> its `clip` input). Mutates `graph`.
 * Links to an output with no passthrough entry are removed.
 */
export function bypassNode(
  graph: ApiGraph,
  nodeId: string,
  passthrough: ReadonlyArray<{ output: number; input: string }>,
): void {
  const node = graph[nodeId];
  if (!node) return;
  for (const ref of linksTo(graph, nodeId)) {
    const target = graph[ref.node];
    if (!target) continue;
    const via = passthrough.find((p) => p.output === ref.output);
    const source = via ? node.inputs[via.input] : undefined;
    if (source === undefined) delete target.inputs[ref.input];
    else target.inputs[ref.input] = structuredClone(source);
  }
  delete graph[nodeId];
}

/** Drop every node that no node in `keep` depends on through links. Mutates `graph`. */
export function pruneUnreachable(graph: ApiGraph, keep: Iterable<string>): void {
  const needed = new Set<string>();
  const stack = [...keep].filter((id) => id in graph);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (needed.has(id)) continue;
    needed.add(id);
    const node = graph[id];
    if (!node) continue;
    for (const value of Object.values(node.inputs)) {
      if (isLink(value) && value[0] in graph && !needed.has(value[0])) stack.push(value[0]);
    }
  }
  for (const id of Object.keys(graph)) if (!needed.has(id)) delete graph[id];
}
