import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry, type LoadedWorkflow } from '@core/workflows/registry';
import { applyTransform } from '@core/workflows/inject';
import { validateGraph, formatProblem } from '@core/workflows/validate';
import { SEED_MAX } from '@shared/params';
import {
  BUNDLED_DIR,
  fixtureObjectInfo,
  modelListsFor,
  RequestError,
  resolveAndInject,
  sequenceRandom,
} from './helpers';

let registry: WorkflowRegistry;
const wf = (id: string): LoadedWorkflow => {
  const w = registry.get(id);
  if (!w) throw new Error(`no workflow ${id}`);
  return w;
};
const issuesOf = (fn: () => unknown): Array<{ param: string; message: string }> => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RequestError);
    return (err as RequestError).issues;
  }
  throw new Error('expected a RequestError');
};
const random = () => 0.5;

beforeAll(async () => {
  registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
});

describe('injectParams: values and ranges', () => {
  it('puts values into their targets, defaults elsewhere', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    const g = injectGraph(workflow, manifest, { prompt: 'a cat', steps: 12, width: 768 }, { random });
    expect(g['3']!.inputs.text).toBe('a cat');
    expect(g['4']!.inputs.text).toBe('blurry, low quality, watermark, text');
    expect(g['6']!.inputs.steps).toBe(12);
    expect(g['5']!.inputs.width).toBe(768);
    expect(g['5']!.inputs.height).toBe(1024);
    expect(g['6']!.inputs.cfg).toBe(7);
  });

  it('names every parameter out of range, all at once', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    const issues = issuesOf(() =>
      injectGraph(
        workflow,
        manifest,
        { prompt: '', steps: 500, cfg: 'lots', width: 1004, sampler: 'magic', colour: 'red', seed: 1.5 },
        { random },
      ),
    );
    const byParam = Object.fromEntries(issues.map((i) => [i.param, i.message]));
    expect(byParam.prompt).toBe('prompt must not be empty');
    expect(byParam.steps).toBe('steps must be at most 100 (got 500)');
    expect(byParam.cfg).toBe('cfg must be a number (got "lots")');
    expect(byParam.width).toBe('width must be a multiple of 8 (got 1004)');
    expect(byParam.sampler).toMatch(/^sampler must be one of euler, .* \(got "magic"\)$/);
    expect(byParam.colour).toMatch(/^unknown parameter 'colour'/);
    expect(byParam.seed).toBe('seed must be a whole number (got 1.5)');
    expect(issues).toHaveLength(7);
  });

  it('requires a prompt where the manifest does', () => {
    const { workflow, manifest } = wf('flux-txt2img');
    expect(issuesOf(() => injectGraph(workflow, manifest, {}, { random }))).toEqual([
      { param: 'prompt', message: 'prompt must not be empty' },
    ]);
  });

  it('accepts numeric strings (Discord modal text) and coerces them', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    const g = injectGraph(workflow, manifest, { prompt: 'x', steps: '18', cfg: ' 4.5 ', seed: '123' }, { random });
    expect(g['6']!.inputs).toMatchObject({ steps: 18, cfg: 4.5, seed: 123 });
  });

  it('never mutates the template, even across many injections', () => {
    const { workflow, manifest } = wf('flux-txt2img');
    const snapshot = structuredClone(workflow);
    injectGraph(workflow, manifest, { prompt: 'a', width: 512 }, { random, lora: null });
    injectGraph(workflow, manifest, { prompt: 'b' }, { random, lora: { name: 'x.safetensors' } });
    expect(workflow).toEqual(snapshot);
  });
});

