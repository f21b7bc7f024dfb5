/**
 * The recorded fixtures of ComfyUI 0.3.64 (object_info, system_stats, model folders) and model-list filling.
 * No model files were installed when they were recorded, so every model combo is empty; a test fills them
 * through the `models` option (comfyui-api.md section 1, "GET /object_info").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The recordings of ComfyUI 0.3.64 kept in the repository (`test/fixtures/comfyui-0.3.64`, see its README). */
const FIXTURE_DIR = path.resolve(__dirname, '../../fixtures/comfyui-0.3.64');

export function fixtureDir(): string {
  return FIXTURE_DIR;
}

function fixturePath(name: string): string {
  return path.join(fixtureDir(), name);
}

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

let cachedObjectInfo: Record<string, unknown> | null = null;

/** A deep copy of the fixture's /object_info (parsed once per process). */
export function fixtureObjectInfo(): Record<string, unknown> {
  cachedObjectInfo ??= readFixture<Record<string, unknown>>('object_info.json');
  return structuredClone(cachedObjectInfo);
}

/** Input name -> model folder. Class-specific entries first. */
const CLASS_INPUT_FOLDER: Record<string, Record<string, string>> = {
  CLIPVisionLoader: { clip_name: 'clip_vision' },
  UpscaleModelLoader: { model_name: 'upscale_models' },
};
const INPUT_FOLDER: Record<string, string> = {
  ckpt_name: 'checkpoints',
  lora_name: 'loras',
  vae_name: 'vae',
  unet_name: 'diffusion_models',
  clip_name: 'text_encoders',
  clip_name1: 'text_encoders',
  clip_name2: 'text_encoders',
  clip_name3: 'text_encoders',
  clip_name4: 'text_encoders',
  control_net_name: 'controlnet',
  style_model_name: 'style_models',
  gligen_name: 'gligen',
  hypernetwork_name: 'hypernetworks',
};

type Spec = unknown[];

function fillSpec(spec: Spec, files: string[]): void {
  const first = spec[0];
  if (Array.isArray(first)) {
    // V1 combo: keep non-file extras the server adds (VAELoader's "pixel_space", taesd entries).
    const extras = (first as unknown[]).filter((v) => typeof v === 'string' && !v.includes('.'));
    spec[0] = [...files, ...extras.filter((e) => !files.includes(e as string))];
  } else if (first === 'COMBO') {
    const opts = (spec[1] ?? {}) as Record<string, unknown>;
    opts['options'] = [...files];
    spec[1] = opts;
  }
}

/** Fill every model combo of `info` (in place) from `models` (folder -> file names). */
export function fillModelLists(info: Record<string, unknown>, models: Partial<Record<string, string[]>>): void {
  for (const [cls, def] of Object.entries(info)) {
    const input = (def as { input?: Record<string, Record<string, unknown> | undefined> }).input;
    if (!input) continue;
    for (const group of ['required', 'optional'] as const) {
      const specs = input[group];
      if (!specs) continue;
      for (const [name, spec] of Object.entries(specs)) {
        const folder = CLASS_INPUT_FOLDER[cls]?.[name] ?? INPUT_FOLDER[name];
        if (!folder || !Array.isArray(spec)) continue;
        fillSpec(spec, models[folder] ?? []);
      }
    }
  }
}

/** Set LoadImage's (and LoadImageMask's) file list to the top-level files of the input dir. */
export function fillInputFiles(info: Record<string, unknown>, files: string[]): void {
  for (const cls of ['LoadImage', 'LoadImageMask']) {
    const def = info[cls] as { input?: { required?: Record<string, unknown[]> } } | undefined;
    const spec = def?.input?.required?.['image'];
    if (Array.isArray(spec) && Array.isArray(spec[0])) spec[0] = [...files].sort();
  }
}

/**
 * VideoHelperSuite's VHS_VideoCombine (a custom node, not in the recorded object_info). Pass it as
 * `extraObjectInfo` to accept graphs that use it; its UI output is `{gifs: [...]}`.
 */
export const VHS_OBJECT_INFO: Record<string, unknown> = {
  VHS_VideoCombine: {
    input: {
      required: {
        images: ['IMAGE'],
        frame_rate: ['FLOAT', { default: 8, min: 1, step: 1 }],
        loop_count: ['INT', { default: 0, min: 0, max: 100, step: 1 }],
        filename_prefix: ['STRING', { default: 'AnimateDiff' }],
        format: [['image/gif', 'image/webp', 'video/h264-mp4', 'video/h265-mp4', 'video/webm']],
        pingpong: ['BOOLEAN', { default: false }],
        save_output: ['BOOLEAN', { default: true }],
      },
      optional: { audio: ['AUDIO'], meta_batch: ['VHS_BatchManager'], vae: ['VAE'] },
      hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO', unique_id: 'UNIQUE_ID' },
    },
    input_order: {
      required: ['images', 'frame_rate', 'loop_count', 'filename_prefix', 'format', 'pingpong', 'save_output'],
      optional: ['audio', 'meta_batch', 'vae'],
      hidden: ['prompt', 'extra_pnginfo', 'unique_id'],
    },
    output: ['VHS_FILENAMES'],
    output_is_list: [false],
    output_name: ['Filenames'],
    name: 'VHS_VideoCombine',
    display_name: 'Video Combine 🎥🅥🅗🅢',
    description: '',
    python_module: 'custom_nodes.ComfyUI-VideoHelperSuite',
    category: 'Video Helper Suite 🎥🅥🅗🅢',
    output_node: true,
  },
};
