import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthRegistry, type HealthClient, type HealthContext, type HealthResult } from '@core/health/registry';
import { comfyHealthChecks, comfyHealthRegistry, compareVersions, parseVersion } from '@core/health/comfy-checks';
import { prettyDeviceName } from '@core/comfy/backends/live-info';
import { FakeClock as ManualClock } from '@test/helpers/fake-clock';

const runComfyChecks = (ctx: HealthContext, onResult?: (r: HealthResult) => void): Promise<HealthResult[]> =>
  comfyHealthRegistry().run(ctx, onResult);

const tmpDirs: string[] = [];
afterEach(async () => {
  for (const d of tmpDirs.splice(0)) await fsp.rm(d, { recursive: true, force: true });
});

async function tmpDir(): Promise<string> {
  const d = await fsp.mkdtemp(path.join(os.tmpdir(), 'comfy-health-'));
  tmpDirs.push(d);
  return d;
}

interface StubOpts {
  version?: string;
  devices?: Array<{ name: string; type: string; vram_total?: number; vram_free?: number }>;
  classes?: string[];
  models?: Record<string, string[]>;
  pending?: number;
  unreachable?: boolean;
}

function stubClient(o: StubOpts = {}): HealthClient & { calls: string[] } {
  const calls: string[] = [];
  const down = () => {
    throw new Error('ComfyUI at http://127.0.0.1:9 is not reachable — is it running?');
  };
  return {
    calls,
    ping: async () => {
      calls.push('ping');
      if (o.unreachable) down();
      return { latencyMs: 4 };
    },
    systemStats: async () => {
      calls.push('system_stats');
      return {
        system: { comfyui_version: o.version ?? '0.3.64' },
        devices: o.devices ?? [
          {
            name: 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync',
            type: 'cuda',
            vram_total: 24 * 1024 ** 3,
            vram_free: 20 * 1024 ** 3,
          },
        ],
      };
    },
    objectInfo: async () => {
      calls.push('object_info');
      return Object.fromEntries((o.classes ?? ['KSampler', 'SaveImage', 'CheckpointLoaderSimple']).map((c) => [c, {}]));
    },
    models: async (folder) => {
      calls.push(`models/${folder}`);
      return o.models?.[folder] ?? [];
    },
    getQueue: async () => {
      calls.push('queue');
      return { running: [], pending: Array.from({ length: o.pending ?? 0 }, (_, i) => i) };
    },
  };
}

const sdxl = {
  id: 'sdxl',
  title: 'SDXL text to image',
  nodeClasses: ['CheckpointLoaderSimple', 'KSampler', 'SaveImage'],
  models: [{ folder: 'checkpoints', file: 'sd_xl_base_1.0.safetensors' }],
};