describe('seeds', () => {
  it('-1 (and the default) draws a seed from the injected random source', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    const a = resolveAndInject(workflow, manifest, { prompt: 'x', seed: -1 }, { random: sequenceRandom([0.5]) });
    expect(a.values.seed).toBe(Math.floor(0.5 * (SEED_MAX + 1)));
    expect(a.graph['6']!.inputs.seed).toBe(a.values.seed);
    const b = resolveAndInject(workflow, manifest, { prompt: 'x' }, { random: sequenceRandom([0]) });
    expect(b.values.seed).toBe(0);
    const c = resolveAndInject(workflow, manifest, { prompt: 'x' }, { random: sequenceRandom([0.999999999999]) });
    expect(c.values.seed).toBeLessThanOrEqual(SEED_MAX);
    expect(Number.isInteger(c.values.seed)).toBe(true);
  });

  it('the same random source gives the same seed; a fixed seed ignores it', () => {
    const { workflow, manifest } = wf('flux-txt2img');
    const one = resolveAndInject(workflow, manifest, { prompt: 'x' }, { random: sequenceRandom([0.123]) });
    const two = resolveAndInject(workflow, manifest, { prompt: 'x' }, { random: sequenceRandom([0.123]) });
    expect(one.values.seed).toBe(two.values.seed);
    expect(one.graph['11']!.inputs.noise_seed).toBe(one.values.seed);
    let calls = 0;
    const fixed = resolveAndInject(workflow, manifest, { prompt: 'x', seed: 99 }, { random: () => (calls++, 0.7) });
    expect(fixed.values.seed).toBe(99);
    expect(calls).toBe(0);
  });

  it('accepts 0 and 2^53-1, refuses 2^53 and other negatives', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    expect(injectGraph(workflow, manifest, { prompt: 'x', seed: 0 }, { random })['6']!.inputs.seed).toBe(0);
    expect(injectGraph(workflow, manifest, { prompt: 'x', seed: SEED_MAX }, { random })['6']!.inputs.seed).toBe(
      SEED_MAX,
    );
    expect(
      issuesOf(() => injectGraph(workflow, manifest, { prompt: 'x', seed: SEED_MAX + 1 }, { random }))[0]!.message,
    ).toMatch(/^seed must be between 0 and 9007199254740991, or -1 for random/);
    expect(issuesOf(() => injectGraph(workflow, manifest, { prompt: 'x', seed: -2 }, { random }))[0]!.param).toBe(
      'seed',
    );
  });
});

