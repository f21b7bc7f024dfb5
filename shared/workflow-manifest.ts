import { z } from 'zod';
import { ParamSpecSchema, ParamValueSchema } from './params';

/**
 * A workflow manifest: what a bundled or imported API-format ComfyUI graph accepts and where each value goes.
 * The contract shared by the renderer (forms), the core (injection, routing by models) and the Discord bot
 * (command options). Imports only zod.
 */

export const WORKFLOW_KINDS = ['txt2img', 'edit', 'upscale', 'img2video'] as const;
export const WorkflowKindSchema = z.enum(WORKFLOW_KINDS);
export type WorkflowKind = z.infer<typeof WorkflowKindSchema>;

/**
 * Model folders. `diffusion_models` and `text_encoders` are the names `/models/{folder}` answers to; `unet` and
 * `clip` are their legacy aliases (ComfyUI's loaders still read them, `/models/unet` gives 404).
 */
export const MODEL_FOLDERS = [
  'checkpoints',
  'unet',
  'clip',
  'vae',
  'loras',
  'upscale_models',
  'diffusion_models',
  'text_encoders',
  'clip_vision',
] as const;
export const ModelFolderSchema = z.enum(MODEL_FOLDERS);
export type ModelFolder = z.infer<typeof ModelFolderSchema>;

/** The folder `/models/{folder}` lists for a (possibly legacy) folder name. */
export function canonicalModelFolder(folder: ModelFolder): ModelFolder {
  if (folder === 'unet') return 'diffusion_models';
  if (folder === 'clip') return 'text_encoders';
  return folder;
}

export const WORKFLOW_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const WorkflowIdSchema = z
  .string()
  .regex(
    WORKFLOW_ID_PATTERN,
    'a workflow id is 1-63 lower-case letters, digits and dashes, starting with a letter or digit',
  );

export const NodeIdSchema = z.string().min(1).max(64);
export const InputNameSchema = z.string().min(1).max(128);

/** How a parameter value is changed on its way into one input. */
export const TransformSchema = z.discriminatedUnion('op', [
  /** value × by (e.g. half the steps for the split point of a two-stage sampler); `round` makes it an integer. */
  z.object({ op: z.literal('multiply'), by: z.number(), round: z.boolean().optional() }),
  /** value + value (e.g. an offset). */
  z.object({ op: z.literal('add'), value: z.number() }),
  /** a lookup (e.g. upscale factor "8x" -> ImageScaleBy 2.0 after a 4x model); unknown keys are an error. */
  z.object({ op: z.literal('map'), values: z.record(z.string(), ParamValueSchema) }),
  /** text around the value: `{value}` is replaced (e.g. a filename prefix). */
  z.object({ op: z.literal('template'), template: z.string().includes('{value}') }),
]);
export type Transform = z.infer<typeof TransformSchema>;

export const TargetSchema = z.object({
  node: NodeIdSchema,
  input: InputNameSchema,
  transform: TransformSchema.optional(),
});
export type Target = z.infer<typeof TargetSchema>;

export const InputRefSchema = z.object({ node: NodeIdSchema, input: InputNameSchema });
export type InputRef = z.infer<typeof InputRefSchema>;

export const ManifestParameterSchema = ParamSpecSchema.and(
  z.object({ targets: z.array(TargetSchema).min(1, 'a parameter needs at least one target') }),
);
export type ManifestParameter = z.infer<typeof ManifestParameterSchema>;

export const ImageInputSchema = z.object({
  /** `image1`, `image2`, ...: the name injection options use. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
  label: z.string().min(1).max(80),
  /** The LoadImage node and its file input (default `image`). */
  node: NodeIdSchema,
  input: InputNameSchema.default('image'),
  required: z.boolean(),
  /**
   * Optional images only: the inputs that link to this image and are removed when it is not given (they must be
   * optional inputs of their node); nodes no output needs any more are then dropped.
   */
  detach: z.array(InputRefSchema).default([]),
});
export type ImageInput = z.infer<typeof ImageInputSchema>;

export const OUTPUT_MEDIA = ['image', 'video'] as const;
export const OutputSchema = z.object({
  node: NodeIdSchema,
  media: z.enum(OUTPUT_MEDIA),
});
export type ManifestOutput = z.infer<typeof OutputSchema>;

/** A settings key such as `models.sdxl.checkpoint`. */
export const SettingKeySchema = z
  .string()
  .regex(/^[a-z0-9_]+(\.[a-z0-9_-]+)+$/i, 'a settings key is dotted, e.g. models.sdxl.checkpoint');

