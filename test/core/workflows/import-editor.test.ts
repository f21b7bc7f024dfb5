/**
 * Importing what people actually have: ComfyUI's editor format (a UI save, or the `workflow` chunk of a PNG saved
 * without the API graph), converted with the backend's /object_info; graphs of custom nodes detection does not know
 * by class (parameters found by input name and type, with those inputs' own ranges); node titles kept as labels.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_MAX } from '@shared/params';
import { convertUiGraph } from '@core/workflows/ui-graph';
import { proposeImport } from '@core/workflows/import';
import { detectManifest } from '@core/workflows/detect';
import type { ObjectInfo } from '@core/workflows/object-info';
import { makePng } from '@test/fakes/comfyui/images';
import { fixtureObjectInfo } from './helpers';

const EDITOR = readFileSync(path.join(__dirname, 'fixtures/editor-default.json'), 'utf8');

describe('the editor format, converted with /object_info', () => {
  it('turns the default graph into the API graph ComfyUI runs: widgets by input order, links, reroute, primitive, muted and bypassed nodes', () => {
    const result = convertUiGraph(JSON.parse(EDITOR), fixtureObjectInfo(), 'ComfyUI 0.3.64');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph).toEqual({
      '4': {
        class_type: 'CheckpointLoaderSimple',
        inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' },
        _meta: { title: 'Load Checkpoint' },
      },
      '6': {
        class_type: 'CLIPTextEncode',
        inputs: { text: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,', clip: ['4', 1] },
        _meta: { title: 'Positive Prompt' },
      },
      '7': {
        class_type: 'CLIPTextEncode',
        inputs: { text: 'text, watermark', clip: ['4', 1] },
        _meta: { title: 'Negative Prompt' },
      },
      '5': {
        class_type: 'EmptyLatentImage',
        inputs: { width: 512, height: 512, batch_size: 1 },
        _meta: { title: 'Empty Latent Image' },
      },
      // The seed's "randomize" control value is skipped; steps comes from the primitive node (25, not the 20 kept
      // in the widget); the bypassed LoRA loader hands on the checkpoint's model.
      '3': {
        class_type: 'KSampler',
        inputs: {
          seed: 156680208700286,
          steps: 25,
          cfg: 8,
          sampler_name: 'euler',
          scheduler: 'normal',
          denoise: 1,
          model: ['4', 0],
          positive: ['6', 0],
          negative: ['7', 0],
          latent_image: ['5', 0],
        },
        _meta: { title: 'KSampler' },
      },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] }, _meta: { title: 'VAE Decode' } },
      '9': {
        class_type: 'SaveImage',
        inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] },
        _meta: { title: 'Save Image' },
      },
    });
    expect(result.notes.join(' ')).toContain("Converted from ComfyUI's editor format with ComfyUI 0.3.64's node list");
    expect(result.notes.join(' ')).toContain('2 muted or bypassed nodes were left out');
  });

  it('proposes from an editor JSON and from a PNG holding only the editor graph; labels come from the titles', async () => {
    const info = fixtureObjectInfo();
    const fromJson = proposeImport({ fileName: 'default.json', content: EDITOR }, { objectInfo: info });
    expect(fromJson.ok).toBe(true);
    if (!fromJson.ok) return;
    const p = fromJson.proposal;
    expect(p).toMatchObject({ format: 'ui', container: 'json', fromExport: false });
    const param = (name: string) => p.manifest.parameters.find((x) => x.name === name);
    expect(param('prompt')).toMatchObject({ label: 'Positive Prompt', targets: [{ node: '6', input: 'text' }] });
    expect(param('negative')).toMatchObject({ label: 'Negative Prompt', default: 'text, watermark' });
    expect(param('steps')).toMatchObject({ default: 25 });
    expect(p.manifest.models).toEqual([
      expect.objectContaining({
        label: 'Load Checkpoint',
        folder: 'checkpoints',
        default: 'v1-5-pruned-emaonly.safetensors',
      }),
    ]);

    const png = await makePng(8, 8, 1, 0, { workflow: EDITOR });
    const fromPng = proposeImport(
      { fileName: 'ComfyUI_00042_.png', content: new Uint8Array(png) },
      { objectInfo: info },
    );
    expect(fromPng.ok && fromPng.proposal).toMatchObject({ format: 'ui', container: 'png' });
    expect(fromPng.ok && fromPng.proposal.workflow).toEqual(p.workflow);

    // Without a running ComfyUI to read the node list from: a clear refusal with both ways out.
    const alone = proposeImport({ fileName: 'ComfyUI_00042_.png', content: new Uint8Array(png) });
    expect(alone.ok).toBe(false);
    if (!alone.ok) {
      expect(alone.error.code).toBe('ui_format');
      expect(alone.error.message).toMatch(/only ComfyUI’s editor graph \("workflow"\), not the API graph \("prompt"\)/);
      expect(alone.error.message).toMatch(/start ComfyUI and drop the file again[\s\S]*Export \(API\)/);
    }
  });

  it('refuses subgraphs and names classes the backend lacks', () => {
    const graph = JSON.parse(EDITOR) as { nodes: Array<{ type: string }>; definitions?: unknown };
    const sub = structuredClone(graph);
    sub.nodes[0]!.type = '6f0c8a14-5a5b-4c1e-9d0e-3a2b1c0d9e8f';
    sub.definitions = { subgraphs: [{ id: '6f0c8a14-5a5b-4c1e-9d0e-3a2b1c0d9e8f' }] };
    const s = convertUiGraph(sub, fixtureObjectInfo());
    expect(!s.ok && s.message).toMatch(/subgraphs or group nodes[\s\S]*Export \(API\)/);
    const custom = structuredClone(graph);
    custom.nodes[2]!.type = 'FancyPromptEncoder';
    const c = convertUiGraph(custom, fixtureObjectInfo(), 'ComfyUI at 127.0.0.1:8188');
    expect(!c.ok && c.message).toMatch(/^ComfyUI at 127\.0\.0\.1:8188 does not have the node class FancyPromptEncoder/);
  });
});

describe('parameters on nodes detection does not know by class', () => {
  const acme: ObjectInfo = {
    ...fixtureObjectInfo(),
    AcmeText: {
      input: { required: { text: ['STRING', { multiline: true }] } },
      output: ['STRING'],
      output_node: false,
      display_name: 'Acme Text',
    },
    AcmeRender: {
      input: {
        required: {
          prompt: ['STRING', { forceInput: true }],
          avoid: ['STRING', { forceInput: true }],
          seed: ['INT', { min: 0, max: 4294967295, control_after_generate: true }],
          steps: ['INT', { min: 1, max: 80 }],
          width: ['INT', { min: 64, max: 2048, step: 32 }],
          height: ['INT', { min: 64, max: 2048, step: 32 }],
          style: [['photo', 'anime'], {}],
        },
      },
      output: ['IMAGE'],
      output_node: false,
      display_name: 'Acme Render',
    },
  } as ObjectInfo;
  const graph = {
    '10': { class_type: 'AcmeText', inputs: { text: 'a red fox in snow' }, _meta: { title: 'Describe the scene' } },
    '11': { class_type: 'AcmeText', inputs: { text: 'blurry' }, _meta: { title: 'Negative: avoid' } },
    '12': {
      class_type: 'AcmeRender',
      inputs: { prompt: ['10', 0], avoid: ['11', 0], seed: 7, steps: 30, width: 768, height: 512, style: 'photo' },
      _meta: { title: 'Acme renderer' },
    },
    '13': { class_type: 'SaveImage', inputs: { images: ['12', 0], filename_prefix: 'acme' } },
    '14': { class_type: 'LoadImage', inputs: { image: 'ref.png' }, _meta: { title: 'Style reference' } },
  };

  it('finds the seed (with its own range), steps, the texts (by title) and the size', () => {
    const r = detectManifest(JSON.stringify(graph), { id: 'acme', title: 'Acme', objectInfo: acme });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const byName = Object.fromEntries(r.manifest.parameters.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['prompt', 'negative', 'seed', 'steps', 'width', 'height']);
    expect(byName.prompt).toMatchObject({
      label: 'Describe the scene',
      default: 'a red fox in snow',
      required: true,
      targets: [{ node: '10', input: 'text' }],
    });
    expect(byName.negative).toMatchObject({
      label: 'Negative: avoid',
      default: 'blurry',
      targets: [{ node: '11', input: 'text' }],
    });
    expect(byName.seed).toMatchObject({ type: 'seed', max: 4294967295, targets: [{ node: '12', input: 'seed' }] });
    expect(byName.seed!.max).toBeLessThanOrEqual(SEED_MAX);
    expect(byName.seed!.description).toBe('Sets seed of "Acme renderer".');
    expect(byName.steps).toMatchObject({ min: 1, max: 80, default: 30 });
    expect(byName.width).toMatchObject({ min: 256, max: 2048, step: 32, default: 768 });
    expect(byName.height).toMatchObject({ default: 512, targets: [{ node: '12', input: 'height' }] });
    expect(r.manifest.images).toEqual([expect.objectContaining({ label: 'Style reference', node: '14' })]);
  });

  it('without /object_info, still finds seed, steps, size and a text named like a prompt', () => {
    const bare = {
      '1': { class_type: 'Mystery', inputs: { prompt: 'a castle', noise_seed: 3, steps: 12, width: 640, height: 640 } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'm' } },
    };
    const r = detectManifest(JSON.stringify(bare), { id: 'mystery' });
    expect(r.ok && r.manifest.parameters.map((p) => `${p.name}:${p.targets[0]!.input}`)).toEqual([
      'prompt:prompt',
      'seed:noise_seed',
      'steps:steps',
      'width:width',
      'height:height',
    ]);
  });
});
