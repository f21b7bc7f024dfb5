import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyBackend, LOST_MESSAGE, type BackendStatus, type JobFailure } from '@core/comfy/backends/backend';
import { ComfyValidationError } from '@core/comfy/protocol/errors';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import type { JobProgress } from '@core/comfy/protocol/progress';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from '@test/fakes/comfyui';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  opts: FakeComfyOptions = {},
): Promise<{ fake: FakeComfy; backend: ComfyBackend; trail: Map<string, JobProgress[]>; statuses: BackendStatus[] }> {
  const fake = await startFakeComfy(opts);
  cleanups.push(() => fake.close());
  const backend = new ComfyBackend({
    id: 'local',
    url: fake.url,
    clientId: 'desk-1',
    socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 10, pollAfterFailures: 50, heartbeatMs: 0 },
  });
  cleanups.push(() => backend.stop());
  const trail = new Map<string, JobProgress[]>();
  backend.on('progress', (id, p) => trail.set(id, [...(trail.get(id) ?? []), p]));
  const statuses: BackendStatus[] = [];
  backend.on('status', (s) => statuses.push(s));
  const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
  backend.start();
  await opened;
  return { fake, backend, trail, statuses };
}

const trivial = (color: number): ApiGraph => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 't' } },
});

const twoSamplers: ApiGraph = {
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'a.safetensors' } },
  '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['1', 1] } },
  '3': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['1', 1] } },
  '4': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '5': {
    class_type: 'KSampler',
    inputs: {
      model: ['1', 0],
      seed: 1,
      steps: 20,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['4', 0],
      denoise: 1,
    },
  },
  '6': {
    class_type: 'KSampler',
    inputs: {
      model: ['1', 0],
      seed: 2,
      steps: 8,
      cfg: 7,
      sampler_name: 'euler',
      scheduler: 'normal',
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['5', 0],
      denoise: 0.5,
    },
  },
  '7': { class_type: 'VAEDecode', inputs: { samples: ['6', 0], vae: ['1', 2] } },
  '8': { class_type: 'SaveImage', inputs: { images: ['7', 0], filename_prefix: 'v' } },
};

