/**
 * Execution behaviour of the fake: client_id routing, sampler steps, previews, outputs, scripted failures,
 * caching and node order.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { readPngText, startFakeComfy, type FakeComfy } from './index';
import { call, ksamplerGraph, queue, trivialGraph } from './test-helpers';
import { WsRecorder, data, type Frame } from './ws-recorder';

let fake: FakeComfy;
let c1: WsRecorder;
let c2: WsRecorder;

beforeEach(async () => {
  fake = await startFakeComfy({ models: { checkpoints: ['model.safetensors'] } });
  c1 = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=c1`);
  c2 = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=c2`, { featureFlags: true });
});

afterEach(async () => {
  await c1.close();
  await c2.close();
  await fake.close();
});

const types = (frames: Frame[]): string[] => frames.map((f) => f.type);

async function viewBytes(ref: { filename: string; subfolder: string; type: string }): Promise<Buffer> {
  const q = new URLSearchParams(ref);
  const res = await fetch(`${fake.url}/api/view?${q.toString()}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

function images(promptId: string, node: string): { filename: string; subfolder: string; type: string }[] {
  return fake.history(promptId)!.outputs[node]!['images'] as { filename: string; subfolder: string; type: string }[];
}

describe('client_id routing', () => {
  it('sends per-prompt messages only to the submitter; status goes to everyone', async () => {
    const { prompt_id } = await queue(fake, ksamplerGraph({ steps: 3 }), { client_id: 'c1' });
    await c1.waitForEnd(prompt_id);
    await c2.waitFor(
      (f) =>
        f.type === 'status' &&
        (data(f)['status'] as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining === 0,
      2,
    );
    expect(types(c1.frames)).toContain('progress');
    expect(c1.frames.filter((f) => f.type === 'progress').map((f) => data(f)['value'])).toEqual([1, 2, 3]);
    expect(new Set(types(c2.frames.slice(2)))).toEqual(new Set(['status']));
    expect(fake.prompts.map((p) => p.clientId)).toEqual(['c1']);
  });

  it('without client_id: progress, progress_state and previews go to all; executing/executed are not sent', async () => {
    fake.setScript({ previews: true });
    const { prompt_id } = await queue(fake, ksamplerGraph({ steps: 2 }));
    await fake.waitForDone(prompt_id);
    const last = (r: WsRecorder) =>
      r.waitFor(
        (f) =>
          f.type === 'status' &&
          (data(f)['status'] as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining === 0,
        3,
      );
    await last(c1);
    await last(c2);
    for (const r of [c1, c2]) {
      const t = types(r.frames);
      expect(t.filter((x) => x === 'progress')).toHaveLength(2);
      expect(t).toContain('progress_state');
      // Broadcast previews are legacy event 1, even to a client that sent feature flags.
      expect(t.filter((x) => x === 'binary:PREVIEW_IMAGE')).toHaveLength(2);
      for (const absent of ['executing', 'executed', 'execution_start', 'execution_cached', 'execution_success'])
        expect(t).not.toContain(absent);
    }
    expect(fake.history(prompt_id)?.status.status_str).toBe('success');
  });
});

describe('samplers, previews and outputs', () => {
  it('KSampler graph: steps per node class by script, real PNGs sized from EmptyLatentImage, PNG metadata', async () => {
    fake.setScript({ steps: { KSampler: 6 } });
    const graph = ksamplerGraph({ width: 128, height: 96, batch: 2, seed: 5 });
    const { prompt_id } = await queue(fake, graph, {
      client_id: 'c1',
      extra_data: { extra_pnginfo: { workflow: { nodes: [] } } },
    });
    await c1.waitForEnd(prompt_id);
    const progress = c1.frames
      .filter((f) => f.type === 'progress')
      .map((f) => [data(f)['value'], data(f)['max'], data(f)['node']]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((v) => [v, 6, '3']));
    const refs = images(prompt_id, '9');
    expect(refs.map((r) => r.filename)).toEqual(['ComfyUI_00001_.png', 'ComfyUI_00002_.png']);
    const first = await viewBytes(refs[0]!);
    const meta = await sharp(first).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 96]);
    const texts = readPngText(first);
    expect(JSON.parse(texts['prompt']!)).toEqual(graph);
    expect(JSON.parse(texts['workflow']!)).toEqual({ nodes: [] });
    // Deterministic from the seed: the same graph after a cache reset gives the same pixels.
    await call(fake, 'POST', '/api/free', { unload_models: true, free_memory: true });
    const again = await queue(fake, graph, {
      client_id: 'c1',
      extra_data: { extra_pnginfo: { workflow: { nodes: [] } } },
    });
    await c1.waitForEnd(again.prompt_id);
    const second = await viewBytes(images(again.prompt_id, '9')[0]!);
    expect(await sharp(second).raw().toBuffer()).toEqual(await sharp(first).raw().toBuffer());
    const other = ksamplerGraph({ width: 128, height: 96, seed: 6 });
    const third = await queue(fake, other, { client_id: 'c1' });
    await c1.waitForEnd(third.prompt_id);
    const thirdBytes = await viewBytes(images(third.prompt_id, '9')[0]!);
    expect(await sharp(thirdBytes).raw().toBuffer()).not.toEqual(await sharp(first).raw().toBuffer());
    expect(fake.frees).toEqual([{ unloadModels: true, freeMemory: true }]);
  });

  it('previews: legacy client gets progress then event 1; a feature-flags client gets event 4 then progress', async () => {
    fake.setScript({ previews: true });
    const a = await queue(fake, ksamplerGraph({ steps: 2, seed: 1 }), { client_id: 'c1' });
    await c1.waitForEnd(a.prompt_id);
    const legacy = types(c1.frames).filter((t) => t === 'progress_state' || t === 'progress' || t.startsWith('binary'));
    const ksStart = legacy.indexOf('progress');
    expect(legacy.slice(ksStart - 1, ksStart + 5)).toEqual([
      'progress_state',
      'progress',
      'binary:PREVIEW_IMAGE',
      'progress_state',
      'progress',
      'binary:PREVIEW_IMAGE',
    ]);
    const jpeg = c1.frames.find((f) => f.kind === 'binary')!;
    if (jpeg.kind !== 'binary' || jpeg.frame.kind !== 'preview') throw new Error('no preview');
    expect((await sharp(jpeg.frame.image).metadata()).format).toBe('jpeg');

    const b = await queue(fake, ksamplerGraph({ steps: 2, seed: 2 }), { client_id: 'c2' });
    await c2.waitForEnd(b.prompt_id);
    const meta = types(c2.frames).filter((t) => t === 'progress_state' || t === 'progress' || t.startsWith('binary'));
    const i = meta.indexOf('binary:PREVIEW_IMAGE_WITH_METADATA');
    expect(meta.slice(i - 1, i + 2)).toEqual(['progress_state', 'binary:PREVIEW_IMAGE_WITH_METADATA', 'progress']);
    const f4 = c2.frames.find((f) => f.type === 'binary:PREVIEW_IMAGE_WITH_METADATA')!;
    if (f4.kind !== 'binary' || f4.frame.kind !== 'preview_with_metadata') throw new Error('no metadata preview');
    expect(f4.frame.metadata).toEqual({
      node_id: '3',
      prompt_id: b.prompt_id,
      display_node_id: '3',
      parent_node_id: null,
      real_node_id: '3',
      image_type: 'image/jpeg',
    });
    // c1 did not get c2's previews.
    expect(c1.frames.filter((f) => f.type === 'binary:PREVIEW_IMAGE_WITH_METADATA')).toEqual([]);
  });

  it('SaveAnimatedWEBP writes a real animated WebP; PreviewImage writes to temp', async () => {
    const graph: ApiGraph = {
      '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 24, batch_size: 4, color: 0 } },
      '2': {
        class_type: 'SaveAnimatedWEBP',
        inputs: { images: ['1', 0], filename_prefix: 'anim', fps: 8, lossless: false, quality: 80, method: 'default' },
      },
      '3': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    };
    const { prompt_id } = await queue(fake, graph, { client_id: 'c1' });
    await c1.waitForEnd(prompt_id);
    const executed = c1.frames.filter((f) => f.type === 'executed').map((f) => data(f));
    const anim = executed.find((d) => d['node'] === '2')!['output'] as {
      images: { filename: string; subfolder: string; type: string }[];
      animated: boolean[];
    };
    expect(anim).toEqual({
      images: [{ filename: 'anim_00001_.webp', subfolder: '', type: 'output' }],
      animated: [true],
    });
    const webp = await sharp(await viewBytes(anim.images[0]!), { animated: true }).metadata();
    expect(webp.format).toBe('webp');
    expect(webp.pages).toBeGreaterThan(1);
    const preview = executed.find((d) => d['node'] === '3')!['output'] as {
      images: { filename: string; type: string }[];
    };
    expect(preview.images).toHaveLength(4);
    expect(preview.images[0]!.filename).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
    expect(preview.images[0]!.type).toBe('temp');
    expect(Object.keys(fake.history(prompt_id)!.meta)).toEqual(['2', '3']);
  });

  it('runs nodes output-first (the doc example gives 1, 5, 2, 3, 4)', async () => {
    const graph: ApiGraph = {
      '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 16711680 } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'ImageScaleBy', inputs: { image: ['2', 0], upscale_method: 'nearest-exact', scale_by: 2.0 } },
      '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'smoke' } },
      '5': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    };
    const { prompt_id } = await queue(fake, graph, { client_id: 'c1' });
    await c1.waitForEnd(prompt_id);
    const order = c1.frames
      .filter((f) => f.type === 'executing' && data(f)['node'] !== null)
      .map((f) => data(f)['node']);
    expect(order).toEqual(['1', '5', '2', '3', '4']);
  });
});

describe('scripted failures and caching', () => {
  it('OOM at a sampler step: execution_error with the OOM tip; the nodes that ran stay cached', async () => {
    fake.setScript({ fail: { node: 'KSampler', step: 2, kind: 'oom' } });
    const graph = ksamplerGraph({ steps: 4 });
    const { prompt_id } = await queue(fake, graph, { client_id: 'c1' });
    await c1.waitForEnd(prompt_id);
    const err = data(c1.frames.find((f) => f.type === 'execution_error')!);
    expect(err).toMatchObject({
      prompt_id,
      node_id: '3',
      node_type: 'KSampler',
      exception_type: 'torch.OutOfMemoryError',
    });
    expect(String(err['exception_message'])).toContain('This error means you ran out of memory on your GPU.');
    expect(new Set(err['executed'] as string[])).toEqual(new Set(['4', '5', '6', '7']));
    expect(c1.frames.filter((f) => f.type === 'progress').map((f) => data(f)['value'])).toEqual([1, 2]);
    expect(fake.history(prompt_id)?.status).toMatchObject({ status_str: 'error', completed: false });
    fake.setScript({ fail: null });
    const start = c1.frames.length;
    const again = await queue(fake, graph, { client_id: 'c1' });
    await c1.waitForEnd(again.prompt_id, start);
    const cached = c1.frames.slice(start).find((f) => f.type === 'execution_cached')!;
    expect(new Set(data(cached)['nodes'] as string[])).toEqual(new Set(['4', '5', '6', '7']));
  });

  it('an exception before a non-sampling node finishes, with a scripted message and type', async () => {
    fake.setScript({ fail: { node: '2', message: 'boom', exceptionType: 'ValueError' } });
    const { prompt_id } = await queue(fake, trivialGraph(3), { client_id: 'c1' });
    await c1.waitForEnd(prompt_id);
    const err = data(c1.frames.find((f) => f.type === 'execution_error')!);
    expect(err).toMatchObject({
      node_id: '2',
      node_type: 'ImageInvert',
      exception_type: 'ValueError',
      exception_message: 'boom\n',
      executed: ['1'],
      current_outputs: ['1', '2', '3'],
    });
    expect(err['current_inputs']).toEqual({ image: [expect.stringMatching(/^<object at /)] });
    expect(types(c1.frames)).not.toContain('execution_success');
  });

  it('a fully cached resubmission sends executed with the old filenames; free_memory makes it run again', async () => {
    const first = await queue(fake, trivialGraph(9), { client_id: 'c1' });
    await c1.waitForEnd(first.prompt_id);
    const from = c1.frames.length;
    const again = await queue(fake, trivialGraph(9), { client_id: 'c1' });
    await c1.waitForEnd(again.prompt_id, from);
    expect(images(again.prompt_id, '3')).toEqual(images(first.prompt_id, '3'));
    expect(types(c1.frames.slice(from)).filter((t) => t === 'executing')).toHaveLength(1);
    await call(fake, 'POST', '/api/free', { free_memory: true });
    const from3 = c1.frames.length;
    const third = await queue(fake, trivialGraph(9), { client_id: 'c1' });
    await c1.waitForEnd(third.prompt_id, from3);
    expect(types(c1.frames.slice(from3)).filter((t) => t === 'executing')).toHaveLength(4);
    expect(images(third.prompt_id, '3')[0]!.filename).toBe('t_00002_.png');
  });

  it('slow steps run on timers: the server keeps answering while a prompt runs', async () => {
    fake.setScript({ msPerStep: 20, steps: { KSampler: 5 } });
    const { prompt_id } = await queue(fake, ksamplerGraph(), { client_id: 'c1' });
    await c1.waitFor((f) => f.type === 'progress');
    const q = await call(fake, 'GET', '/api/queue');
    expect((q.json as { queue_running: unknown[][] }).queue_running[0]?.[1]).toBe(prompt_id);
    expect(await fake.waitForDone(prompt_id)).toBe('success');
  });
});
