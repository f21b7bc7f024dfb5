import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import { SEED_MAX } from '@shared/params';
import { buildGraph, findWorkflow, requirementsOf } from '@core/jobs/prepare';
import { WorkflowRegistry } from '@core/workflows/registry';
import { drawSeed, resolveParams, seedRange, type ParamsRequest } from '@core/workflows/resolve';
import { BUNDLED_DIR } from './helpers';

const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
beforeAll(async () => {
  await registry.load();
});

const errorOf = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected an error');
};

const request = (more: Partial<ParamsRequest>): ParamsRequest => ({
  prompt: 'x',
  negative: '',
  params: {},
  imageSlots: [],
  ...more,
});
const resolve = (id: string, more: Partial<ParamsRequest>, random: () => number = Math.random, remembered = {}) =>
  resolveParams(findWorkflow(registry, id).manifest, request(more), { random, remembered });

describe('resolveParams: the request resolved once', () => {
  it('draws a random seed once, so the stored values rebuild the same graph', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const p = resolve('sdxl-txt2img', { prompt: 'a fox', params: { seed: -1 } }, () => 0.5);
    expect(p.params.seed).toBe(Math.floor(0.5 * (Number.MAX_SAFE_INTEGER + 1)));
    expect(p.prompt).toBe('a fox');
    expect(p.negative).toMatch(/blurry/); // the manifest's default negative
    const g1 = buildGraph(wf, p, [], 'ComfyDesk/j1');
    const g2 = buildGraph(wf, p, [], 'ComfyDesk/j1');
    expect(g1).toEqual(g2);
  });

  it('draws random seeds inside the range that applies (the spec and the target nodes)', () => {
    const spec = { name: 'seed', type: 'seed' as const, label: 'Seed', min: 10, max: 2147483648 };
    const range = seedRange(spec, { max: 1000 });
    expect(range).toEqual({ min: 10, max: 1000 });
    for (const r of [0, 0.25, 0.999999]) {
      const seed = drawSeed(() => r, range);
      expect(seed).toBeGreaterThanOrEqual(10);
      expect(seed).toBeLessThanOrEqual(1000);
    }
    expect(seedRange({ name: 'seed', type: 'seed', label: 'Seed' }, null)).toEqual({ min: 0, max: SEED_MAX });
  });

  it('resolves the LoRA against the workflow and its strength range', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const ok = resolve('sdxl-txt2img', { lora: { name: 'style.safetensors', strength: 0.8 } });
    expect(ok.lora).toEqual({ name: 'style.safetensors', strength: 0.8 });
    const req = requirementsOf(wf.manifest, ok);
    expect(req.models.some((m) => m.folder === 'loras' && m.file === 'style.safetensors')).toBe(true);
    const graph = buildGraph(wf, ok, [], 'p');
    expect(Object.values(graph).some((n) => n.inputs.lora_name === 'style.safetensors')).toBe(true);
    const tooStrong = errorOf(() => resolve('sdxl-txt2img', { lora: { name: 'a', strength: 99 } }));
    expect(tooStrong.message).toMatch(/LoRA strength must be between/);
    expect(tooStrong.issues?.[0]?.path).toBe('lora.strength');
    // None asked: the remembered LoRA setting, else none (the node is bypassed).
    expect(resolve('sdxl-txt2img', {}).lora).toBeNull();
    const slot = wf.manifest.lora!;
    expect(resolve('sdxl-txt2img', {}, Math.random, { [slot.setting]: 'mine.safetensors' }).lora).toEqual({
      name: 'mine.safetensors',
      strength: slot.strength.default,
    });
    expect(
      resolve('sdxl-txt2img', { lora: null }, Math.random, { [slot.setting]: 'mine.safetensors' }).lora,
    ).toBeNull();
  });

  it('chooses every model file once: the request, else the remembered choice, else the manifest default', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const setting = wf.manifest.models[0]!.setting;
    expect(resolve('sdxl-txt2img', {}).models[setting]).toBe(wf.manifest.models[0]!.default);
    expect(resolve('sdxl-txt2img', {}, Math.random, { [setting]: 'mine.safetensors' }).models[setting]).toBe(
      'mine.safetensors',
    );
    expect(
      resolve('sdxl-txt2img', { models: { [setting]: 'asked.safetensors' } }, Math.random, {
        [setting]: 'mine.safetensors',
      }).models[setting],
    ).toBe('asked.safetensors');
    const unknown = errorOf(() => resolve('sdxl-txt2img', { models: { nope: 'x.safetensors' } }));
    expect(unknown.issues?.[0]?.path).toBe('models.nope');
  });

  it('names missing and extra images of edit workflows', () => {
    const missing = errorOf(() => resolve('qwen-edit', { prompt: 'make it red' }));
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toMatch(/is required/);
    const extra = errorOf(() => resolve('qwen-edit', { imageSlots: [0, 5] }));
    expect(extra.message).toMatch(/takes 1 image \(image1\); image 6 was given/);
    expect(errorOf(() => resolve('sdxl-txt2img', { imageSlots: [0] })).message).toMatch(/no images/);
  });

  it('refuses unknown parameters by name', () => {
    const e = errorOf(() => resolve('sdxl-txt2img', { params: { stpes: 4 } }));
    expect(e.issues?.[0]?.path).toBe('params.stpes');
    expect(e.message).toMatch(/unknown parameter 'stpes'/);
  });
});
