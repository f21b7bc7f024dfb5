/**
 * ComfyUI's editor format (the litegraph `workflow` a UI save or a PNG's `workflow` chunk holds) turned into the
 * API graph ComfyUI runs, the way the editor's "Export (API)" does it: each node's widget values are matched to
 * its inputs in the order `/object_info` declares them (skipping the "control after generate" value that follows
 * a seed), links become `[node, output]`, reroutes and primitive nodes are followed, muted nodes are left out and
 * bypassed ones are passed through. Only nodes an output needs are kept. It needs the backend's `/object_info`: a
 * class it does not know cannot be read, and the error names it.
 */
import { z } from 'zod';
import type { ApiGraph, ApiNode } from './graph';
import { pruneUnreachable } from './graph';
import { findInput, nodeInputs, type InputInfo, type NodeInfo, type ObjectInfo } from './object-info';

const UiInputSchema = z.looseObject({
  name: z.string(),
  type: z.unknown().optional(),
  link: z.number().nullable().optional(),
  widget: z.looseObject({ name: z.string() }).optional(),
});
const UiNodeSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  type: z.string(),
  mode: z.number().optional(),
  title: z.string().optional(),
  inputs: z.array(UiInputSchema).optional(),
  outputs: z
    .array(z.looseObject({ type: z.unknown().optional() }))
    .nullable()
    .optional(),
  widgets_values: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});
const UiLinkSchema = z.union([
  z
    .tuple([z.number(), z.union([z.number(), z.string()]), z.number(), z.union([z.number(), z.string()]), z.number()])
    .rest(z.unknown()),
  z.looseObject({
    id: z.number(),
    origin_id: z.union([z.number(), z.string()]),
    origin_slot: z.number(),
    target_id: z.union([z.number(), z.string()]),
    target_slot: z.number(),
  }),
]);
const UiWorkflowSchema = z.looseObject({
  nodes: z.array(UiNodeSchema),
  links: z.array(UiLinkSchema.nullable()).default([]),
  definitions: z.looseObject({ subgraphs: z.array(z.unknown()).optional() }).optional(),
});
type UiNode = z.infer<typeof UiNodeSchema>;

/** Editor-only nodes: never sent to ComfyUI. */
const VIRTUAL = new Set(['Reroute', 'PrimitiveNode', 'Note', 'MarkdownNote']);
const MUTED = 2;
const BYPASSED = 4;
/** The value the "control after generate" widget keeps after a seed. */
const CONTROL_VALUES = new Set(['fixed', 'increment', 'decrement', 'randomize']);

export type UiConvertResult =
  { ok: true; graph: ApiGraph; notes: string[] } | { ok: false; code: 'ui_unconvertible'; message: string };

const EXPORT_API =
  'In ComfyUI, open the workflow and use Workflow → Export (API) (Settings → Comfy → Dev Mode shows it on older versions), then drop that file here.';

const fail = (message: string): UiConvertResult => ({ ok: false, code: 'ui_unconvertible', message });

interface Link {
  origin: string;
  slot: number;
}