export const ModelRequirementSchema = z.object({
  /** The settings key the user changes to pick another file, e.g. `models.sdxl.checkpoint`. */
  setting: SettingKeySchema,
  label: z.string().min(1).max(80).optional(),
  folder: ModelFolderSchema,
  /** The file name used when the setting is unset. */
  default: z.string().min(1),
  targets: z.array(InputRefSchema).min(1),
});
export type ModelRequirement = z.infer<typeof ModelRequirementSchema>;

/**
 * An optional LoRA loader (LoraLoader or LoraLoaderModelOnly). With no LoRA chosen the node is bypassed: every
 * link to its output `output` is rewired to whatever feeds its input `input`, then the node is removed.
 */
export const LoraSlotSchema = z.object({
  node: NodeIdSchema,
  setting: SettingKeySchema,
  folder: z.literal('loras').default('loras'),
  nameInput: InputNameSchema.default('lora_name'),
  strengthInputs: z.array(InputNameSchema).min(1),
  strength: z
    .object({ min: z.number(), max: z.number(), default: z.number() })
    .default({ min: -2, max: 2, default: 1 }),
  passthrough: z.array(z.object({ output: z.number().int().min(0), input: InputNameSchema })).min(1),
});
export type LoraSlot = z.infer<typeof LoraSlotSchema>;

export const WorkflowManifestSchema = z
  .object({
    /** Manifest format version. */
    version: z.literal(1).default(1),
    id: WorkflowIdSchema,
    title: z.string().min(1).max(100),
    description: z.string().max(1000).default(''),
    kind: WorkflowKindSchema,
    parameters: z.array(ManifestParameterSchema),
    images: z.array(ImageInputSchema).max(3).default([]),
    outputs: z.array(OutputSchema).min(1, 'a workflow needs at least one output node'),
    models: z.array(ModelRequirementSchema).default([]),
    /** Every class_type the graph uses, sorted; checked against the graph when loaded. */
    nodeClasses: z.array(z.string().min(1)).min(1),
    /** True when a `batch_size` parameter sets how many images one run makes. */
    supportsBatch: z.boolean().default(false),
    lora: LoraSlotSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const [i, p] of m.parameters.entries()) {
      if (seen.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'name'],
          message: `parameter '${p.name}' is declared twice`,
        });
      seen.add(p.name);
    }
    const imageNames = new Set<string>();
    for (const [i, img] of m.images.entries()) {
      if (imageNames.has(img.name))
        ctx.addIssue({ code: 'custom', path: ['images', i, 'name'], message: `image '${img.name}' is declared twice` });
      imageNames.add(img.name);
      if (img.required && img.detach.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['images', i, 'detach'],
          message: `required image '${img.name}' cannot have detach inputs`,
        });
      }
    }
    if (m.kind !== 'txt2img' && m.images.filter((img) => img.required).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['images'],
        message: `a ${m.kind} workflow needs at least one required image`,
      });
    }
    if (m.supportsBatch !== seen.has('batch_size')) {
      ctx.addIssue({
        code: 'custom',
        path: ['supportsBatch'],
        message: m.supportsBatch
          ? 'supportsBatch needs a batch_size parameter'
          : 'a batch_size parameter needs supportsBatch: true',
      });
    }
    const settings = new Set<string>();
    for (const [i, model] of m.models.entries()) {
      if (settings.has(model.setting))
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'setting'],
          message: `model setting '${model.setting}' is declared twice`,
        });
      settings.add(model.setting);
    }
    if (m.lora) {
      const { min, max, default: d } = m.lora.strength;
      if (min > max || d < min || d > max)
        ctx.addIssue({
          code: 'custom',
          path: ['lora', 'strength'],
          message: 'LoRA strength needs min <= default <= max',
        });
    }
  });
export type WorkflowManifest = z.infer<typeof WorkflowManifestSchema>;
/** A manifest as written in a file (defaults not yet applied). */
export type WorkflowManifestInput = z.input<typeof WorkflowManifestSchema>;

/** The sorted distinct class_type values of a graph (any object of `{class_type}` nodes). */
export function graphNodeClasses(graph: Readonly<Record<string, { class_type: string }>>): string[] {
  return [...new Set(Object.values(graph).map((n) => n.class_type))].sort();
}

/** Readable lines for a zod error: `parameters[2].max: expected number`. */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
