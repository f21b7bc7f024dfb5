/** Health and pool against the fake ComfyUI (test/fakes/comfyui) through the real ComfyClient / ComfyBackend. */
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyBackend } from '@core/comfy/backends/backend';
import { ComfyClient } from '@core/comfy/protocol/client';
import { comfyHealthRegistry } from '@core/health/comfy-checks';
import { healthContextFor, type HealthContext, type HealthResult, type WorkflowNeeds } from '@core/health/registry';
import { BackendPool, type PoolBackend } from '@core/comfy/backends/pool';
import { startFakeComfy, type FakeComfy } from '@test/fakes/comfyui';

const runComfyChecks = (ctx: HealthContext, onResult?: (r: HealthResult) => void): Promise<HealthResult[]> =>
  comfyHealthRegistry().run(ctx, onResult);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function fake(models: Record<string, string[]>): Promise<FakeComfy> {
  const f = await startFakeComfy({ models });
  cleanups.push(() => f.close());
  return f;
}

async function onlineBackend(f: FakeComfy, id = 'local'): Promise<ComfyBackend> {
  const backend = new ComfyBackend({ id, url: f.url, clientId: `health-${id}` });
  cleanups.push(() => backend.stop());
  const online = new Promise<void>((resolve) => {
    const off = backend.on('status', (s) => {
      if (s === 'idle' || s === 'busy') {
        off();
        resolve();
      }
    });
  });
  backend.start();
  await online;
  return backend;
}

const sdxl: WorkflowNeeds = {
  id: 'sdxl',
  title: 'SDXL',
  nodeClasses: ['CheckpointLoaderSimple', 'CLIPTextEncode', 'KSampler', 'VAEDecode', 'SaveImage'],
  models: [{ folder: 'checkpoints', file: 'sd_xl_base_1.0.safetensors' }],
};
const flux: WorkflowNeeds = {
  id: 'flux',
  title: 'Flux dev',
  nodeClasses: ['UNETLoader', 'DualCLIPLoader', 'FluxGuidance', 'SamplerCustomAdvanced', 'SaveImage'],
  models: [
    { folder: 'diffusion_models', file: 'flux1-dev.safetensors' },
    { folder: 'text_encoders', file: 't5xxl_fp16.safetensors' },
  ],
};

