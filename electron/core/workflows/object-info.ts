/**
 * Reading `GET /object_info`: the tolerant zod schema and helpers that turn an input spec (`["INT", {...}]`,
 * V1 combo `[[choices], {...}]`, V3 combo `["COMBO", {options}]`, link `["MODEL"]`) into one shape.
 * Also the table of loader inputs that name model files.
 */
import type { NodeInfo } from '@core/comfy/protocol/http-schemas';
import type { ModelFolder } from '@shared/workflow-manifest';

/** The one `/object_info` schema, owned by the ComfyUI client (tolerant of the real server's odd values). */
export { NodeInfoSchema, ObjectInfoSchema, type NodeInfo, type ObjectInfo } from '@core/comfy/protocol/http-schemas';

export type InputKind = 'int' | 'float' | 'string' | 'boolean' | 'combo' | 'link';

export interface InputInfo {
  name: string;
  kind: InputKind;
  /** The link type (`MODEL`, `IMAGE`, `*`, `IMAGE,MASK`) or the primitive (`INT`...) or `COMBO`. */
  type: string;
  required: boolean;
  choices?: unknown[];
  min?: number;
  max?: number;
  step?: number;
  default?: unknown;
  /** Options such as `image_upload: true`. */
  options: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Read one raw input spec; `undefined` when it is not a recognisable spec. */
export function readInputSpec(name: string, raw: unknown, required: boolean): InputInfo | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const head = raw[0] as unknown;
  const options = (typeof raw[1] === 'object' && raw[1] !== null && !Array.isArray(raw[1]) ? raw[1] : {}) as Record<
    string,
    unknown
  >;
  const base = { name, required, options, default: options.default };
  if (Array.isArray(head)) return { ...base, kind: 'combo', type: 'COMBO', choices: head };
  if (typeof head !== 'string') return undefined;
  switch (head) {
    case 'INT':
    case 'FLOAT':
      return {
        ...base,
        kind: head === 'INT' ? 'int' : 'float',
        type: head,
        min: num(options.min),
        max: num(options.max),
        step: num(options.step),
      };
    case 'STRING':
      return { ...base, kind: 'string', type: head };
    case 'BOOLEAN':
      return { ...base, kind: 'boolean', type: head };
    case 'COMBO':
      return { ...base, kind: 'combo', type: head, choices: Array.isArray(options.options) ? options.options : [] };
    default:
      return { ...base, kind: 'link', type: head };
  }
}

/** Every required and optional input of a class, in declaration order. */
export function nodeInputs(info: NodeInfo): InputInfo[] {
  const out: InputInfo[] = [];
  for (const [group, required] of [
    ['required', true],
    ['optional', false],
  ] as const) {
    for (const [name, raw] of Object.entries(info.input[group] ?? {})) {
      const spec = readInputSpec(name, raw, required);
      if (spec) out.push(spec);
    }
  }
  return out;
}

export function findInput(info: NodeInfo, name: string): InputInfo | undefined {
  for (const [group, required] of [
    ['required', true],
    ['optional', false],
  ] as const) {
    const raw = info.input[group]?.[name];
    if (raw !== undefined) return readInputSpec(name, raw, required);
  }
  return undefined;
}

export function isHiddenInput(info: NodeInfo, name: string): boolean {
  return info.input.hidden !== undefined && name in info.input.hidden;
}

/** Input files (uploaded images, videos, audio) rather than a fixed list. */
export function isUploadCombo(spec: InputInfo): boolean {
  return (
    spec.kind === 'combo' &&
    (spec.options.image_upload === true || spec.options.video_upload === true || spec.options.audio_upload === true)
  );
}

/** Loader inputs that name model files, by class: input name -> folder. */
export const MODEL_INPUTS: Readonly<Record<string, Readonly<Record<string, ModelFolder>>>> = {
  CheckpointLoaderSimple: { ckpt_name: 'checkpoints' },
  CheckpointLoader: { ckpt_name: 'checkpoints' },
  ImageOnlyCheckpointLoader: { ckpt_name: 'checkpoints' },
  UNETLoader: { unet_name: 'diffusion_models' },
  DualCLIPLoader: { clip_name1: 'text_encoders', clip_name2: 'text_encoders' },
  TripleCLIPLoader: { clip_name1: 'text_encoders', clip_name2: 'text_encoders', clip_name3: 'text_encoders' },
  QuadrupleCLIPLoader: {
    clip_name1: 'text_encoders',
    clip_name2: 'text_encoders',
    clip_name3: 'text_encoders',
    clip_name4: 'text_encoders',
  },
  CLIPLoader: { clip_name: 'text_encoders' },
  VAELoader: { vae_name: 'vae' },
  LoraLoader: { lora_name: 'loras' },
  LoraLoaderModelOnly: { lora_name: 'loras' },
  UpscaleModelLoader: { model_name: 'upscale_models' },
  CLIPVisionLoader: { clip_name: 'clip_vision' },
};

export function modelFolderOf(classType: string, input: string): ModelFolder | undefined {
  return MODEL_INPUTS[classType]?.[input];
}
