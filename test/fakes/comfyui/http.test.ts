/**
 * HTTP surface of the fake: prefixes, 413, uploads, /view, object_info and models, system stats,
 * validation errors in the real shapes.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptErrorBodySchema, SystemStatsSchema, UploadResponseSchema } from '@core/comfy/protocol/http-schemas';
import { readFixture, startFakeComfy, type FakeComfy } from './index';
import { call, queue, trivialGraph } from './test-helpers';
import { WsRecorder } from './ws-recorder';

let fake: FakeComfy;

beforeAll(async () => {
  fake = await startFakeComfy({
    models: {
      checkpoints: ['model.safetensors', 'sub/other.ckpt'],
      upscale_models: ['4x.pth'],
      clip_vision: ['vision.safetensors'],
      text_encoders: ['t5.safetensors'],
      vae: ['ae.safetensors'],
    },
  });
});

afterAll(async () => {
  await fake.close();
});

async function upload(
  bytes: Buffer,
  name: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${fake.url}/api/upload/image`, { method: 'POST', body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

interface ErrorBody {
  error: { type: string; message: string; details: string; extra_info: Record<string, unknown> };
  node_errors: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }>;
}

/** A 400 answer: checked against the client's schema, returned raw for exact assertions. */
async function errorOf(prompt: unknown, extra: Record<string, unknown> = {}): Promise<ErrorBody> {
  const res = await call(fake, 'POST', '/api/prompt', { prompt, ...extra });
  expect(res.status).toBe(400);
  expect(PromptErrorBodySchema.safeParse(res.json).success).toBe(true);
  return res.json as ErrorBody;
}

describe('routes', () => {
  it('answers at /x and /api/x; /internal has no /api alias; unknown paths 404, wrong methods 405', async () => {
    expect((await call(fake, 'GET', '/features')).json).toEqual({
      supports_preview_metadata: true,
      max_upload_size: 104857600,
    });
    expect((await call(fake, 'GET', '/api/features')).status).toBe(200);
    expect((await call(fake, 'PATCH', '/api/internal/logs/subscribe', { clientId: 'a', enabled: true })).status).toBe(
      404,
    );
    expect((await call(fake, 'GET', '/api/nope')).status).toBe(404);
    expect((await call(fake, 'DELETE', '/api/prompt')).status).toBe(405);
  });

  it('refuses a browser Origin that differs from Host (403), accepts the same origin', async () => {
    const other = await fetch(`${fake.url}/api/system_stats`, { headers: { origin: 'http://localhost:5173' } });
    expect(other.status).toBe(403);
    const same = await fetch(`${fake.url}/api/system_stats`, { headers: { origin: fake.url } });
    expect(same.status).toBe(200);
  });
});

