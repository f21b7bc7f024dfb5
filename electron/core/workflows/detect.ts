/**
 * Propose a manifest for any API-format graph: which inputs are the prompt, negative, seed, steps, size...
 * The proposal is a starting point the user reviews in the import dialog; it is always a valid manifest
 * for the graph it came from.
 */
import { STANDARD_PARAMS, type ParamSpec, type ParamValue, type StandardParamName } from '@shared/params';
import {
  formatZodIssues,
  graphNodeClasses,
  WorkflowManifestSchema,
  type ImageInput,
  type ManifestOutput,
  type ManifestParameter,
  type ModelRequirement,
  type Target,
  type WorkflowKind,
  type WorkflowManifest,
} from '@shared/workflow-manifest';
import { customTitle, genericParams } from './detect-generic';
import { samplerConditionings, traceText, type TextTrace } from './detect-trace';
import { isLink, readApiGraph, type ApiGraph, type GraphReadError } from './graph';
import { checkManifestAgainstGraph } from './manifest-check';
import { findInput, MODEL_INPUTS, type ObjectInfo } from './object-info';

export interface DetectOptions {
  id?: string;
  title?: string;
  description?: string;
  /** A backend's `/object_info`: gives sampler/scheduler choices and output nodes of unknown classes. */
  objectInfo?: ObjectInfo;
}

export type DetectErrorCode = GraphReadError['code'] | 'no_output' | 'invalid_proposal';
export interface DetectError {
  code: DetectErrorCode;
  message: string;
}

export type DetectResult =
  { ok: true; manifest: WorkflowManifest; workflow: ApiGraph; notes: string[] } | { ok: false; error: DetectError };

const OUTPUT_MEDIA: Readonly<Record<string, ManifestOutput['media']>> = {
  SaveImage: 'image',
  PreviewImage: 'image',
  SaveAnimatedWEBP: 'video',
  SaveAnimatedPNG: 'video',
  SaveVideo: 'video',
  SaveWEBM: 'video',
  VHS_VideoCombine: 'video',
};
const SEED_INPUTS: Readonly<Record<string, string>> = {
  KSampler: 'seed',
  KSamplerAdvanced: 'noise_seed',
  SamplerCustom: 'noise_seed',
  RandomNoise: 'noise_seed',
};
const IMAGE_LOADERS: Readonly<Record<string, string>> = { LoadImage: 'image', LoadImageOutput: 'image' };
const FPS_INPUTS: Readonly<Record<string, string>> = {
  CreateVideo: 'fps',
  SaveAnimatedWEBP: 'fps',
  SaveAnimatedPNG: 'fps',
  SaveWEBM: 'fps',
  VHS_VideoCombine: 'frame_rate',
};

export function slugifyId(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/\.json$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'imported-workflow';
}

type Collector = Map<string, { spec: ParamSpec; targets: Target[] }>;