function expectMonotonic(trail: JobProgress[]): void {
  for (let i = 1; i < trail.length; i++) expect(trail[i]!.percent).toBeGreaterThanOrEqual(trail[i - 1]!.percent);
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'comfy-backend-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('ComfyBackend against the fake ComfyUI', () => {
  it("runs a job's whole life with exact progress, then collects its PNG", async () => {
    const { fake, backend, trail, statuses } = await setup();
    expect(backend.status).toBe('idle');
    expect(fake.clientIds()).toContain('desk-1');
    const { promptId } = await backend.submit(trivial(1));
    const job = await backend.waitForCompletion(promptId);
    const t = trail.get(promptId)!;
    expectMonotonic(t);
    expect([...new Set(t.map((p) => p.percent))]).toEqual([0, 33, 66, 100]);
    expect(t.at(-1)).toMatchObject({ phase: 'done', percent: 100, ended: true, error: null });
    expect(job.files).toEqual([
      { nodeId: '3', filename: expect.stringMatching(/^t_\d{5}_\.png$/), subfolder: '', type: 'output' },
    ]);
    expect(fake.prompts[0]).toMatchObject({ promptId, clientId: 'desk-1' });

    const files = await backend.collectOutputs(promptId, await tempDir());
    expect(files).toHaveLength(1);
    expect(files[0]!.kind).toBe('image');
    const bytes = await readFile(files[0]!.path);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(files[0]!.bytes).toBe(bytes.length);
    expect(statuses).toContain('busy');
    await fake.waitForIdle();
    await new Promise<void>((r) => (backend.status === 'idle' ? r() : backend.once('status', () => r())));
    expect(backend.status).toBe('idle');
    expect(backend.trackedPrompts).toEqual([]);
  });

  it('two samplers (20 + 8 steps) go monotonically 0 -> 100 with step-weighted percents', async () => {
    const { backend, trail } = await setup({ models: { checkpoints: ['a.safetensors'] } });
    const { promptId } = await backend.submit(twoSamplers);
    await backend.waitForCompletion(promptId);
    const t = trail.get(promptId)!;
    expectMonotonic(t);
    expect(t[0]!.percent).toBe(0);
    expect(t.at(-1)!.percent).toBe(100);
    const each = 28 / 9 / 6; // the 6 non-sampler nodes share 10 %
    const total = 28 / 0.9;
    const pct = (x: number) => Math.floor((100 * x) / total + 1e-9);
    const at = (node: string, step: number) => t.find((p) => p.node?.id === node && p.step?.value === step)!;
    expect(at('5', 10).percent).toBe(pct(4 * each + 10));
    expect(at('5', 10).phase).toBe('sampling');
    expect(at('6', 4).percent).toBe(pct(4 * each + 20 + 4));
    expect(t.find((p) => p.node?.id === '1')?.phase).toBe('loading');
    expect(t.find((p) => p.node?.id === '7')?.phase).toBe('decoding');
    expect(t.find((p) => p.node?.id === '8')?.phase).toBe('saving');
  });

  it('a dropped socket mid-job still completes the job', async () => {
    const { fake, backend } = await setup();
    fake.setScript({ hold: true });
    const reconnected = new Promise<void>((r) => backend.socket.once('reconnected', r));
    const { promptId } = await backend.submit(trivial(2));
    await fake.waitForHeld(promptId);
    const closed = new Promise((r) => backend.socket.once('close', r));
    fake.dropSockets();
    await closed;
    fake.release(promptId);
    const job = await backend.waitForCompletion(promptId);
    expect(job.files).toHaveLength(1);
    await reconnected;
    expect(backend.socketConnected).toBe(true);
    expect(backend.outcomeOf(promptId)?.kind).toBe('completed');
  });

  it('a dropped socket that misses the end: the reconnect re-check finds the result in /history', async () => {
    const { fake, backend } = await setup();
    fake.setScript({ hold: true });
    const { promptId } = await backend.submit(trivial(3));
    await fake.waitForHeld(promptId);
    await backend.socket.stop(); // nobody listening: every message of the end is lost
    fake.release(promptId);
    await fake.waitForDone(promptId);
    const reconnected = new Promise<void>((r) => backend.socket.once('reconnected', r));
    backend.socket.start();
    const job = await backend.waitForCompletion(promptId);
    await reconnected;
    expect(job.files).toHaveLength(1);
    expect(backend.progressOf(promptId)).toBeNull();
  });

  it('a ComfyUI restart mid-job is reported as a clear failure', async () => {
    const { fake, backend } = await setup();
    fake.setScript({ hold: true });
    const { promptId } = await backend.submit(trivial(4));
    await fake.waitForHeld(promptId);
    const failed = new Promise<JobFailure>((r) => backend.on('failed', (id, f) => id === promptId && r(f)));
    await fake.restart();
    const f = await failed;
    expect(f).toEqual({ reason: 'lost', message: LOST_MESSAGE, error: null });
    await expect(backend.waitForCompletion(promptId)).rejects.toThrow('ComfyUI restarted and lost this job.');
  });

  it('cancels a pending prompt (delete) and a running one (interrupt)', async () => {
    const { fake, backend, trail } = await setup();
    fake.setScript({ hold: true });
    const interrupted: string[] = [];
    backend.on('interrupted', (id) => interrupted.push(id));
    const a = await backend.submit(trivial(5));
    const b = await backend.submit(trivial(6));
    await fake.waitForHeld(a.promptId);
    await new Promise<void>((r) => {
      const check = () => (trail.get(b.promptId)?.some((p) => p.queuePosition === 0) ? r() : setTimeout(check, 5));
      check();
    });
    expect(backend.progressOf(b.promptId)).toMatchObject({ phase: 'queued', queuePosition: 0 });

    expect(await backend.cancel(b.promptId)).toBe('deleted');
    expect(fake.deleted.flat()).toContain(b.promptId);
    expect(interrupted).toEqual([b.promptId]);
    await expect(backend.waitForCompletion(b.promptId)).rejects.toThrow('cancelled');

    const done = backend.waitForCompletion(a.promptId).catch((e: Error) => e.message);
    expect(await backend.cancel(a.promptId)).toBe('interrupting');
    expect(await done).toBe('The job was cancelled.');
    expect(interrupted).toEqual([b.promptId, a.promptId]);
    expect(fake.interrupts).toEqual([{ promptId: a.promptId, hit: a.promptId }]);
    expect(trail.get(a.promptId)!.at(-1)).toMatchObject({ phase: 'interrupted', ended: true });
    expect(await backend.cancel('nope')).toBe('not-found');
  });

  it('a refused workflow (400) names the node and the input', async () => {
    const { backend } = await setup();
    const bad: ApiGraph = {
      ...trivial(7),
      '1': { class_type: 'EmptyImage', inputs: { width: 'abc', height: 64, batch_size: 1, color: 0 } },
    };
    const e = (await backend.submit(bad).catch((x: unknown) => x)) as ComfyValidationError;
    expect(e).toBeInstanceOf(ComfyValidationError);
    expect(e.errors[0]).toMatchObject({
      nodeId: '1',
      classType: 'EmptyImage',
      inputName: 'width',
      type: 'invalid_input_type',
    });
    expect(e.message).toContain('node 1 (EmptyImage) input "width"');
    expect(backend.trackedPrompts).toEqual([]);
  });

  it('reports offline when ComfyUI goes away and idle when it is back', async () => {
    const { fake, backend } = await setup();
    const offline = new Promise<void>((r) => backend.on('status', (s) => s === 'offline' && r()));
    await fake.crash();
    await offline;
    expect(backend.socketConnected).toBe(false);
    const idle = new Promise<void>((r) => backend.on('status', (s) => s === 'idle' && r()));
    await fake.restart();
    await idle;
    expect(backend.socketConnected).toBe(true);
  });

  it('falls back to polling /queue + /history when the WebSocket cannot connect, and still completes jobs', async () => {
    const fake = await startFakeComfy();
    cleanups.push(() => fake.close());
    // A proxy that forwards plain HTTP but refuses every WebSocket upgrade.
    const proxy = createServer((req, res) => {
      const up = httpRequest(
        { host: '127.0.0.1', port: fake.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.on('error', () => res.destroy());
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      // The client may reset its side at any time (reconnects, stop): a reset is not a test failure.
      req.on('error', () => up.destroy());
      res.on('error', () => up.destroy());
      req.pipe(up);
    });
    proxy.on('upgrade', (_req, socket) => {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          proxy.closeAllConnections();
          proxy.close(() => r());
        }),
    );
    const backend = new ComfyBackend({
      id: 'proxied',
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      clientId: 'desk-2',
      socket: {
        backoffBaseMs: 10,
        backoffMaxMs: 20,
        backoffMinMs: 5,
        pollAfterFailures: 2,
        pollIntervalMs: 20,
        heartbeatMs: 0,
      },
    });
    cleanups.push(() => backend.stop());
    const statuses: BackendStatus[] = [];
    backend.on('status', (st) => statuses.push(st));
    const polling = new Promise<void>((r) => backend.socket.on('mode', (m) => m === 'polling' && r()));
    backend.start();
    await polling;
    await new Promise<void>((r) =>
      backend.status === 'idle' ? r() : backend.on('status', (st) => st === 'idle' && r()),
    );
    const { promptId } = await backend.submit(trivial(8));
    const job = await backend.waitForCompletion(promptId);
    expect(job.files).toHaveLength(1);
    expect(backend.progressOf(promptId)).toBeNull();
    expect(backend.socketConnected).toBe(false);
    expect(backend.socket.failedAttempts).toBeGreaterThan(2);
    // Once polling answered, socket failures no longer flip the status.
    const afterIdle = statuses.slice(statuses.indexOf('idle'));
    expect(afterIdle.filter((st) => st === 'offline' || st === 'error')).toEqual([]);
  });

  it('shows live previews (metadata form, as negotiated) and the latest one is kept', async () => {
    const { backend, trail } = await setup({ models: { checkpoints: ['a.safetensors'] }, script: { previews: true } });
    const { promptId } = await backend.submit(twoSamplers);
    await backend.waitForCompletion(promptId);
    const withPreview = trail.get(promptId)!.filter((p) => p.preview !== null);
    expect(withPreview.length).toBeGreaterThan(0);
    const first = withPreview[0]!.preview!;
    expect(first.mime).toBe('image/jpeg');
    expect(first.nodeId).toBe('5');
    expect(Buffer.from(first.image).subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('a job whose end arrives before the POST /prompt answer is still completed', async () => {
    const fake = await startFakeComfy();
    cleanups.push(() => fake.close());
    // A proxy that passes WebSocket upgrades straight through but holds every POST /prompt answer back.
    const proxy = createServer((req, res) => {
      const up = httpRequest(
        { host: '127.0.0.1', port: fake.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          const forward = () => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          };
          if (req.method === 'POST' && req.url === '/api/prompt') void endSeen.then(forward);
          else forward();
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    let endSeenResolve: () => void = () => undefined;
    const endSeen = new Promise<void>((r) => (endSeenResolve = r));
    proxy.on('upgrade', (req, socket, head) => {
      const up = connect(fake.port, '127.0.0.1', () => {
        const lines = [
          `${req.method} ${req.url} HTTP/1.1`,
          ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`),
        ];
        up.write(`${lines.join('\r\n')}\r\n\r\n`);
        up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          proxy.closeAllConnections();
          proxy.close(() => r());
        }),
    );
    const backend = new ComfyBackend({
      id: 'slow-post',
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      clientId: 'desk-3',
      newPromptId: () => 'fixed-id-1',
      socket: { heartbeatMs: 0 },
    });
    cleanups.push(() => backend.stop());
    const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
    backend.start();
    await opened;
    const ended: string[] = [];
    backend.on('progress', (id, p) => {
      if (!p.ended) return;
      ended.push(id);
      endSeenResolve(); // only now let the POST /prompt answer through
    });
    const res = await backend.submit(trivial(9));
    expect(res.promptId).toBe('fixed-id-1');
    expect(ended).toContain('fixed-id-1'); // the end was seen before submit() returned
    const job = await backend.waitForCompletion('fixed-id-1');
    expect(job.files).toHaveLength(1);
  });

  it('stop() rejects pending waits with a readable error', async () => {
    const { fake, backend } = await setup();
    fake.setScript({ hold: true });
    const { promptId } = await backend.submit(trivial(10));
    const wait = backend.waitForCompletion(promptId).catch((e: Error) => e.message);
    await fake.waitForHeld(promptId);
    await backend.stop();
    expect(await wait).toMatch(
      /^Stopped watching ComfyUI at http:\/\/127\.0\.0\.1:\d+; the job's result is unknown\.$/,
    );
    expect(backend.status).toBe('offline');
  });
});