const byId = (rs: HealthResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe('runHealthChecks with a stub client', () => {
  it('runs every built-in check, streams each result and returns them in registration order', async () => {
    const outputDir = path.join(await tmpDir(), 'out');
    const client = stubClient({ models: { checkpoints: ['sd_xl_base_1.0.safetensors'] } });
    const streamed: string[] = [];
    const results = await runComfyChecks(
      { client, url: 'http://gpu:8188', socketConnected: () => true, workflows: [sdxl], outputDir, minFreeBytes: 1 },
      (r) => streamed.push(r.id),
    );
    expect(results.map((r) => r.id)).toEqual([
      'api',
      'version',
      'gpu',
      'websocket',
      'workflow:sdxl',
      'output-dir',
      'queue',
    ]);
    expect([...streamed].sort()).toEqual(results.map((r) => r.id).sort());
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const r = byId(results);
    expect(r.api!.details).toBe('http://gpu:8188 answered in 4 ms.');
    expect(r.version!.details).toBe('ComfyUI 0.3.64.');
    expect(r.gpu!.details).toBe('NVIDIA GeForce RTX 4090 (cuda) with 24.0 GB VRAM, 20.0 GB free.');
    expect(r['workflow:sdxl']!.details).toBe('All 3 node types and 1 model file are present.');
    expect(r['output-dir']!.details).toContain(`${outputDir} is writable`);
    expect(await fsp.readdir(outputDir)).toEqual([]); // the write probe was removed
    expect(r.queue!.details).toBe('Idle: nothing running or waiting.');
    // Shared answers are fetched once per run.
    expect(client.calls.filter((c) => c === 'system_stats')).toHaveLength(1);
    expect(client.calls.filter((c) => c === 'ping')).toHaveLength(1);
  });

  it('leaves out the checks that do not apply (no socket info, no local output dir)', async () => {
    const results = await runComfyChecks({ client: stubClient(), url: 'http://x' });
    expect(results.map((r) => r.id)).toEqual(['api', 'version', 'gpu', 'queue']);
  });

  it('warns for CPU only, an old version and a long queue, each with a fix hint', async () => {
    const results = byId(
      await runComfyChecks({
        client: stubClient({
          version: '0.3.40',
          devices: [{ name: 'cpu', type: 'cpu', vram_total: 1, vram_free: 1 }],
          pending: 30,
        }),
        url: 'http://x',
        socketConnected: () => false,
      }),
    );
    expect(results.gpu).toMatchObject({ status: 'warn', details: expect.stringContaining('CPU only') });
    expect(results.gpu!.fixHint).toContain('--cpu');
    expect(results.version).toMatchObject({ status: 'warn', details: expect.stringContaining('older than 0.3.44') });
    expect(results.version!.fixHint).toContain('Update ComfyUI');
    expect(results.queue).toMatchObject({ status: 'warn', details: '0 running, 30 waiting. That is a long queue.' });
    expect(results.websocket).toMatchObject({ status: 'fail', fixHint: expect.stringContaining('http://x/ws') });
  });

  it("counts ComfyDesk's own waiting jobs in the queue check, offers Resume when paused, and runs without a ComfyUI", async () => {
    const own = { queued: 3, running: 1, paused: false };
    const byId = async (ctx: HealthContext) =>
      Object.fromEntries((await runComfyChecks(ctx)).map((r) => [r.id, r])) as Record<string, HealthResult>;
    const withComfy = await byId({ client: stubClient({ pending: 2 }), url: 'http://x', ownQueue: () => own });
    expect(withComfy.queue).toMatchObject({
      status: 'ok',
      details: 'ComfyUI: 0 running, 2 waiting. ComfyDesk: 3 jobs waiting, 1 on ComfyUI.',
    });
    const long = await byId({
      client: stubClient({ pending: 2 }),
      url: 'http://x',
      ownQueue: () => ({ ...own, queued: 19 }),
    });
    expect(long.queue).toMatchObject({ status: 'warn', details: expect.stringContaining('That is a long queue.') });
    own.paused = true;
    const paused = await byId({ client: stubClient(), url: 'http://x', ownQueue: () => own });
    expect(paused.queue).toMatchObject({ status: 'warn', fixes: [{ kind: 'resume-queue' }] });
    own.paused = false;
    // No ComfyUI: only the app's own checks, and the jobs wait for one.
    const none = await byId({ url: '', ownQueue: () => own, noComfy: { disabled: [] } });
    expect(Object.keys(none).sort()).toEqual(['comfy-found', 'queue']);
    expect(none.queue).toMatchObject({ status: 'warn', details: expect.stringContaining('They wait for a ComfyUI.') });
  });

  it('names missing models and node classes and says where to put the files', async () => {
    const flux = {
      id: 'flux',
      title: 'Flux dev',
      nodeClasses: ['UNETLoader', 'FluxGuidance', 'SaveImage'],
      models: [
        { folder: 'diffusion_models', file: 'flux1-dev.safetensors' },
        { folder: 'text_encoders', file: 'sub\\t5xxl_fp16.safetensors' },
      ],
    };
    const results = byId(
      await runComfyChecks({
        client: stubClient({
          classes: ['UNETLoader', 'SaveImage'],
          models: { text_encoders: ['sub/t5xxl_fp16.safetensors'] },
        }),
        url: 'http://x',
        workflows: [flux],
      }),
    );
    const wf = results['workflow:flux']!;
    expect(wf.title).toBe('Workflow "Flux dev"');
    expect(wf.status).toBe('fail');
    expect(wf.details).toBe(
      'Missing model: flux1-dev.safetensors (diffusion_models). Missing node type: FluxGuidance.',
    );
    expect(wf.fixHint).toContain('Put flux1-dev.safetensors in ComfyUI/models/diffusion_models/.');
    expect(wf.fixHint).toContain('custom nodes');
  });

  it('fails clearly when ComfyUI is unreachable, and the dependent checks point at that', async () => {
    const results = await runComfyChecks({
      client: stubClient({ unreachable: true }),
      url: 'http://127.0.0.1:9',
      workflows: [sdxl],
    });
    const r = byId(results);
    expect(r.api).toMatchObject({ status: 'fail', details: expect.stringContaining('is not reachable') });
    expect(r.api!.fixHint).toContain('Start ComfyUI');
    for (const id of ['version', 'gpu', 'workflow:sdxl', 'queue']) {
      expect(r[id]).toMatchObject({ status: 'fail', fixHint: 'Fix "ComfyUI reachable" first.' });
      expect(r[id]!.details).toMatch(/^Not checked: ComfyUI at http:\/\/127\.0\.0\.1:9 is not reachable/);
    }
  });

  it('reports an output folder that cannot be written, and low free space', async () => {
    const dir = await tmpDir();
    const file = path.join(dir, 'a-file');
    await fsp.writeFile(file, 'x');
    const bad = byId(
      await runComfyChecks({ client: stubClient(), url: 'http://x', outputDir: path.join(file, 'out') }),
    );
    expect(bad['output-dir']).toMatchObject({ status: 'fail', details: expect.stringContaining('Cannot write to') });
    expect(bad['output-dir']!.fixHint).toContain('write access');
    const low = byId(
      await runComfyChecks({
        client: stubClient(),
        url: 'http://x',
        outputDir: dir,
        minFreeBytes: Number.MAX_SAFE_INTEGER,
      }),
    );
    expect(low['output-dir']).toMatchObject({ status: 'warn', details: expect.stringContaining('free on its disk') });
  });
});

describe('HealthRegistry', () => {
  it('turns exceptions and time-outs into fail results; never throws', async () => {
    const clock = new ManualClock();
    const reg = new HealthRegistry();
    reg.register({
      id: 'boom',
      title: 'Boom',
      run: async () => {
        throw new Error('disk exploded');
      },
    });
    reg.register({
      id: 'sync-boom',
      title: 'Sync',
      run: () => {
        throw new TypeError('bad');
      },
    });
    reg.register({ id: 'slow', title: 'Slow', timeoutMs: 5000, run: () => new Promise(() => {}) });
    reg.register({
      id: 'bad-provider',
      expand: () => {
        throw new Error('no manifests');
      },
    });
    const streamed: HealthResult[] = [];
    const running = reg.run({ client: stubClient(), url: 'http://x', clock }, (r) => {
      streamed.push(r);
      throw new Error('listener failure is ignored');
    });
    // Let the immediate ones settle, then run out the clock for the slow one.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(streamed.map((r) => r.id).sort()).toEqual(['bad-provider', 'boom', 'sync-boom']);
    clock.advance(5000);
    const results = await running;
    expect(results.map((r) => [r.id, r.status, r.details])).toEqual([
      ['boom', 'fail', 'disk exploded'],
      ['sync-boom', 'fail', 'bad'],
      ['slow', 'fail', 'The check did not finish within 5 s.'],
      ['bad-provider', 'fail', 'no manifests'],
    ]);
    expect(results[2]!.durationMs).toBe(5000);
  });

  it("takes other parts' checks beside the ComfyUI ones; each registry is its own (no process-wide state)", async () => {
    const registry = new HealthRegistry(comfyHealthChecks);
    expect(registry.ids()).toEqual(comfyHealthChecks.map((c) => c.id));
    const unregister = registry.register({
      id: 'discord',
      title: 'Discord bot',
      appliesTo: (ctx: HealthContext) => ctx.url.startsWith('http'),
      run: async () => ({ status: 'warn', details: 'Not logged in.', fixHint: 'Paste the bot token in Settings.' }),
    });
    expect(() =>
      registry.register({ id: 'discord', title: 'again', run: async () => ({ status: 'ok', details: '' }) }),
    ).toThrow(/already/);
    const results = await registry.run({ client: stubClient(), url: 'http://x' });
    expect(results.at(-1)).toMatchObject({
      id: 'discord',
      title: 'Discord bot',
      status: 'warn',
      fixHint: 'Paste the bot token in Settings.',
    });
    expect(comfyHealthRegistry().ids()).not.toContain('discord');
    unregister();
    expect(registry.ids()).not.toContain('discord');
  });
});

describe('health helpers', () => {
  it('parses and compares versions, and shortens device names', () => {
    expect(parseVersion('0.3.64')).toEqual([0, 3, 64]);
    expect(parseVersion('v0.4')).toEqual([0, 4, 0]);
    expect(parseVersion('abc')).toBeNull();
    expect(compareVersions([0, 3, 40], [0, 3, 44])).toBeLessThan(0);
    expect(compareVersions([0, 10, 0], [0, 3, 44])).toBeGreaterThan(0);
    expect(prettyDeviceName('cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync')).toBe('NVIDIA H100 80GB HBM3');
    expect(prettyDeviceName('mps')).toBe('mps');
  });
});
