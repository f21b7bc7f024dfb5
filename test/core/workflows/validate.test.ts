import { describe, expect, it } from 'vitest';
import { formatProblem, validateGraph, type GraphProblem } from '@core/workflows/validate';
import { readInputSpec } from '@core/workflows/object-info';
import { fixtureObjectInfo } from './helpers';

const info = fixtureObjectInfo();
const where = (p: GraphProblem) => `${p.kind} ${p.nodeId ?? '-'} ${p.classType ?? '-'} ${p.input ?? '-'}`;

describe('validateGraph', () => {
  it('passes the model-free smoke graph from the API notes', () => {
    const smoke = {
      1: { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 16711680 } },
      2: { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      3: { class_type: 'ImageScaleBy', inputs: { image: ['2', 0], upscale_method: 'nearest-exact', scale_by: 2.0 } },
      4: { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'smoke' } },
      5: { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    };
    expect(validateGraph(smoke, info)).toEqual({ ok: true, problems: [] });
  });

  it('names every kind of problem at once, each with node id, class and input', () => {
    const graph = {
      1: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'missing.safetensors' } },
      2: { class_type: 'CLIPTextEncode', inputs: { clip: ['1', 1] } },
      3: { class_type: 'EmptyLatentImage', inputs: { width: 8, height: 512.5, batch_size: 1, colour: 3 } },
      4: {
        class_type: 'KSampler',
        inputs: {
          model: ['1', 0],
          seed: 1,
          steps: 20,
          cfg: 7,
          sampler_name: 'warp',
          scheduler: 'karras',
          positive: ['2', 0],
          negative: ['9', 0],
          latent_image: ['1', 5],
          denoise: 2,
        },
      },
      5: { class_type: 'VAEDecode', inputs: { samples: ['2', 0], vae: 'nope' } },
      6: { class_type: 'FancyUpscaler', inputs: { image: ['5', 0] } },
      7: { class_type: 'SaveImage', inputs: { images: ['5', 0], filename_prefix: 42 } },
      8: { class_type: 'LoadImage', inputs: { image: 'cat.png' } },
      9: 'not a node',
    };
    const report = validateGraph(graph, info, {
      models: { checkpoints: ['sd15.safetensors'] },
      inputFiles: ['dog.png'],
    });
    expect(report.ok).toBe(false);
    expect(report.problems.map(where).sort()).toEqual(
      [
        'malformed_node 9 - -',
        'missing_model 1 CheckpointLoaderSimple ckpt_name',
        'missing_input 2 CLIPTextEncode text',
        'out_of_range 3 EmptyLatentImage width',
        'bad_value 3 EmptyLatentImage height',
        'unknown_input 3 EmptyLatentImage colour',
        'not_in_choices 4 KSampler sampler_name',
        'dangling_link 4 KSampler negative',
        'dangling_link 4 KSampler latent_image',
        'out_of_range 4 KSampler denoise',
        'link_type 5 VAEDecode samples',
        'bad_value 5 VAEDecode vae',
        'unknown_class 6 FancyUpscaler -',
        'bad_value 7 SaveImage filename_prefix',
        'not_in_choices 8 LoadImage image',
      ].sort(),
    );
    const text = report.problems.map(formatProblem);
    expect(text).toContain(
      "node 1 (CheckpointLoaderSimple) input ckpt_name: model 'missing.safetensors' is not in checkpoints on this backend",
    );
    expect(text).toContain('node 3 (EmptyLatentImage) input width: 8 is below the minimum 16');
    expect(text).toContain('node 4 (KSampler) input negative: links to node 9, which does not exist');
    expect(text).toContain(
      'node 4 (KSampler) input latent_image: links to output 5 of node 1 (CheckpointLoaderSimple), which has 3 outputs',
    );
    expect(text).toContain(
      'node 5 (VAEDecode) input samples: expects LATENT but is linked to output 0 (CONDITIONING) of node 2 (CLIPTextEncode)',
    );
    expect(text).toContain(
      "node 6 (FancyUpscaler): unknown node class 'FancyUpscaler' (not installed on this backend)",
    );
    expect(text.find((t) => t.startsWith('node 4 (KSampler) input sampler_name'))).toMatch(
      /"warp" is not one of: euler, euler_cfg_pp/,
    );
    expect(report.problems.find((p) => p.kind === 'unknown_input')!.severity).toBe('warning');
  });

  it('reports a graph without an output node', () => {
    const report = validateGraph(
      { 1: { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
      info,
    );
    expect(report.problems.map((p) => p.kind)).toEqual(['no_output']);
  });

  it('accepts models from the lists (Windows separators too), the legacy folder key and upload inputs without a file list', () => {
    const graph = {
      1: { class_type: 'UNETLoader', inputs: { unet_name: 'flux/dev.safetensors', weight_dtype: 'default' } },
      2: { class_type: 'VAELoader', inputs: { vae_name: 'pixel_space' } },
      3: { class_type: 'LoadImage', inputs: { image: 'anything.png' } },
      4: { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: 'x' } },
    };
    expect(validateGraph(graph, info, { models: { diffusion_models: ['flux\\dev.safetensors'] } }).ok).toBe(true);
    expect(validateGraph(graph, info, { models: { unet: ['flux/dev.safetensors'] } }).ok).toBe(true);
    expect(validateGraph(graph, info, {}).problems.map(where)).toEqual(['missing_model 1 UNETLoader unet_name']);
  });

  it('reads V1 and V3 combos, primitives and links', () => {
    expect(readInputSpec('a', [['x', 'y'], {}], true)).toMatchObject({ kind: 'combo', choices: ['x', 'y'] });
    expect(readInputSpec('b', ['COMBO', { options: ['p'] }], false)).toMatchObject({
      kind: 'combo',
      choices: ['p'],
      required: false,
    });
    expect(readInputSpec('c', ['INT', { min: 1, max: 3, step: 1, default: 2 }], true)).toMatchObject({
      kind: 'int',
      min: 1,
      max: 3,
      default: 2,
    });
    expect(readInputSpec('d', ['MODEL'], true)).toMatchObject({ kind: 'link', type: 'MODEL' });
    expect(readInputSpec('e', 'junk', true)).toBeUndefined();
  });

  it('refuses something that is not a graph', () => {
    expect(validateGraph([1, 2], info).problems[0]!.message).toBe('the workflow is not an object of nodes');
  });
});
