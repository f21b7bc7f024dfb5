/**
 * Graphs and HTTP helpers shared by the fake's tests.
 */
import type { ApiGraph } from '@core/comfy/protocol/messages';
import type { FakeComfy } from './index';

export function trivialGraph(color = 0, prefix = 't'): ApiGraph {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  };
}

/** A classic txt2img graph (needs `checkpoints: ['model.safetensors']`). */
export function ksamplerGraph(
  o: { seed?: number; steps?: number; width?: number; height?: number; batch?: number } = {},
): ApiGraph {
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'model.safetensors' } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '5': {
      class_type: 'EmptyLatentImage',
      inputs: { width: o.width ?? 512, height: o.height ?? 512, batch_size: o.batch ?? 1 },
    },
    '3': {
      class_type: 'KSampler',
      inputs: {
        model: ['4', 0],
        seed: o.seed ?? 42,
        steps: o.steps ?? 4,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
        denoise: 1,
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: 'ComfyUI' } },
  };
}

export interface CallResult {
  status: number;
  text: string;
  json: unknown;
}

export async function call(fake: FakeComfy, method: string, path: string, body?: unknown): Promise<CallResult> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** POST /api/prompt; throws unless 200. */
export async function queue(
  fake: FakeComfy,
  prompt: ApiGraph,
  extra: Record<string, unknown> = {},
): Promise<{ prompt_id: string; number: number }> {
  const res = await call(fake, 'POST', '/api/prompt', { prompt, ...extra });
  if (res.status !== 200) throw new Error(`POST /prompt ${res.status}: ${res.text}`);
  return res.json as { prompt_id: string; number: number };
}