export function detectManifest(input: string | unknown, options: DetectOptions = {}): DetectResult {
  const read = readApiGraph(input);
  if (!read.ok) return { ok: false, error: read.error };
  const graph = read.graph;
  const notes: string[] = [];
  const id = slugifyId(options.id ?? options.title ?? 'imported-workflow');
  const nodes = Object.entries(graph);
  const params: Collector = new Map();
  const valueAt = (node: string, input: string): unknown => graph[node]?.inputs[input];
  const add = (name: StandardParamName | string, base: ParamSpec, node: string, input: string): void => {
    const value = valueAt(node, input);
    if (value === undefined || isLink(value)) return;
    const entry = params.get(name);
    if (entry) {
      if (!entry.targets.some((t) => t.node === node && t.input === input)) entry.targets.push({ node, input });
      return;
    }
    params.set(name, { spec: fitDefault(base, value as ParamValue), targets: [{ node, input }] });
  };
  const std = (name: StandardParamName): ParamSpec => ({ ...(STANDARD_PARAMS[name] as ParamSpec) });

  // Prompt and negative: the text encoders wired to the samplers.
  const conds = samplerConditionings(graph);
  const positive: TextTrace[] = [];
  const negative: TextTrace[] = [];
  for (const c of conds) {
    if (c.positive) positive.push(traceText(graph, c.positive));
    if (c.negative) negative.push(traceText(graph, c.negative));
  }
  const positiveNodes = new Set<string>();
  for (const t of positive) {
    if (t.kind !== 'text') continue;
    positiveNodes.add(t.node);
    for (const inp of t.inputs) add('prompt', { ...std('prompt'), required: false }, t.node, inp);
  }
  for (const t of negative) {
    if (t.kind !== 'text' || positiveNodes.has(t.node)) continue;
    for (const inp of t.inputs) add('negative', std('negative'), t.node, inp);
  }
  if (conds.length === 0) notes.push('No sampler found: no prompt, seed or steps were detected.');
  else if (!params.has('prompt')) notes.push('No text encoder is wired to the sampler: no prompt was detected.');

  const images: ImageInput[] = [];
  const outputs: ManifestOutput[] = [];
  const models: ModelRequirement[] = [];
  const modelSettings = new Map<string, number>();
  let hasVideoNode = false;
  let latentBatch = false;

  for (const [nodeId, node] of nodes) {
    const cls = node.class_type;
    const seedInput = SEED_INPUTS[cls];
    const enabled = node.inputs.add_noise !== 'disable' && node.inputs.add_noise !== false;
    if (seedInput && enabled && typeof node.inputs[seedInput] === 'number') {
      add('seed', std('seed'), nodeId, seedInput);
    }
    if (/sampler/i.test(cls) && !/select/i.test(cls)) {
      add('steps', std('steps'), nodeId, 'steps');
      add('cfg', std('cfg'), nodeId, 'cfg');
      add('sampler', samplerSpec('sampler', options.objectInfo, cls, 'sampler_name'), nodeId, 'sampler_name');
      add('scheduler', samplerSpec('scheduler', options.objectInfo, cls, 'scheduler'), nodeId, 'scheduler');
    }
    if (cls === 'KSamplerSelect')
      add('sampler', samplerSpec('sampler', options.objectInfo, cls, 'sampler_name'), nodeId, 'sampler_name');
    if (/scheduler$/i.test(cls)) {
      add('steps', std('steps'), nodeId, 'steps');
      add('scheduler', samplerSpec('scheduler', options.objectInfo, cls, 'scheduler'), nodeId, 'scheduler');
    }
    if (/guider$/i.test(cls)) add('cfg', std('cfg'), nodeId, 'cfg');
    if (cls === 'FluxGuidance' || cls === 'CLIPTextEncodeFlux') add('guidance', std('guidance'), nodeId, 'guidance');

    const isLatent = /^Empty.*Latent/.test(cls);
    const isVideoCond = /ToVideo/.test(cls);
    if (isVideoCond || /Video/.test(cls)) hasVideoNode = true;
    if (isLatent || isVideoCond) {
      const step = sizeStep(options.objectInfo, cls);
      add('width', { ...std('width'), step }, nodeId, 'width');
      add('height', { ...std('height'), step }, nodeId, 'height');
      if (typeof node.inputs.length === 'number') add('frames', std('frames'), nodeId, 'length');
      if (isLatent && !isVideoCond && typeof node.inputs.batch_size === 'number') {
        add('batch_size', std('batch_size'), nodeId, 'batch_size');
        latentBatch = true;
      }
    }
    const fpsInput = FPS_INPUTS[cls];
    if (fpsInput) add('fps', std('fps'), nodeId, fpsInput);

    const imageInput = IMAGE_LOADERS[cls];
    if (imageInput && typeof node.inputs[imageInput] === 'string') {
      if (images.length < 3) {
        const n = images.length + 1;
        images.push({
          name: `image${n}`,
          label: customTitle(node, options.objectInfo) ?? `Image ${n}`,
          node: nodeId,
          input: imageInput,
          required: true,
          detach: [],
        });
      } else {
        notes.push(`Node ${nodeId} (${cls}) keeps its fixed image: a workflow takes at most 3 images.`);
      }
    }

    const media = OUTPUT_MEDIA[cls] ?? (options.objectInfo?.[cls]?.output_node ? guessMedia(cls) : undefined);
    if (media) outputs.push({ node: nodeId, media });

    for (const [input, folder] of Object.entries(MODEL_INPUTS[cls] ?? {})) {
      const file = node.inputs[input];
      if (typeof file !== 'string' || file === '') continue;
      const base = `models.${id}.${input}`;
      const count = modelSettings.get(base) ?? 0;
      modelSettings.set(base, count + 1);
      const setting = count === 0 ? base : `${base}_${nodeId}`;
      const named = customTitle(node, options.objectInfo) ?? options.objectInfo?.[cls]?.display_name ?? cls;
      const label = `${named}${Object.keys(MODEL_INPUTS[cls] ?? {}).length > 1 ? ` ${input}` : ''}`.slice(0, 80);
      models.push({ setting, label, folder, default: file, targets: [{ node: nodeId, input }] });
    }
  }

  // Flux's shift follows the image size: ModelSamplingFlux width/height are extra size targets.
  for (const [nodeId, node] of nodes) {
    if (node.class_type !== 'ModelSamplingFlux') continue;
    for (const dim of ['width', 'height'] as const) if (params.has(dim)) add(dim, std(dim), nodeId, dim);
  }
  // Inputs no class rule took, found by name and type (custom nodes), then the node titles as labels.
  const targeted = (node: string, input: string): boolean =>
    [...params.values()].some((p) => p.targets.some((t) => t.node === node && t.input === input));
  for (const g of genericParams(graph, options.objectInfo, { taken: targeted, has: (n) => params.has(n) }))
    add(g.name, g.spec, g.node, g.input);
  for (const [name, p] of params) {
    const first = p.targets[0];
    const title = first ? customTitle(graph[first.node]!, options.objectInfo) : undefined;
    if (!title) continue;
    if (p.spec.type === 'string') p.spec.label = title;
    else if (!(name in STANDARD_PARAMS)) p.spec.label = `${title} ${first!.input}`.slice(0, 80);
    else p.spec.description = `Sets ${first!.input} of "${title}".`;
  }
  const prompt = params.get('prompt');
  if (prompt && typeof prompt.spec.default === 'string' && prompt.spec.default.trim() !== '')
    prompt.spec.required = true;

  // A later node sharing a name with the first loader gets a suffixed key; give the first one its suffix too.
  for (const m of models) {
    const base = m.setting;
    if ((modelSettings.get(base) ?? 0) > 1) m.setting = `${base}_${m.targets[0]?.node ?? ''}`;
  }

  const saving = outputs.filter((o) => graph[o.node]?.class_type !== 'PreviewImage');
  const finalOutputs = saving.length > 0 ? saving : outputs;
  if (finalOutputs.length === 0) {
    return {
      ok: false,
      error: {
        code: 'no_output',
        message:
          'The workflow has no output node (SaveImage, SaveVideo, SaveAnimatedWEBP, ...): nothing would be saved.',
      },
    };
  }
  if (saving.length > 0 && saving.length < outputs.length)
    notes.push('PreviewImage nodes are not treated as outputs (their files are temporary).');

  const hasUpscaleModel = nodes.some(([, n]) => n.class_type === 'ImageUpscaleWithModel');
  const video = finalOutputs.some((o) => o.media === 'video') || hasVideoNode;
  let kind: WorkflowKind = 'txt2img';
  // An image that is encoded into the sampling (VAEEncode, a reference latent, an edit encoder) makes an edit;
  // an image used only as a control hint (ControlNet) leaves a txt2img.
  const encodesImage = nodes.some(([, n]) =>
    /^VAEEncode|ReferenceLatent|TextEncodeQwenImageEdit|InstructPix2Pix|InpaintModelConditioning/.test(n.class_type),
  );
  if (images.length > 0) {
    if (video) kind = 'img2video';
    else if (hasUpscaleModel || conds.length === 0) kind = 'upscale';
    else if (encodesImage) kind = 'edit';
  } else if (video) {
    notes.push('A video workflow without a start image is listed as txt2img.');
  }
  // denoise is only useful when sampling starts from an image.
  if (images.length > 0) {
    for (const [nodeId, node] of nodes) {
      if (/sampler$/i.test(node.class_type) || /scheduler$/i.test(node.class_type))
        add('denoise', std('denoise'), nodeId, 'denoise');
    }
  }
  const twoStage = nodes.filter(([, n]) => n.class_type === 'KSamplerAdvanced').length > 1;
  if (twoStage)
    notes.push('Several KSamplerAdvanced nodes: their start/end steps stay as in the file when steps change.');

  const order = [
    'prompt',
    'negative',
    'seed',
    'steps',
    'cfg',
    'guidance',
    'denoise',
    'sampler',
    'scheduler',
    'width',
    'height',
    'frames',
    'fps',
    'batch_size',
  ];
  const supportsBatch = latentBatch && kind === 'txt2img';
  const named = [...order, ...[...params.keys()].filter((n) => !order.includes(n))];
  const parameters: ManifestParameter[] = named
    .filter((n) => params.has(n) && (n !== 'batch_size' || supportsBatch))
    .map((n) => {
      const p = params.get(n) as { spec: ParamSpec; targets: Target[] };
      return { ...p.spec, targets: p.targets } as ManifestParameter;
    });

  const proposal = WorkflowManifestSchema.safeParse({
    version: 1,
    id,
    title: (options.title ?? 'Imported workflow').slice(0, 100) || 'Imported workflow',
    description: options.description ?? '',
    kind,
    parameters,
    images,
    outputs: finalOutputs,
    models,
    nodeClasses: graphNodeClasses(graph),
    supportsBatch,
  });
  if (!proposal.success) {
    return {
      ok: false,
      error: {
        code: 'invalid_proposal',
        message: `Could not describe this workflow: ${formatZodIssues(proposal.error).join('; ')}`,
      },
    };
  }
  const mismatch = checkManifestAgainstGraph(proposal.data, graph);
  if (mismatch.length > 0) {
    return {
      ok: false,
      error: { code: 'invalid_proposal', message: `Could not describe this workflow: ${mismatch.join('; ')}` },
    };
  }
  return { ok: true, manifest: proposal.data, workflow: graph, notes };
}

