/**
 * Graph helpers for the executor: which nodes run, in which order ("output first", comfyui-api.md
 * section 3 "Order"), cache signatures (section 3 "Caching"), and the numbers a node's outputs derive from.
 */
import type { ApiGraph } from '@core/comfy/protocol/messages';

export type Link = [string, number];

export function isLink(v: unknown): v is Link {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

export function linkSources(graph: ApiGraph, id: string): string[] {
  const node = graph[id];
  if (!node) return [];
  return Object.values(node.inputs)
    .filter(isLink)
    .map((l) => l[0])
    .filter((src) => src in graph);
}

/**
 * The ExecutionList's pending nodes in insertion order: each output, then (depth first) its inputs, as
 * add_node() adds them.
 */
export function neededNodes(graph: ApiGraph, outputs: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    order.push(id);
    for (const src of linkSources(graph, id)) visit(src);
  };
  for (const o of outputs) visit(o);
  return order;
}

/**
 * ux_friendly_pick_node: among ready nodes prefer output nodes, then nodes feeding an output directly,
 * then nodes two steps from one, else the first ready node.
 */
export function runOrder(graph: ApiGraph, needed: string[], isOutput: (id: string) => boolean): string[] {
  const pending = new Set(needed);
  const done: string[] = [];
  const blocking = (id: string): string[] => needed.filter((n) => pending.has(n) && linkSources(graph, n).includes(id));
  while (pending.size > 0) {
    const ready = needed.filter((id) => pending.has(id) && linkSources(graph, id).every((s) => !pending.has(s)));
    if (ready.length === 0) throw new Error('dependency cycle');
    const pick =
      ready.find((id) => isOutput(id)) ??
      ready.find((id) => blocking(id).some(isOutput)) ??
      ready.find((id) => blocking(id).some((b) => blocking(b).some(isOutput))) ??
      ready[0]!;
    pending.delete(pick);
    done.push(pick);
  }
  return done;
}

/**
 * Cache keys: class_type + constant inputs + the keys of linked ancestors. The node id is part of the key
 * for nodes with a hidden UNIQUE_ID (e.g. SlowProgressImage). `extra(id)` adds IS_CHANGED-like data.
 */
export function signatures(
  graph: ApiGraph,
  withUniqueId: (classType: string) => boolean,
  extra: (id: string) => string,
): Map<string, string> {
  const memo = new Map<string, string>();
  const sig = (id: string, stack: Set<string>): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = graph[id];
    if (!node || stack.has(id)) return `missing:${id}`;
    stack.add(id);
    const inputs = Object.keys(node.inputs)
      .sort()
      .map((k) => {
        const v = node.inputs[k];
        return [k, isLink(v) ? { link: sig(v[0], stack), slot: v[1] } : v];
      });
    stack.delete(id);
    const s = JSON.stringify([node.class_type, inputs, withUniqueId(node.class_type) ? id : null, extra(id)]);
    memo.set(id, s);
    return s;
  };
  for (const id of Object.keys(graph)) sig(id, new Set());
  return memo;
}

/** All ancestors of `id` (breadth first, nearest first). */
export function ancestors(graph: ApiGraph, id: string): string[] {
  const out: string[] = [];
  const seen = new Set([id]);
  let frontier = [id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const src of linkSources(graph, n)) {
        if (seen.has(src)) continue;
        seen.add(src);
        out.push(src);
        next.push(src);
      }
    }
    frontier = next;
  }
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const SIZE_SOURCES = new Set([
  'EmptyLatentImage',
  'EmptySD3LatentImage',
  'EmptyHunyuanLatentVideo',
  'EmptyImage',
  'SlowProgressImage',
]);

/** Output size: from the nearest EmptyLatentImage-like ancestor's width/height, else 64x64. */
export function imageSize(graph: ApiGraph, id: string): { width: number; height: number; batch: number } {
  for (const a of [id, ...ancestors(graph, id)]) {
    const node = graph[a];
    if (!node || !SIZE_SOURCES.has(node.class_type)) continue;
    const width = num(node.inputs['width']);
    const height = num(node.inputs['height']);
    if (width !== undefined && height !== undefined) {
      return { width, height, batch: Math.max(1, Math.min(8, num(node.inputs['batch_size']) ?? 1)) };
    }
  }
  return { width: 64, height: 64, batch: 1 };
}

/** The seed images derive from: the nearest ancestor's `seed` / `noise_seed` constant, else 0. */
export function seedOf(graph: ApiGraph, id: string): number {
  for (const a of [id, ...ancestors(graph, id)]) {
    const inputs = graph[a]?.inputs ?? {};
    const s = num(inputs['seed']) ?? num(inputs['noise_seed']);
    if (s !== undefined) return s;
  }
  return 0;
}

/** A sampler's step count: its `steps` input, else the `steps` of what feeds its `sigmas`, else 20. */
export function samplerSteps(graph: ApiGraph, id: string): number {
  const node = graph[id];
  if (!node) return 20;
  let steps = num(node.inputs['steps']);
  if (steps === undefined) {
    const sigmas = node.inputs['sigmas'];
    if (isLink(sigmas)) steps = num(graph[sigmas[0]]?.inputs['steps']);
  }
  steps ??= 20;
  if (node.class_type === 'KSamplerAdvanced') {
    const start = num(node.inputs['start_at_step']) ?? 0;
    const end = Math.min(num(node.inputs['end_at_step']) ?? 10000, steps);
    steps = Math.max(1, end - start);
  }
  return Math.max(1, Math.trunc(steps));
}
