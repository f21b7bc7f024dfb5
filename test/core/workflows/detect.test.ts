import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry } from '@core/workflows/registry';
import { detectManifest, slugifyId } from '@core/workflows/detect';
import { UI_FORMAT_MESSAGE } from '@core/workflows/graph';
import type { Target, WorkflowManifest } from '@shared/workflow-manifest';
import { BUNDLED_DIR, fixtureObjectInfo } from './helpers';

const targetsOf = (m: WorkflowManifest, name: string): string[] =>
  (m.parameters.find((p) => p.name === name)?.targets ?? []).map((t: Target) => `${t.node}.${t.input}`).sort();
const detected = (graph: unknown, options = {}) => {
  const r = detectManifest(graph, options);
  if (!r.ok) throw new Error(r.error.message);
  return r;
};

let registry: WorkflowRegistry;
beforeAll(async () => {
  registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
});

describe('detectManifest on the bundled graphs (round trip)', () => {
  it('finds the same prompt, negative, seed, size and frame targets, images, outputs, kind and models', () => {
    expect(registry.list()).toHaveLength(8);
    for (const w of registry.list()) {
      const m = w.manifest;
      const r = detected(JSON.stringify(w.workflow), { id: m.id, title: m.title, objectInfo: fixtureObjectInfo() });
      const d = r.manifest;
      for (const name of ['prompt', 'negative', 'seed', 'width', 'height', 'frames', 'batch_size', 'guidance']) {
        expect(targetsOf(d, name), `${m.id} ${name}`).toEqual(targetsOf(m, name));
      }
      // steps: the detected targets are the manifest's value targets (the Wan split points are transforms)
      expect(targetsOf(d, 'steps'), `${m.id} steps`).toEqual(
        (m.parameters.find((p) => p.name === 'steps')?.targets ?? [])
          .filter((t) => !t.transform)
          .map((t) => `${t.node}.${t.input}`)
          .sort(),
      );
      expect(d.kind, m.id).toBe(m.kind);
      expect(d.supportsBatch, m.id).toBe(m.supportsBatch);
      expect(d.outputs, m.id).toEqual(m.outputs);
      expect(d.images.map((i) => i.node).sort(), m.id).toEqual(m.images.map((i) => i.node).sort());
      expect(d.nodeClasses, m.id).toEqual(m.nodeClasses);
      const modelTargets = (x: WorkflowManifest) =>
        x.models.flatMap((mm) => mm.targets.map((t) => `${t.node}.${t.input}`)).sort();
      const loraNode = m.lora ? [`${m.lora.node}.${m.lora.nameInput}`] : [];
      expect(modelTargets(d), m.id).toEqual([...modelTargets(m), ...loraNode].sort());
    }
  });

  it('reads the defaults from the graph and enum choices from object_info', () => {
    const sdxl = registry.get('sdxl-txt2img')!;
    const d = detected(sdxl.workflow, { objectInfo: fixtureObjectInfo() }).manifest;
    const p = (n: string) => d.parameters.find((x) => x.name === n)!;
    expect(p('prompt').default).toBe(sdxl.workflow['3']!.inputs.text);
    expect(p('prompt').required).toBe(true);
    expect(p('steps').default).toBe(25);
    expect(p('sampler').type).toBe('enum');
    expect(p('sampler').choices).toHaveLength(42);
    expect(p('seed').default).toBe(-1);
    const noInfo = detected(sdxl.workflow).manifest;
    expect(noInfo.parameters.find((x) => x.name === 'sampler')!.type).toBe('string');
  });
});

