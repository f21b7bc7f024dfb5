import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry, type LoadedWorkflow } from '@core/workflows/registry';

import { formatProblem, validateGraph } from '@core/workflows/validate';
import { findInput } from '@core/workflows/object-info';
import { isLink } from '@core/workflows/graph';
import {
  BUNDLED_DIR,
  fixtureObjectInfo,
  modelListsFor,
  resolveAndInject,
  sequenceRandom,
  type RequestOptions,
} from './helpers';

const EXPECTED_IDS = [
  'flux-kontext-edit',
  'flux-txt2img',
  'qwen-edit',
  'qwen-edit-multi',
  'sdxl-txt2img',
  'upscale',
  'upscale-refine',
  'wan22-i2v',
];

/** A representative request per bundled workflow (what a Discord user or the desktop form would send). */
const REQUESTS: Record<string, { params: Record<string, unknown>; options: Omit<RequestOptions, 'random'> }> = {
  'sdxl-txt2img': {
    params: {
      prompt: 'a red fox in snow',
      negative: 'blurry',
      seed: 42,
      steps: 30,
      cfg: 6.5,
      width: 832,
      height: 1216,
      batch_size: 2,
      sampler: 'euler_ancestral',
      scheduler: 'normal',
    },
    options: {},
  },
  'flux-txt2img': {
    params: { prompt: 'a neon city', seed: -1, steps: 24, guidance: 3, width: 1280, height: 768, batch_size: 1 },
    options: { lora: { name: 'style.safetensors', strength: 0.8 } },
  },
  'flux-kontext-edit': {
    params: { prompt: 'make it winter', seed: 7, steps: 28, guidance: 2.5 },
    options: { images: { image1: 'upload_1.png' } },
  },
  'qwen-edit': {
    params: { prompt: 'add a hat', seed: 1, steps: 4, cfg: 1 },
    options: { images: ['in.png'], lora: { name: 'Qwen-Image-Lightning-4steps-V1.0.safetensors' } },
  },
  'qwen-edit-multi': {
    params: { prompt: 'put the cat from image 2 on the sofa of image 1', seed: 3 },
    options: { images: { image1: 'a.png', image2: 'b.png' } },
  },
  upscale: { params: { scale: '8x' }, options: { images: ['small.png'] } },
  'upscale-refine': { params: { scale: '4x', denoise: 0.25, seed: 9, steps: 12 }, options: { images: ['small.png'] } },
  'wan22-i2v': {
    params: {
      prompt: 'waves roll in',
      seed: 11,
      steps: 6,
      frames: 49,
      strength: 0.8,
      width: 832,
      height: 480,
      fps: 24,
    },
    options: { images: { image1: 'start.png' } },
  },
};

describe('bundled workflows', () => {
  let registry: WorkflowRegistry;
  let workflows: LoadedWorkflow[];
  beforeAll(async () => {
    registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
    const errors = await registry.load();
    expect(errors.map((e) => e.message)).toEqual([]);
    workflows = registry.list();
  });

  it('loads every bundled manifest', () => {
    expect(workflows.map((w) => w.manifest.id).sort()).toEqual(EXPECTED_IDS);
    expect(workflows.every((w) => w.source === 'bundled')).toBe(true);
    expect(
      registry
        .byKind('edit')
        .map((w) => w.manifest.id)
        .sort(),
    ).toEqual(['flux-kontext-edit', 'qwen-edit', 'qwen-edit-multi']);
  });

  it('uses only real node classes and real input names of ComfyUI 0.3.64', () => {
    const info = fixtureObjectInfo();
    for (const w of workflows) {
      for (const [id, node] of Object.entries(w.workflow)) {
        const cls = info[node.class_type];
        expect(cls, `${w.manifest.id} node ${id} ${node.class_type}`).toBeDefined();
        for (const name of Object.keys(node.inputs)) {
          expect(findInput(cls!, name), `${w.manifest.id} node ${id} ${node.class_type}.${name}`).toBeDefined();
        }
      }
    }
  });

  it('templates validate against the recorded object_info once their models are installed', () => {
    const info = fixtureObjectInfo();
    const models = modelListsFor(workflows, { loras: ['lora.safetensors'] });
    for (const w of workflows) {
      const report = validateGraph(w.workflow, info, { models });
      expect(report.problems.map(formatProblem), w.manifest.id).toEqual([]);
    }
  });

  it('without the models, validation names every missing model file', () => {
    const info = fixtureObjectInfo();
    const sdxl = registry.get('sdxl-txt2img')!;
    const report = validateGraph(sdxl.workflow, info, {});
    expect(report.ok).toBe(false);
    expect(
      report.problems
        .filter((p) => p.kind === 'missing_model')
        .map((p) => `${p.nodeId}.${p.input}`)
        .sort(),
    ).toEqual(['1.ckpt_name', '2.lora_name']);
  });

  for (const id of EXPECTED_IDS) {
    it(`${id}: injects a representative request into a valid graph and leaves the template alone`, () => {
      const w = registry.get(id)!;
      const before = JSON.stringify(w.workflow);
      const req = REQUESTS[id]!;
      const result = resolveAndInject(w.workflow, w.manifest, req.params, {
        ...req.options,
        random: sequenceRandom([0.25]),
      });
      expect(JSON.stringify(w.workflow)).toBe(before);
      const models = modelListsFor(workflows, { loras: ['style.safetensors'] });
      const report = validateGraph(result.graph, fixtureObjectInfo(), {
        models,
        inputFiles: ['upload_1.png', 'in.png', 'a.png', 'b.png', 'small.png', 'start.png'],
      });
      expect(report.problems.map(formatProblem)).toEqual([]);
      // every given parameter landed in each of its targets (through its transform)
      for (const p of w.manifest.parameters) {
        const given = req.params[p.name];
        if (given === undefined || given === -1) continue;
        for (const t of p.targets) {
          const value = result.graph[t.node]?.inputs[t.input];
          if (t.transform) expect(value, `${p.name} -> ${t.node}.${t.input}`).not.toBeUndefined();
          else expect(value, `${p.name} -> ${t.node}.${t.input}`).toEqual(given);
        }
      }
      for (const out of w.manifest.outputs) expect(result.graph[out.node]).toBeDefined();
      // no link points at a node that is gone
      for (const node of Object.values(result.graph)) {
        for (const v of Object.values(node.inputs)) if (isLink(v)) expect(result.graph[v[0]]).toBeDefined();
      }
    });
  }

  it('injects with defaults only (prompt and images given)', () => {
    const models = modelListsFor(workflows, { loras: ['lora.safetensors'] });
    for (const w of workflows) {
      const params = w.manifest.parameters.some((p) => p.name === 'prompt' && p.required) ? { prompt: 'x' } : {};
      const images = w.manifest.images.filter((i) => i.required).map(() => 'in.png');
      const graph = resolveAndInject(w.workflow, w.manifest, params, { images, random: () => 0.5 }).graph;
      expect(validateGraph(graph, fixtureObjectInfo(), { models }).problems.map(formatProblem), w.manifest.id).toEqual(
        [],
      );
    }
  });
});
