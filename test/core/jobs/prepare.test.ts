import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import { buildGraph, findWorkflow, prepareRequest, requirementsOf } from '@core/jobs/prepare';
import { WorkflowRegistry } from '@core/workflows/registry';
import { BUNDLED_DIR } from '../workflows/helpers';

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

describe('prepareRequest', () => {
  it('fixes a random seed once, so the stored parameters rebuild the same graph', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const p = prepareRequest(wf, { prompt: 'a fox', negative: '', params: { seed: -1 }, imageSlots: [] }, () => 0.5);
    expect(p.params.seed).toBe(Math.floor(0.5 * (Number.MAX_SAFE_INTEGER + 1)));
    expect(p.prompt).toBe('a fox');
    expect(p.negative).toMatch(/blurry/); // the manifest's default negative
    const g1 = buildGraph(wf, p.params, [], {}, 'ComfyDesk/j1');
    const g2 = buildGraph(wf, p.params, [], {}, 'ComfyDesk/j1');
    expect(g1).toEqual(g2);
  });

  it('checks the LoRA against the workflow and its strength range', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const ok = prepareRequest(
      wf,
      { prompt: 'x', negative: '', params: { lora: 'style.safetensors', lora_strength: 0.8 }, imageSlots: [] },
      Math.random,
    );
    expect(ok.params.lora).toBe('style.safetensors');
    const req = requirementsOf(wf.manifest, ok.params, {});
    expect(req.models.some((m) => m.folder === 'loras' && m.file === 'style.safetensors')).toBe(true);
    const graph = buildGraph(wf, ok.params, [], {}, 'p');
    expect(Object.values(graph).some((n) => n.inputs.lora_name === 'style.safetensors')).toBe(true);
    const tooStrong = errorOf(() =>
      prepareRequest(
        wf,
        { prompt: 'x', negative: '', params: { lora: 'a', lora_strength: 99 }, imageSlots: [] },
        Math.random,
      ),
    );
    expect(tooStrong.message).toMatch(/lora_strength must be between/);
  });

  it('names missing and extra images of edit workflows', () => {
    const edit = findWorkflow(registry, 'qwen-edit');
    const missing = errorOf(() =>
      prepareRequest(edit, { prompt: 'make it red', negative: '', params: {}, imageSlots: [] }, Math.random),
    );
    expect(missing.code).toBe('bad_request');
    expect(missing.message).toMatch(/is required/);
    const extra = errorOf(() =>
      prepareRequest(edit, { prompt: 'x', negative: '', params: {}, imageSlots: [0, 5] }, Math.random),
    );
    expect(extra.message).toMatch(/at most 1 image/);
    const txt = findWorkflow(registry, 'sdxl-txt2img');
    expect(
      errorOf(() => prepareRequest(txt, { prompt: 'x', negative: '', params: {}, imageSlots: [0] }, Math.random))
        .message,
    ).toMatch(/no images/);
  });

  it('refuses unknown parameters by name', () => {
    const wf = findWorkflow(registry, 'sdxl-txt2img');
    const e = errorOf(() =>
      prepareRequest(wf, { prompt: 'x', negative: '', params: { stpes: 4 }, imageSlots: [] }, Math.random),
    );
    expect(e.issues?.[0]?.path).toBe('params.stpes');
    expect(e.message).toMatch(/unknown parameter 'stpes'/);
  });
});