describe('detectManifest on hand-made graphs', () => {
  it('follows links through conditioning nodes (ControlNet apply, guidance) and a KSamplerAdvanced', () => {
    const graph = {
      ckpt: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'dream.safetensors' } },
      pos: { class_type: 'CLIPTextEncode', inputs: { text: 'castle', clip: ['ckpt', 1] } },
      neg: { class_type: 'CLIPTextEncode', inputs: { text: 'ugly', clip: ['ckpt', 1] } },
      cn: { class_type: 'ControlNetLoader', inputs: { control_net_name: 'depth.pth' } },
      img: { class_type: 'LoadImage', inputs: { image: 'depth.png' } },
      apply: {
        class_type: 'ControlNetApplyAdvanced',
        inputs: {
          positive: ['pos', 0],
          negative: ['neg', 0],
          control_net: ['cn', 0],
          image: ['img', 0],
          strength: 1,
          start_percent: 0,
          end_percent: 1,
        },
      },
      zero: { class_type: 'ConditioningSetTimestepRange', inputs: { conditioning: ['apply', 1], start: 0, end: 1 } },
      lat: { class_type: 'EmptyLatentImage', inputs: { width: 768, height: 512, batch_size: 2 } },
      ks: {
        class_type: 'KSamplerAdvanced',
        inputs: {
          model: ['ckpt', 0],
          add_noise: 'enable',
          noise_seed: 5,
          steps: 30,
          cfg: 6,
          sampler_name: 'euler',
          scheduler: 'karras',
          positive: ['apply', 0],
          negative: ['zero', 0],
          latent_image: ['lat', 0],
          start_at_step: 0,
          end_at_step: 10000,
          return_with_leftover_noise: 'disable',
        },
      },
      dec: { class_type: 'VAEDecode', inputs: { samples: ['ks', 0], vae: ['ckpt', 2] } },
      save: { class_type: 'SaveImage', inputs: { images: ['dec', 0], filename_prefix: 'x' } },
      preview: { class_type: 'PreviewImage', inputs: { images: ['dec', 0] } },
    };
    const r = detected(graph, { title: 'My ControlNet Flow!' });
    const m = r.manifest;
    expect(m.id).toBe('my-controlnet-flow');
    expect(targetsOf(m, 'prompt')).toEqual(['pos.text']);
    expect(targetsOf(m, 'negative')).toEqual(['neg.text']);
    expect(targetsOf(m, 'seed')).toEqual(['ks.noise_seed']);
    expect(targetsOf(m, 'steps')).toEqual(['ks.steps']);
    expect(targetsOf(m, 'cfg')).toEqual(['ks.cfg']);
    expect(targetsOf(m, 'width')).toEqual(['lat.width']);
    expect(targetsOf(m, 'denoise')).toEqual([]);
    // the image is only a ControlNet hint: still text to image, with a required image and batches
    expect(m.kind).toBe('txt2img');
    expect(m.images.map((i) => i.node)).toEqual(['img']);
    expect(m.supportsBatch).toBe(true);
    expect(targetsOf(m, 'batch_size')).toEqual(['lat.batch_size']);
    expect(m.outputs).toEqual([{ node: 'save', media: 'image' }]);
    expect(r.notes.join(' ')).toMatch(/PreviewImage/);
    expect(m.models.map((x) => [x.setting, x.folder, x.default])).toEqual([
      ['models.my-controlnet-flow.ckpt_name', 'checkpoints', 'dream.safetensors'],
    ]);
  });

  it('reads CLIPTextEncodeSDXL text inputs, a Flux custom-sampler chain, duplicate loaders and video outputs', () => {
    const sdxl = {
      ck: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
      ck2: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'b.safetensors' } },
      p: {
        class_type: 'CLIPTextEncodeSDXL',
        inputs: {
          text_g: 'g',
          text_l: 'l',
          clip: ['ck', 1],
          width: 1024,
          height: 1024,
          crop_w: 0,
          crop_h: 0,
          target_width: 1024,
          target_height: 1024,
        },
      },
      n: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['ck', 1] } },
      noise: { class_type: 'RandomNoise', inputs: { noise_seed: 1 } },
      guide: { class_type: 'CFGGuider', inputs: { model: ['ck2', 0], positive: ['p', 0], negative: ['n', 0], cfg: 4 } },
      sel: { class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } },
      sch: { class_type: 'BasicScheduler', inputs: { model: ['ck', 0], scheduler: 'simple', steps: 9, denoise: 1 } },
      lat: { class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
      s: {
        class_type: 'SamplerCustomAdvanced',
        inputs: {
          noise: ['noise', 0],
          guider: ['guide', 0],
          sampler: ['sel', 0],
          sigmas: ['sch', 0],
          latent_image: ['lat', 0],
        },
      },
      d: { class_type: 'VAEDecode', inputs: { samples: ['s', 0], vae: ['ck', 2] } },
      w: {
        class_type: 'SaveAnimatedWEBP',
        inputs: { images: ['d', 0], filename_prefix: 'v', fps: 8, lossless: false, quality: 80, method: 'default' },
      },
    };
    const m = detected(sdxl, { id: 'Mixed' }).manifest;
    expect(targetsOf(m, 'prompt')).toEqual(['p.text_g', 'p.text_l']);
    expect(targetsOf(m, 'negative')).toEqual(['n.text']);
    expect(m.parameters.find((p) => p.name === 'prompt')!.required).toBe(true);
    expect(targetsOf(m, 'seed')).toEqual(['noise.noise_seed']);
    expect(targetsOf(m, 'steps')).toEqual(['sch.steps']);
    expect(targetsOf(m, 'cfg')).toEqual(['guide.cfg']);
    expect(targetsOf(m, 'sampler')).toEqual(['sel.sampler_name']);
    expect(targetsOf(m, 'fps')).toEqual(['w.fps']);
    expect(m.outputs).toEqual([{ node: 'w', media: 'video' }]);
    expect(m.kind).toBe('txt2img');
    expect(m.models.map((x) => x.setting).sort()).toEqual(['models.mixed.ckpt_name_ck', 'models.mixed.ckpt_name_ck2']);
  });

  it('Qwen edit negative through TextEncodeQwenImageEdit; Kontext zero-out negative gives no negative', () => {
    const kontext = detected(registry.get('flux-kontext-edit')!.workflow).manifest;
    expect(kontext.parameters.find((p) => p.name === 'negative')).toBeUndefined();
    const qwen = detected(registry.get('qwen-edit')!.workflow).manifest;
    expect(targetsOf(qwen, 'negative')).toEqual(['11.prompt']);
    expect(targetsOf(qwen, 'denoise')).toEqual(['12.denoise']);
  });

  it('follows an encoder text input linked to a string primitive node', () => {
    const graph = {
      s: { class_type: 'PrimitiveStringMultiline', inputs: { value: 'from a primitive' } },
      c: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
      p: { class_type: 'CLIPTextEncode', inputs: { text: ['s', 0], clip: ['c', 1] } },
      n: { class_type: 'CLIPTextEncode', inputs: { text: 'no', clip: ['c', 1] } },
      l: { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
      k: {
        class_type: 'KSampler',
        inputs: {
          model: ['c', 0],
          seed: 1,
          steps: 20,
          cfg: 7,
          sampler_name: 'euler',
          scheduler: 'normal',
          positive: ['p', 0],
          negative: ['n', 0],
          latent_image: ['l', 0],
          denoise: 1,
        },
      },
      d: { class_type: 'VAEDecode', inputs: { samples: ['k', 0], vae: ['c', 2] } },
      o: { class_type: 'SaveImage', inputs: { images: ['d', 0], filename_prefix: 'x' } },
    };
    const m = detected(graph).manifest;
    expect(targetsOf(m, 'prompt')).toEqual(['s.value']);
    expect(m.parameters.find((p) => p.name === 'prompt')!.default).toBe('from a primitive');
  });

  it('refuses a UI-format file with the Export (API) instructions', () => {
    const ui = {
      last_node_id: 9,
      last_link_id: 9,
      nodes: [{ id: 1, type: 'KSampler' }],
      links: [[1, 1, 0, 2, 0, 'MODEL']],
      version: 0.4,
    };
    const r = detectManifest(JSON.stringify(ui));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ui_format');
      expect(r.error.message).toBe(UI_FORMAT_MESSAGE);
      expect(r.error.message).toMatch(/Export \(API\)/);
      expect(r.error.message).toMatch(/Dev mode/i);
    }
  });

  it('refuses malformed JSON, non-graphs, empty graphs and graphs with no output, clearly', () => {
    const bad = (input: unknown) => {
      const r = detectManifest(input);
      if (r.ok) throw new Error('expected a refusal');
      return r.error;
    };
    const json = bad('{"1": {"class_type": "SaveImage", ');
    expect(json.code).toBe('malformed_json');
    expect(json.message).toMatch(/^The file is not valid JSON: /);
    expect(bad('[1,2]').code).toBe('not_api_graph');
    expect(bad({ 1: { class_type: 'SaveImage' } }).message).toMatch(/node 1\.inputs/);
    expect(bad('{}').code).toBe('empty_graph');
    const noOut = bad({ 1: { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } });
    expect(noOut.code).toBe('no_output');
  });

  it('accepts a {prompt: graph} wrapper and a BOM; guesses the upscale kind', () => {
    const graph = {
      1: { class_type: 'LoadImage', inputs: { image: 'x.png' } },
      2: { class_type: 'UpscaleModelLoader', inputs: { model_name: 'RealESRGAN_x4.pth' } },
      3: { class_type: 'ImageUpscaleWithModel', inputs: { upscale_model: ['2', 0], image: ['1', 0] } },
      4: { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'u' } },
    };
    const m = detected(`\uFEFF${JSON.stringify({ prompt: graph, client_id: 'abc' })}`).manifest;
    expect(m.kind).toBe('upscale');
    expect(m.images).toEqual([
      { name: 'image1', label: 'Image 1', node: '1', input: 'image', required: true, detach: [] },
    ]);
    expect(m.models[0]).toMatchObject({ folder: 'upscale_models', default: 'RealESRGAN_x4.pth' });
    expect(m.parameters).toEqual([]);
  });

  it('slugifies ids', () => {
    expect(slugifyId('My Workflow (v2).json')).toBe('my-workflow-v2');
    expect(slugifyId('***')).toBe('imported-workflow');
    expect(slugifyId('a'.repeat(80))).toHaveLength(63);
  });
});