function guessMedia(cls: string): ManifestOutput['media'] | undefined {
  if (/video|webm|mp4|gif|animated/i.test(cls)) return 'video';
  if (/image/i.test(cls)) return 'image';
  return undefined;
}

/** Sampler/scheduler: an enum of the backend's choices when known, else free text. */
function samplerSpec(
  name: 'sampler' | 'scheduler',
  objectInfo: ObjectInfo | undefined,
  cls: string,
  input: string,
): ParamSpec {
  const base = { ...(STANDARD_PARAMS[name] as ParamSpec) };
  const info = objectInfo?.[cls];
  const spec = info ? findInput(info, input) : undefined;
  const choices = spec?.choices?.filter((c): c is string => typeof c === 'string' && c !== '');
  if (choices && choices.length > 0) return { ...base, type: 'enum', choices };
  return base;
}

function sizeStep(objectInfo: ObjectInfo | undefined, cls: string): number {
  const info = objectInfo?.[cls];
  const step = info ? findInput(info, 'width')?.step : undefined;
  if (step !== undefined && step >= 1) return step;
  return cls === 'EmptyLatentImage' ? 8 : 16;
}

/** The graph's current value becomes the default; the range widens to hold it, the step goes if it does not fit. */
function fitDefault(base: ParamSpec, value: ParamValue): ParamSpec {
  const spec: ParamSpec = { ...base };
  if (spec.type === 'seed') return spec;
  if (spec.type === 'enum') {
    if (typeof value !== 'string') return spec;
    if (!spec.choices?.includes(value)) spec.choices = [...(spec.choices ?? []), value];
    spec.default = value;
    return spec;
  }
  if (spec.type === 'int' || spec.type === 'float') {
    if (typeof value !== 'number') return spec;
    if (spec.type === 'int' && !Number.isInteger(value)) spec.type = 'float';
    if (spec.min !== undefined && value < spec.min) spec.min = value;
    if (spec.max !== undefined && value > spec.max) spec.max = value;
    if (spec.step !== undefined) {
      const base0 = spec.min !== undefined && spec.min % spec.step !== 0 ? spec.min : 0;
      const k = (value - base0) / spec.step;
      if (spec.type === 'int' && Math.abs(k - Math.round(k)) > 1e-9) delete spec.step;
    }
    spec.default = value;
    return spec;
  }
  if (spec.type === 'string' && typeof value === 'string') {
    spec.default = value;
    if (spec.maxLength !== undefined && value.length > spec.maxLength) spec.maxLength = value.length;
  }
  return spec;
}