describe('413 over the max upload size', () => {
  it('limits every request body and reports the limit in /features and the feature_flags reply', async () => {
    fake.setScript({ maxUploadSize: 2048 });
    try {
      const big = { prompt: trivialGraph(), client_id: 'x', extra_data: { pad: 'x'.repeat(4096) } };
      const res = await call(fake, 'POST', '/api/prompt', big);
      expect(res.status).toBe(413);
      expect(res.text).toContain('2048');
      expect((await upload(Buffer.alloc(5000, 1), 'big.png')).status).toBe(413);
      expect((await call(fake, 'GET', '/api/features')).json).toEqual({
        supports_preview_metadata: true,
        max_upload_size: 2048,
      });
      const ws = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=ff`, { featureFlags: true });
      const reply = ws.frames.find((f) => f.type === 'feature_flags');
      expect(reply?.kind === 'text' && reply.raw['data']).toEqual({
        supports_preview_metadata: true,
        max_upload_size: 2048,
      });
      await ws.close();
      expect(fake.prompts.filter((p) => p.extraData['pad'])).toEqual([]);
    } finally {
      fake.setScript({ maxUploadSize: 100 * 1024 * 1024 });
    }
  });
});

describe('POST /upload/image', () => {
  const a = Buffer.from('first image bytes');
  const b = Buffer.from('other image bytes');

  it('renames on clash, reuses the name for identical bytes, honours overwrite, subfolder and type', async () => {
    expect(await upload(a, 'photo.png')).toEqual({
      status: 200,
      body: { name: 'photo.png', subfolder: '', type: 'input' },
    });
    expect((await upload(a, 'photo.png')).body).toMatchObject({ name: 'photo.png' });
    expect((await upload(b, 'photo.png')).body).toMatchObject({ name: 'photo (1).png' });
    expect((await upload(Buffer.from('third'), 'photo.png')).body).toMatchObject({ name: 'photo (2).png' });
    expect((await upload(b, 'photo.png', { overwrite: 'true' })).body).toMatchObject({ name: 'photo.png' });
    const sub = await upload(a, 'photo.png', { subfolder: 'sub', type: 'input' });
    expect(UploadResponseSchema.parse(sub.body)).toEqual({ name: 'photo.png', subfolder: 'sub', type: 'input' });
    expect((await upload(a, 'mask.png', { type: 'temp' })).body).toMatchObject({ type: 'temp' });
    expect((await upload(a, 'x.png', { type: 'bogus' })).status).toBe(500);
    expect((await upload(a, 'x.png', { subfolder: '../../escape' })).status).toBe(400);
    const noImage = new FormData();
    noImage.append('overwrite', 'true');
    expect((await fetch(`${fake.url}/upload/image`, { method: 'POST', body: noImage })).status).toBe(400);
    expect(fake.uploads.map((u) => u.name).slice(0, 5)).toEqual([
      'photo.png',
      'photo.png',
      'photo (1).png',
      'photo (2).png',
      'photo.png',
    ]);
    // The uploaded files are what /view serves and LoadImage accepts.
    const view = await fetch(`${fake.url}/api/view?filename=photo.png&type=input&subfolder=sub`);
    expect(Buffer.from(await view.arrayBuffer())).toEqual(a);
    const info = (await call(fake, 'GET', '/api/object_info/LoadImage')).json as {
      LoadImage: { input: { required: { image: [string[]] } } };
    };
    expect(info.LoadImage.input.required.image[0]).toEqual(['photo (1).png', 'photo (2).png', 'photo.png']);
    const load = {
      '1': { class_type: 'LoadImage', inputs: { image: 'sub/photo.png' } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'li' } },
    };
    const { prompt_id } = await queue(fake, load);
    expect(await fake.waitForDone(prompt_id)).toBe('success');
    const missing = await errorOf({ ...load, '1': { class_type: 'LoadImage', inputs: { image: 'none.png' } } });
    expect(missing.node_errors).toMatchObject({ '1': { errors: [{ type: 'custom_validation_failed' }] } });
  });
});

describe('GET /view', () => {
  it('streams the real PNG of a run, sized from EmptyLatentImage-like inputs; 404/400/403 as the server', async () => {
    const graph = trivialGraph(7, 'runs/view');
    graph['1']!.inputs['width'] = 96;
    graph['1']!.inputs['height'] = 40;
    const { prompt_id } = await queue(fake, graph, { client_id: 'nobody' });
    await fake.waitForDone(prompt_id);
    const ref = fake.history(prompt_id)!.outputs['3']!['images'] as {
      filename: string;
      subfolder: string;
      type: string;
    }[];
    expect(ref).toEqual([{ filename: 'view_00001_.png', subfolder: 'runs', type: 'output' }]);
    const res = await fetch(`${fake.url}/api/view?filename=view_00001_.png&subfolder=runs&type=output`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('filename="view_00001_.png"');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 96, 40]);
    const jpeg = await fetch(`${fake.url}/view?filename=view_00001_.png [output]&subfolder=runs&preview=jpeg;50`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()).format).toBe('jpeg');
    expect((await fetch(`${fake.url}/view?filename=nope.png`)).status).toBe(404);
    expect((await fetch(`${fake.url}/view`)).status).toBe(404);
    expect((await fetch(`${fake.url}/view?filename=../x.png`)).status).toBe(400);
    expect((await fetch(`${fake.url}/view?filename=a.png&type=models`)).status).toBe(400);
    expect((await fetch(`${fake.url}/view?filename=a.png&subfolder=../../..`)).status).toBe(403);
  });
});

describe('object_info, models, system_stats', () => {
  it('serves the fixture with model combos filled from the models option', async () => {
    const all = (await call(fake, 'GET', '/api/object_info')).json as Record<
      string,
      { input: { required: Record<string, unknown[]> } }
    >;
    expect(Object.keys(all)).toHaveLength(497);
    expect(all['CheckpointLoaderSimple']!.input.required['ckpt_name']![0]).toEqual([
      'model.safetensors',
      'sub/other.ckpt',
    ]);
    expect(all['UpscaleModelLoader']!.input.required['model_name']![1]).toMatchObject({ options: ['4x.pth'] });
    expect(all['CLIPVisionLoader']!.input.required['clip_name']![0]).toEqual(['vision.safetensors']);
    expect(all['CLIPLoader']!.input.required['clip_name']![0]).toEqual(['t5.safetensors']);
    expect(all['VAELoader']!.input.required['vae_name']![0]).toEqual(['ae.safetensors', 'pixel_space']);
    expect(all['LoraLoader']!.input.required['lora_name']![0]).toEqual([]);
    expect((await call(fake, 'GET', '/api/object_info/NoSuchNode')).json).toEqual({});
    expect(Object.keys((await call(fake, 'GET', '/object_info/KSampler')).json as object)).toEqual(['KSampler']);
    fake.setModels({ loras: ['style.safetensors'] });
    const lora = (await call(fake, 'GET', '/api/object_info/LoraLoader')).json as Record<
      string,
      { input: { required: Record<string, unknown[]> } }
    >;
    expect(lora['LoraLoader']!.input.required['lora_name']![0]).toEqual(['style.safetensors']);
    expect((await call(fake, 'GET', '/api/models/loras')).json).toEqual(['style.safetensors']);
    expect((await call(fake, 'GET', '/api/models/checkpoints')).json).toEqual([]);
    expect((await call(fake, 'GET', '/api/models/unet')).status).toBe(404);
    expect((await call(fake, 'GET', '/api/models')).json).toContain('diffusion_models');
  });

  it('serves system_stats from the fixture, with scriptable devices', async () => {
    const raw = (await call(fake, 'GET', '/api/system_stats')).json;
    expect(raw).toEqual(readFixture('system_stats.json'));
    const stats = SystemStatsSchema.parse(raw);
    expect(stats.devices[0]).toMatchObject({ name: 'cpu', type: 'cpu', index: null });
    const gpu = {
      name: 'cuda:0 Fake GPU',
      type: 'cuda',
      index: 0,
      vram_total: 8e9,
      vram_free: 1e9,
      torch_vram_total: 0,
      torch_vram_free: 0,
    };
    fake.setScript({ devices: [gpu] });
    expect((await call(fake, 'GET', '/system_stats')).json).toMatchObject({ devices: [gpu] });
    fake.setScript({ devices: null });
  });
});

describe('POST /prompt validation', () => {
  it('refuses in the real shapes: no prompt, missing class_type, required input, range, combo, bad link', async () => {
    const noPrompt = await call(fake, 'POST', '/api/prompt', { client_id: 'x' });
    expect(noPrompt).toMatchObject({
      status: 400,
      json: {
        error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
        node_errors: {},
      },
    });
    expect((await errorOf({ '1': { inputs: {} } })).error).toEqual({
      type: 'invalid_prompt',
      message: 'Cannot execute because a node is missing the class_type property.',
      details: "Node ID '#1'",
      extra_info: {},
    });
    const missing = await errorOf({
      ...trivialGraph(),
      '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    });
    expect(missing.node_errors).toEqual({
      '1': {
        errors: [
          {
            type: 'required_input_missing',
            message: 'Required input is missing',
            details: 'color',
            extra_info: { input_name: 'color' },
          },
        ],
        dependent_outputs: ['3'],
        class_type: 'EmptyImage',
      },
    });
    const big = await errorOf({
      ...trivialGraph(),
      '1': { class_type: 'EmptyImage', inputs: { width: 99999, height: 64, batch_size: 1, color: 0 } },
    });
    expect(big.node_errors).toMatchObject({
      '1': {
        errors: [{ type: 'value_bigger_than_max', message: 'Value 99999 bigger than max of 16384', details: 'width' }],
      },
    });
    const scale = {
      ...trivialGraph(),
      '4': { class_type: 'ImageScaleBy', inputs: { image: ['2', 0], upscale_method: 'magic', scale_by: 2 } },
      '3': { class_type: 'SaveImage', inputs: { images: ['4', 0], filename_prefix: 't' } },
    };
    const combo = await errorOf(scale);
    expect(combo.node_errors).toMatchObject({
      '4': {
        errors: [
          {
            type: 'value_not_in_list',
            message: 'Value not in list',
            details: "upscale_method: 'magic' not in ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']",
            extra_info: { input_name: 'upscale_method', received_value: 'magic' },
          },
        ],
      },
    });
    // The output's own error goes into details; an upstream one leaves details "" (http-capture.json).
    const badLink = await errorOf({
      '3': { class_type: 'SaveImage', inputs: { images: ['9', 0], filename_prefix: 't' } },
    });
    expect(badLink.error).toMatchObject({
      type: 'prompt_outputs_failed_validation',
      details: "Exception when validating node: '9'",
    });
    expect(badLink.node_errors).toMatchObject({ '3': { errors: [{ type: 'exception_during_validation' }] } });
    const latent = { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } };
    const mismatch = await errorOf({
      ...trivialGraph(),
      '5': latent,
      '2': { class_type: 'ImageInvert', inputs: { image: ['5', 0] } },
    });
    expect(mismatch.node_errors).toMatchObject({
      '2': {
        errors: [
          {
            type: 'return_type_mismatch',
            message: 'Return type mismatch between linked nodes',
            details: 'image, received_type(LATENT) mismatch input_type(IMAGE)',
            extra_info: { input_name: 'image', received_type: 'LATENT', linked_node: ['5', 0] },
          },
        ],
        dependent_outputs: ['3'],
      },
    });
  });

  it('does not check V3 COMBO values; a 200 may carry node_errors for outputs that failed', async () => {
    const upscale = {
      '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
      '2': { class_type: 'UpscaleModelLoader', inputs: { model_name: 'not-there.pth' } },
      '3': { class_type: 'ImageUpscaleWithModel', inputs: { upscale_model: ['2', 0], image: ['1', 0] } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'up' } },
      '5': { class_type: 'PreviewImage', inputs: { images: ['6', 0] } },
      '6': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 'red' } },
    };
    const res = await call(fake, 'POST', '/api/prompt', { prompt: upscale });
    expect(res.status).toBe(200);
    const body = res.json as { node_errors: Record<string, { class_type: string; dependent_outputs: string[] }> };
    expect(body.node_errors['6']).toMatchObject({ class_type: 'EmptyImage', dependent_outputs: ['5'] });
    expect(fake.prompts.at(-1)?.status).toBe(200);
  });

  it('partial_execution_targets without an output node gives prompt_no_outputs', async () => {
    const err = await errorOf(trivialGraph(), { partial_execution_targets: ['1'] });
    expect(err.error).toEqual({
      type: 'prompt_no_outputs',
      message: 'Prompt has no outputs',
      details: '',
      extra_info: {},
    });
  });
});