describe('models, images, LoRA, batch, transforms', () => {
  it('model files come from settings, falling back to manifest defaults', () => {
    const { workflow, manifest } = wf('flux-txt2img');
    const r = resolveAndInject(
      workflow,
      manifest,
      { prompt: 'x' },
      { random, models: { 'models.flux.unet': 'flux1-schnell.safetensors', 'models.flux.vae': '' } },
    );
    expect(r.graph['1']!.inputs.unet_name).toBe('flux1-schnell.safetensors');
    expect(r.graph['3']!.inputs.vae_name).toBe('ae.safetensors');
    expect(r.graph['2']!.inputs).toMatchObject({
      clip_name1: 'clip_l.safetensors',
      clip_name2: 't5xxl_fp8_e4m3fn.safetensors',
      type: 'flux',
    });
    expect(r.models['models.flux.unet']).toBe('flux1-schnell.safetensors');
  });

  it('images go into LoadImage nodes by name or slot; missing required images are named', () => {
    const { workflow, manifest } = wf('flux-kontext-edit');
    expect(
      injectGraph(workflow, manifest, { prompt: 'x' }, { random, images: { image1: 'up.png' } })['4']!.inputs.image,
    ).toBe('up.png');
    expect(injectGraph(workflow, manifest, { prompt: 'x' }, { random, images: ['slot.png'] })['4']!.inputs.image).toBe(
      'slot.png',
    );
    expect(issuesOf(() => injectGraph(workflow, manifest, { prompt: 'x' }, { random }))).toEqual([
      { param: 'image1', message: 'Image (image1) is required' },
    ]);
    const extra = issuesOf(() =>
      injectGraph(workflow, manifest, { prompt: 'x' }, { random, images: ['a.png', 'b.png'] }),
    );
    expect(extra[0]!.message).toBe("workflow 'flux-kontext-edit' takes 1 image (image1); image 2 was given");
  });

  it('qwen multi-image edit runs with 1, 2 and 3 images, detaching the absent ones', () => {
    const { workflow, manifest } = wf('qwen-edit-multi');
    const info = fixtureObjectInfo();
    const models = modelListsFor([wf('qwen-edit-multi')]);
    const cases: Array<[string[], string[]]> = [
      [['a.png'], ['image1']],
      [
        ['a.png', 'b.png'],
        ['image1', 'image2'],
      ],
      [
        ['a.png', 'b.png', 'c.png'],
        ['image1', 'image2', 'image3'],
      ],
    ];
    for (const [files, wired] of cases) {
      const g = injectGraph(workflow, manifest, { prompt: 'combine' }, { random, images: files, lora: null });
      const enc = g['10']!.inputs;
      expect(['image1', 'image2', 'image3'].filter((k) => k in enc)).toEqual(wired);
      expect(['image1', 'image2', 'image3'].filter((k) => k in g['11']!.inputs)).toEqual(wired);
      const loaders = Object.values(g)
        .filter((n) => n.class_type === 'LoadImage')
        .map((n) => n.inputs.image);
      expect(loaders.sort()).toEqual([...files].sort());
      expect(validateGraph(g, info, { models }).problems.map(formatProblem)).toEqual([]);
    }
  });

  it('LoRA: chosen -> name and strengths set; none -> node bypassed and its links rewired', () => {
    const { workflow, manifest } = wf('sdxl-txt2img');
    const withLora = resolveAndInject(
      workflow,
      manifest,
      { prompt: 'x' },
      { random, lora: { name: 'pixel.safetensors', strength: 0.6 } },
    );
    expect(withLora.graph['2']!.inputs).toMatchObject({
      lora_name: 'pixel.safetensors',
      strength_model: 0.6,
      strength_clip: 0.6,
    });
    expect(withLora.lora).toEqual({ name: 'pixel.safetensors', strength: 0.6 });

    const none = resolveAndInject(workflow, manifest, { prompt: 'x' }, { random });
    expect(none.graph['2']).toBeUndefined();
    expect(none.lora).toBeNull();
    expect(none.graph['6']!.inputs.model).toEqual(['1', 0]);
    expect(none.graph['3']!.inputs.clip).toEqual(['1', 1]);
    expect(none.graph['4']!.inputs.clip).toEqual(['1', 1]);

    const fromSettings = injectGraph(
      workflow,
      manifest,
      { prompt: 'x' },
      { random, models: { 'models.sdxl.lora': 'set.safetensors' } },
    );
    expect(fromSettings['2']!.inputs.lora_name).toBe('set.safetensors');
    expect(
      injectGraph(
        workflow,
        manifest,
        { prompt: 'x' },
        { random, lora: null, models: { 'models.sdxl.lora': 'set.safetensors' } },
      )['2'],
    ).toBeUndefined();

    const kontext = wf('flux-kontext-edit');
    expect(
      issuesOf(() =>
        injectGraph(
          kontext.workflow,
          kontext.manifest,
          { prompt: 'x' },
          { random, images: ['a.png'], lora: { name: 'a' } },
        ),
      ),
    ).toEqual([{ param: 'lora', message: "workflow 'flux-kontext-edit' takes no LoRA" }]);
    expect(
      issuesOf(() => injectGraph(workflow, manifest, { prompt: 'x' }, { random, lora: { name: 'a', strength: 5 } })),
    ).toEqual([{ param: 'lora', message: 'LoRA strength must be between -2 and 2 (got 5)' }]);
  });

  it('batch size where supported; refused where not', () => {
    const sdxl = wf('sdxl-txt2img');
    expect(
      injectGraph(sdxl.workflow, sdxl.manifest, { prompt: 'x', batch_size: 3 }, { random })['5']!.inputs.batch_size,
    ).toBe(3);
    expect(
      issuesOf(() => injectGraph(sdxl.workflow, sdxl.manifest, { prompt: 'x', batch_size: 9 }, { random }))[0]!.message,
    ).toBe('batch_size must be at most 4 (got 9)');
    const kontext = wf('flux-kontext-edit');
    expect(
      issuesOf(() =>
        injectGraph(kontext.workflow, kontext.manifest, { prompt: 'x', batch_size: 2 }, { random, images: ['a.png'] }),
      ),
    ).toEqual([
      { param: 'batch_size', message: "workflow 'flux-kontext-edit' makes one result per run; it has no batch_size" },
    ]);
    expect(() =>
      injectGraph(kontext.workflow, kontext.manifest, { prompt: 'x', batch_size: 1 }, { random, images: ['a.png'] }),
    ).not.toThrow();
  });

  it('transforms: upscale factor through a map, Wan step split through multiply+round', () => {
    const up = wf('upscale');
    for (const [scale, by] of [
      ['2x', 0.5],
      ['4x', 1],
      ['8x', 2],
    ] as const) {
      expect(
        injectGraph(up.workflow, up.manifest, { scale }, { random, images: ['a.png'] })['4']!.inputs.scale_by,
      ).toBe(by);
    }
    expect(
      issuesOf(() => injectGraph(up.workflow, up.manifest, { scale: '3x' }, { random, images: ['a.png'] }))[0]!.message,
    ).toBe('scale must be one of 2x, 4x, 8x (got "3x")');

    const wan = wf('wan22-i2v');
    const g = injectGraph(
      wan.workflow,
      wan.manifest,
      { prompt: 'x', steps: 8, frames: 33, strength: 0.5 },
      { random, images: ['s.png'] },
    );
    expect(g['13']!.inputs).toMatchObject({ steps: 8, end_at_step: 4, start_at_step: 0, add_noise: 'enable' });
    expect(g['14']!.inputs).toMatchObject({ steps: 8, start_at_step: 4, end_at_step: 10000 });
    expect(g['12']!.inputs.length).toBe(33);
    expect(g['3']!.inputs.strength_model).toBe(0.5);
    expect(g['4']!.inputs.strength_model).toBe(0.5);
    expect(
      issuesOf(() =>
        injectGraph(wan.workflow, wan.manifest, { prompt: 'x', frames: 80 }, { random, images: ['s.png'] }),
      )[0]!.message,
    ).toBe('frames must be 5 plus a multiple of 4 (got 80)');

    expect(applyTransform(5, { op: 'multiply', by: 0.5, round: true })).toBe(3);
    expect(applyTransform(5, { op: 'add', value: -1 })).toBe(4);
    expect(applyTransform('job1', { op: 'template', template: 'ComfyDesk/{value}/img' })).toBe('ComfyDesk/job1/img');
    expect(applyTransform('9x', { op: 'map', values: { '2x': 1 } })).toBeUndefined();
  });

  it('filenamePrefix sets every output node prefix', () => {
    const { workflow, manifest } = wf('wan22-i2v');
    const g = injectGraph(
      workflow,
      manifest,
      { prompt: 'x' },
      { random, images: ['s.png'], filenamePrefix: 'ComfyDesk/job-7' },
    );
    expect(g['17']!.inputs.filename_prefix).toBe('ComfyDesk/job-7');
  });
});