/** Convert an editor-format workflow (already parsed) with a backend's `/object_info`. */
export function convertUiGraph(value: unknown, objectInfo: ObjectInfo, backendName = 'this ComfyUI'): UiConvertResult {
  const parsed = UiWorkflowSchema.safeParse(value);
  if (!parsed.success)
    return fail(
      `The editor workflow could not be read (its nodes or links are not as ComfyUI writes them). ${EXPORT_API}`,
    );
  const { nodes, links, definitions } = parsed.data;
  const subgraphIds = new Set(
    (definitions?.subgraphs ?? []).flatMap((s) =>
      typeof s === 'object' && s !== null && typeof (s as { id?: unknown }).id === 'string'
        ? [(s as { id: string }).id]
        : [],
    ),
  );
  if (nodes.some((n) => subgraphIds.has(n.type) || /^workflow[>/]/.test(n.type))) {
    return fail(`This workflow uses subgraphs or group nodes, which ComfyDesk cannot unpack. ${EXPORT_API}`);
  }
  const byId = new Map(nodes.map((n) => [String(n.id), n]));
  const linkById = new Map<number, Link>();
  for (const l of links) {
    if (!l) continue;
    const [id, origin, slot] = Array.isArray(l) ? [l[0], l[1], l[2]] : [l.id, l.origin_id, l.origin_slot];
    linkById.set(id, { origin: String(origin), slot });
  }
  const active = nodes.filter((n) => n.mode !== MUTED && n.mode !== BYPASSED && !VIRTUAL.has(n.type));
  const unknown = [...new Set(active.filter((n) => !objectInfo[n.type]).map((n) => n.type))].sort();
  if (unknown.length > 0) {
    return fail(
      `${backendName} does not have ${unknown.length === 1 ? 'the node class' : 'these node classes'} ${unknown.join(', ')}, so the editor workflow cannot be read. ` +
        `Install the custom nodes that provide ${unknown.length === 1 ? 'it' : 'them'} (e.g. with ComfyUI-Manager), restart ComfyUI and drop the file again; or ${EXPORT_API.charAt(0).toLowerCase()}${EXPORT_API.slice(1)}`,
    );
  }

  const notes: string[] = [];
  /** Where a link really comes from: through reroutes and bypassed nodes; a primitive's value; nothing if muted. */
  const resolve = (link: Link, seen = new Set<string>()): { link: [string, number] } | { value: unknown } | null => {
    if (seen.has(link.origin)) return null;
    seen.add(link.origin);
    const origin = byId.get(link.origin);
    if (!origin || origin.mode === MUTED) return null;
    if (origin.type === 'PrimitiveNode') {
      const values = origin.widgets_values;
      return Array.isArray(values) && values.length > 0 ? { value: values[0] } : null;
    }
    if (origin.type === 'Reroute' || origin.mode === BYPASSED) {
      const through = passThrough(origin, link.slot);
      const next = through !== undefined ? linkById.get(through) : undefined;
      return next ? resolve(next, seen) : null;
    }
    return { link: [link.origin, link.slot] };
  };
  /** The input link a bypassed node (or reroute) hands on from output `slot`: the first input of the same type. */
  const passThrough = (node: UiNode, slot: number): number | undefined => {
    const inputs = (node.inputs ?? []).filter((i) => i.link !== null && i.link !== undefined);
    if (node.type === 'Reroute') return inputs[0]?.link ?? undefined;
    const type = node.outputs?.[slot]?.type;
    const same = inputs.find((i) => i.type !== undefined && i.type === type);
    return (same ?? inputs[slot])?.link ?? undefined;
  };

  const graph: ApiGraph = {};
  for (const node of active) {
    const info = objectInfo[node.type] as NodeInfo;
    const inputs: Record<string, unknown> = readWidgets(node, info);
    for (const input of node.inputs ?? []) {
      if (input.link === null || input.link === undefined) continue;
      const link = linkById.get(input.link);
      const source = link ? resolve(link) : null;
      if (!source) {
        if (!input.widget) delete inputs[input.name];
        continue;
      }
      inputs[input.name] = 'link' in source ? source.link : source.value;
    }
    const apiNode: ApiNode = { class_type: node.type, inputs };
    const title = node.title ?? info.display_name;
    if (title) apiNode._meta = { title };
    graph[String(node.id)] = apiNode;
  }
  const outputs = Object.entries(graph)
    .filter(([, n]) => objectInfo[n.class_type]?.output_node)
    .map(([id]) => id);
  if (outputs.length === 0)
    return fail('The editor workflow has no output node (SaveImage, SaveVideo…): nothing would be saved.');
  const before = Object.keys(graph).length;
  pruneUnreachable(graph, outputs);
  const dropped = before - Object.keys(graph).length;
  notes.push(
    `Converted from ComfyUI's editor format with ${backendName}'s node list: check the values below before saving.`,
  );
  if (dropped > 0)
    notes.push(
      `${dropped} node${dropped === 1 ? '' : 's'} no output needs ${dropped === 1 ? 'was' : 'were'} left out.`,
    );
  const skipped = nodes.filter((n) => n.mode === MUTED || n.mode === BYPASSED).length;
  if (skipped > 0)
    notes.push(`${skipped} muted or bypassed node${skipped === 1 ? ' was' : 's were'} left out, as ComfyUI does.`);
  return { ok: true, graph, notes };
}

/**
 * A class's inputs in the order its node declares them: `input_order` (ComfyUI sends it because JSON object keys
 * may come back sorted), else the order of `input`'s keys.
 */
function declaredInputs(info: NodeInfo): InputInfo[] {
  const order = (info as { input_order?: unknown }).input_order;
  const parsed = z
    .object({ required: z.array(z.string()).optional(), optional: z.array(z.string()).optional() })
    .safeParse(order);
  if (!parsed.success) return nodeInputs(info);
  const names = [...(parsed.data.required ?? []), ...(parsed.data.optional ?? [])];
  return names.flatMap((name) => findInput(info, name) ?? []);
}

/** Widget values by input name: in declaration order, each widget input takes the next value. */
function readWidgets(node: UiNode, info: NodeInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const values = node.widgets_values;
  if (values === undefined) return out;
  const specs = declaredInputs(info).filter((s) => s.kind !== 'link');
  if (!Array.isArray(values)) {
    for (const spec of specs) if (spec.name in values) out[spec.name] = values[spec.name];
    return out;
  }
  let i = 0;
  for (const spec of specs) {
    if (i >= values.length) break;
    out[spec.name] = values[i++];
    const control = spec.options.control_after_generate === true || spec.name === 'seed' || spec.name === 'noise_seed';
    if (control && typeof values[i] === 'string' && CONTROL_VALUES.has(values[i] as string)) i++;
  }
  return out;
}