const byId = (rs: HealthResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe('health against the fake ComfyUI', () => {
  it('returns every check with a fix hint where needed, and names the missing model', async () => {
    const f = await fake({ checkpoints: ['sd_xl_base_1.0.safetensors'], text_encoders: ['t5xxl_fp16.safetensors'] });
    const backend = await onlineBackend(f);
    const streamed: HealthResult[] = [];
    const results = await runComfyChecks(
      healthContextFor(backend, { workflows: [sdxl, flux], outputDir: `${f.dataDir}/output`, minFreeBytes: 1 }),
      (r) => streamed.push(r),
    );
    expect(streamed).toHaveLength(results.length);
    expect(results.map((r) => r.id)).toEqual([
      'api',
      'version',
      'gpu',
      'websocket',
      'workflow:sdxl',
      'workflow:flux',
      'output-dir',
      'queue',
    ]);
    for (const r of results) {
      expect(typeof r.details).toBe('string');
      expect(r.details.length).toBeGreaterThan(0);
      if (r.status !== 'ok') expect(r.fixHint.length).toBeGreaterThan(0);
    }
    const r = byId(results);
    expect(r.api!.status).toBe('ok');
    expect(r.version).toMatchObject({ status: 'ok', details: 'ComfyUI 0.3.64.' });
    // The recorded server ran with --cpu.
    expect(r.gpu).toMatchObject({ status: 'warn', details: expect.stringContaining('CPU only') });
    expect(r.websocket!.status).toBe('ok');
    expect(r['workflow:sdxl']!.status).toBe('ok');
    expect(r['workflow:flux']).toMatchObject({
      status: 'fail',
      details: 'Missing model: flux1-dev.safetensors (diffusion_models).',
    });
    expect(r['workflow:flux']!.fixHint).toContain('ComfyUI/models/diffusion_models/');
    expect(r['output-dir']!.status).toBe('ok');
    expect(r.queue).toMatchObject({ status: 'ok', details: 'Idle: nothing running or waiting.' });
  });

  it('reports the GPU the server reports', async () => {
    const f = await fake({});
    f.setScript({
      devices: [
        {
          name: 'cuda:0 NVIDIA GeForce RTX 3090 : cudaMallocAsync',
          type: 'cuda',
          index: 0,
          vram_total: 24 * 1024 ** 3,
          vram_free: 23 * 1024 ** 3,
          torch_vram_total: 0,
          torch_vram_free: 0,
        },
      ],
    });
    const client = new ComfyClient({ url: f.url });
    cleanups.push(() => client.close());
    const r = byId(await runComfyChecks({ client, url: client.url }));
    expect(r.gpu).toMatchObject({
      status: 'ok',
      details: 'NVIDIA GeForce RTX 3090 (cuda) with 24.0 GB VRAM, 23.0 GB free.',
    });
  });

  it('fails clearly when ComfyUI is unreachable', async () => {
    const f = await fake({});
    const client = new ComfyClient({ url: f.url, timeouts: { connectMs: 1000, headersMs: 2000 } });
    cleanups.push(() => client.close());
    await f.crash();
    const results = await runComfyChecks({ client, url: client.url, workflows: [sdxl] });
    const r = byId(results);
    expect(r.api!.status).toBe('fail');
    expect(r.api!.details).toContain(`No answer from ${client.url}`);
    expect(r.api!.fixHint).toContain('Start ComfyUI');
    for (const id of ['version', 'gpu', 'workflow:sdxl', 'queue']) {
      expect(r[id]).toMatchObject({ status: 'fail', fixHint: 'Fix "ComfyUI reachable" first.' });
    }
  });
});

describe('pool with real backends on fakes', () => {
  it('learns capabilities when backends come online and picks the one with the model', async () => {
    const a = await fake({ checkpoints: ['sd_xl_base_1.0.safetensors'] });
    const b = await fake({ diffusion_models: ['flux1-dev.safetensors'], text_encoders: ['t5xxl_fp16.safetensors'] });
    const pool = new BackendPool({ modelFolders: ['checkpoints', 'diffusion_models', 'text_encoders', 'loras'] });
    cleanups.push(async () => pool.dispose());
    const backendA: PoolBackend = await onlineBackend(a, 'a');
    const backendB: PoolBackend = await onlineBackend(b, 'b');
    pool.add(backendA, { kind: 'local', name: 'This PC' });
    pool.add(backendB, { kind: 'remote', name: 'gpu-box' });
    await Promise.all([pool.refresh('a'), pool.refresh('b')]);

    const req = (w: WorkflowNeeds) => ({ nodeClasses: w.nodeClasses, models: w.models });
    expect(pool.pick(req(sdxl))?.id).toBe('a');
    expect(pool.pick(req(flux))?.id).toBe('b');
    const needsBoth = { nodeClasses: ['SaveImage'], models: [...sdxl.models, ...flux.models] };
    expect(pool.pick(needsBoth)).toBeNull();
    const fresh = { now: Date.now(), freshMs: 60_000, launching: false, configured: true };
    expect(pool.place(needsBoth, fresh)).toMatchObject({
      kind: 'never',
      reason:
        'No single ComfyUI has everything (This PC lacks flux1-dev.safetensors and t5xxl_fp16.safetensors; gpu-box lacks sd_xl_base_1.0.safetensors)',
    });
    const missing = { nodeClasses: ['SaveImage'], models: [{ folder: 'loras', file: 'detail.safetensors' }] };
    expect(pool.place(missing, fresh)).toMatchObject({
      kind: 'never',
      reason: 'No ComfyUI has detail.safetensors (loras)',
    });
  });
});
