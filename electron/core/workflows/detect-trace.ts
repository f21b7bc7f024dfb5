/**
 * Following links backwards from a sampler to the text encoders that feed it, through conditioning nodes
 * (FluxGuidance, ReferenceLatent, WanImageToVideo, ControlNet apply, ...). Pure.
 */
import { isLink, type ApiGraph, type ApiNode, type LinkRef } from './graph';

/** Known text encoders: class -> its text inputs. */
export const TEXT_ENCODERS: Readonly<Record<string, readonly string[]>> = {
  CLIPTextEncode: ['text'],
  CLIPTextEncodeSDXL: ['text_g', 'text_l'],
  CLIPTextEncodeSDXLRefiner: ['text'],
  CLIPTextEncodeSD3: ['clip_l', 'clip_g', 't5xxl'],
  CLIPTextEncodeFlux: ['clip_l', 't5xxl'],
  CLIPTextEncodeHiDream: ['clip_l', 'clip_g', 't5xxl', 'llama'],
  CLIPTextEncodeHunyuanDiT: ['bert', 'mt5xl'],
  CLIPTextEncodeLumina2: ['user_prompt'],
  TextEncodeQwenImageEdit: ['prompt'],
  TextEncodeQwenImageEditPlus: ['prompt'],
  TextEncodeHunyuanVideo_ImageToVideo: ['prompt'],
};

/** Text inputs of an encoder node that hold a value (not a link). Unknown classes: a guess by name. */
export function encoderTextInputs(node: ApiNode): string[] {
  const known = TEXT_ENCODERS[node.class_type];
  const names = known ?? (/encode/i.test(node.class_type) ? ['text', 'prompt'] : []);
  return names.filter((n) => typeof node.inputs[n] === 'string');
}

/** Inputs of string primitive nodes (PrimitiveString, PrimitiveStringMultiline, ...) that hold the text. */
const PRIMITIVE_TEXT_INPUTS = ['value', 'string', 'text'];

/**
 * An encoder whose text input is a link to a string primitive node: the primitive's value is the text.
 * Returns `[primitiveNodeId, input]`.
 */
function primitiveTextSource(graph: ApiGraph, node: ApiNode): [string, string] | undefined {
  const names = TEXT_ENCODERS[node.class_type] ?? (/encode/i.test(node.class_type) ? ['text', 'prompt'] : []);
  for (const name of names) {
    const link = node.inputs[name];
    if (!isLink(link)) continue;
    const source = graph[link[0]];
    if (!source) continue;
    const input = PRIMITIVE_TEXT_INPUTS.find((n) => typeof source.inputs[n] === 'string');
    if (input) return [link[0], input];
  }
  return undefined;
}

export type TextTrace =
  | { kind: 'text'; node: string; inputs: string[] }
  /** ConditioningZeroOut: an empty negative, no text to edit. */
  | { kind: 'zero' }
  | { kind: 'none' };

const COND_INPUT = /^(conditioning|cond)(_\w+)?$|conditioning/;

export function traceText(graph: ApiGraph, link: LinkRef, seen: Set<string> = new Set()): TextTrace {
  const [id, output] = link;
  if (seen.has(id)) return { kind: 'none' };
  seen.add(id);
  const node = graph[id];
  if (!node) return { kind: 'none' };
  if (node.class_type === 'ConditioningZeroOut') return { kind: 'zero' };
  const text = encoderTextInputs(node);
  if (text.length > 0) return { kind: 'text', node: id, inputs: text };
  const fed = primitiveTextSource(graph, node);
  if (fed) return { kind: 'text', node: fed[0], inputs: [fed[1]] };
  const pos = node.inputs.positive;
  const neg = node.inputs.negative;
  if (isLink(pos) && isLink(neg)) return traceText(graph, output === 1 ? neg : pos, seen);
  for (const [name, value] of Object.entries(node.inputs)) {
    if (!isLink(value) || !COND_INPUT.test(name)) continue;
    const found = traceText(graph, value, seen);
    if (found.kind !== 'none') return found;
  }
  return { kind: 'none' };
}

export interface SamplerConditioning {
  sampler: string;
  positive?: LinkRef;
  negative?: LinkRef;
}

/**
 * The positive/negative conditioning links of every sampler: KSampler-like nodes directly, and
 * SamplerCustomAdvanced through its guider (CFGGuider, BasicGuider, ...).
 */
export function samplerConditionings(graph: ApiGraph): SamplerConditioning[] {
  const out: SamplerConditioning[] = [];
  for (const [id, node] of Object.entries(graph)) {
    const { positive, negative, guider } = node.inputs;
    if (isLink(positive) && /sampler/i.test(node.class_type)) {
      out.push({ sampler: id, positive, negative: isLink(negative) ? negative : undefined });
    } else if (isLink(guider)) {
      const g = graph[guider[0]];
      if (!g) continue;
      const pos = g.inputs.positive ?? g.inputs.conditioning ?? g.inputs.cond1;
      const neg = g.inputs.negative;
      if (isLink(pos)) out.push({ sampler: id, positive: pos, negative: isLink(neg) ? neg : undefined });
    }
  }
  return out;
}
