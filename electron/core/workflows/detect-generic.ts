/**
 * Detection that does not need to know a node's class: parameters found by an input's name and type (a seed, the
 * steps, a multi-line text, the size), with the ranges the backend's `/object_info` gives that input; and the
 * titles people give nodes in ComfyUI (`_meta.title`), kept as labels. Pure.
 */
import { SEED_MAX, STANDARD_PARAMS, type ParamSpec } from '@shared/params';
import { isLink, type ApiGraph, type ApiNode } from './graph';
import { findInput, type InputInfo, type ObjectInfo } from './object-info';

/** A parameter found on one input. `name` is standard (`seed`, `prompt`…) or made from the input (`text_12`). */
export interface GenericHit {
  name: string;
  spec: ParamSpec;
  node: string;
  input: string;
}

export interface GenericContext {
  /** A (node, input) another parameter already targets. */
  taken(node: string, input: string): boolean;
  /** A parameter of that name was already found. */
  has(name: string): boolean;
}

const std = (name: keyof typeof STANDARD_PARAMS): ParamSpec => ({ ...(STANDARD_PARAMS[name] as ParamSpec) });

/** The title someone gave the node in ComfyUI, or undefined when it is the class's own name. */
export function customTitle(node: ApiNode, objectInfo?: ObjectInfo): string | undefined {
  const title = node._meta?.title?.trim();
  if (!title || title === node.class_type) return undefined;
  const display = objectInfo?.[node.class_type]?.display_name;
  if (display && title === display) return undefined;
  return title.slice(0, 80);
}

/** The parameter name of an input no standard name fits: `text_12` (lower snake case, at most 48). */
function ownName(input: string, node: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const base = slug(input) || 'value';
  const name = `${/^[a-z]/.test(base) ? base : `p_${base}`}_${slug(node) || 'n'}`;
  return name.slice(0, 48);
}

/** Narrow a standard range to an input's own (never widen it past what the input accepts). */
function withinOwn(spec: ParamSpec, info: InputInfo | undefined): ParamSpec {
  const out = { ...spec };
  if (info?.min !== undefined) out.min = Math.max(out.min ?? info.min, info.min);
  if (info?.max !== undefined) out.max = Math.min(out.max ?? info.max, info.max);
  if (info?.step !== undefined && info.step >= 1 && spec.type === 'int') out.step = info.step;
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
    out.min = info?.min;
    out.max = info?.max;
  }
  return out;
}

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Parameters on inputs no class rule took: an INT `seed`/`noise_seed` (with that input's own range), `steps`, a
 * multi-line STRING (the prompt when none was found, else the negative when its title says so, else a text of its
 * own), `width`/`height` (of a node that makes a latent, or of any node when no size was found).
 */
export function genericParams(graph: ApiGraph, objectInfo: ObjectInfo | undefined, ctx: GenericContext): GenericHit[] {
  const hits: GenericHit[] = [];
  const found = new Set<string>();
  const has = (name: string) => ctx.has(name) || found.has(name);
  const hit = (name: string, spec: ParamSpec, node: string, input: string) => {
    hits.push({ name, spec: { ...spec, name }, node, input });
    found.add(name);
  };
  const sizeFound = ctx.has('width') || ctx.has('height');
  for (const [nodeId, node] of Object.entries(graph)) {
    const info = objectInfo?.[node.class_type];
    const makesLatent = info?.output.some((o) => o === 'LATENT') ?? false;
    for (const [input, value] of Object.entries(node.inputs)) {
      if (isLink(value) || ctx.taken(nodeId, input)) continue;
      const spec = info ? findInput(info, input) : undefined;
      if (info && !spec) continue;
      const kind = spec?.kind;
      const noNoise = node.inputs.add_noise === 'disable' || node.inputs.add_noise === false;
      if ((input === 'seed' || input === 'noise_seed') && isWhole(value) && (kind === undefined || kind === 'int')) {
        if (noNoise) continue;
        const max = spec?.max !== undefined ? Math.min(spec.max, SEED_MAX) : undefined;
        const seed: ParamSpec = {
          ...std('seed'),
          ...(spec?.min !== undefined && spec.min > 0 ? { min: spec.min } : {}),
        };
        hit('seed', max !== undefined ? { ...seed, max } : seed, nodeId, input);
      } else if (input === 'steps' && isWhole(value) && (kind === undefined || kind === 'int')) {
        hit('steps', withinOwn(std('steps'), spec), nodeId, input);
      } else if (
        (input === 'width' || input === 'height') &&
        isWhole(value) &&
        (kind === undefined || kind === 'int')
      ) {
        if (makesLatent || !sizeFound) hit(input, withinOwn(std(input), spec), nodeId, input);
      } else if (typeof value === 'string' && isPromptText(input, spec)) {
        const title = customTitle(node, objectInfo);
        const label = title ?? `${node.class_type} ${input}`.slice(0, 80);
        const negative = /negative/i.test(`${title ?? ''} ${input}`);
        if (negative && !has('negative'))
          hit('negative', { ...std('negative'), label: title ?? 'Negative prompt' }, nodeId, input);
        else if (!negative && !has('prompt'))
          hit('prompt', { ...std('prompt'), required: false, label: title ?? 'Prompt' }, nodeId, input);
        else
          hit(
            ownName(input, nodeId),
            { name: 'text', type: 'string', label, multiline: true, default: '' },
            nodeId,
            input,
          );
      }
    }
  }
  return hits;
}

/** A text someone writes: a multi-line STRING per `/object_info`, or (without it) an input named like one. */
function isPromptText(input: string, spec: InputInfo | undefined): boolean {
  if (spec) return spec.kind === 'string' && spec.options.multiline === true;
  return /^(text|prompt|positive|negative)(_\w+)?$/i.test(input);
}