describe('requiredModelFiles', () => {
  it('lists the files a run needs, from settings or defaults, with the LoRA when chosen', async () => {
    const { requiredModelFiles, missingModelFiles } = await import('@core/workflows/requirements');
    const { manifest } = wf('flux-txt2img');
    const files = requiredModelFiles(manifest, {
      models: { 'models.flux.unet': 'schnell.safetensors' },
      lora: { name: 'l.safetensors' },
    });
    expect(files.map((f) => `${f.folder}/${f.file}`)).toEqual([
      'diffusion_models/schnell.safetensors',
      'text_encoders/clip_l.safetensors',
      'text_encoders/t5xxl_fp8_e4m3fn.safetensors',
      'vae/ae.safetensors',
      'loras/l.safetensors',
    ]);
    expect(requiredModelFiles(manifest).some((f) => f.folder === 'loras')).toBe(false);
    const missing = missingModelFiles(files, {
      diffusion_models: ['schnell.safetensors'],
      text_encoders: ['clip_l.safetensors', 't5xxl_fp8_e4m3fn.safetensors'],
      vae: ['ae.safetensors'],
    });
    expect(missing.map((f) => f.setting)).toEqual(['models.flux.lora']);
  });
});

/** The graph a request makes (resolved, then injected). */
function injectGraph(...args: Parameters<typeof resolveAndInject>) {
  return resolveAndInject(...args).graph;
}
