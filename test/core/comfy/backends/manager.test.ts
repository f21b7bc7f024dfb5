import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import type { BackendStatus } from '@core/comfy/backends/backend';
import type { Requirements } from '@core/comfy/backends/routing';
import { startFakeComfy, type FakeComfy } from '@test/fakes/comfyui';
import { comfyConfig, dirs, makeManager, until, type ManagerHarness } from './helpers';

const fakes: FakeComfy[] = [];
const servers: Server[] = [];
let h: ManagerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  for (const f of fakes.splice(0)) await f.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  dirs.cleanup();
});

async function fake(models: Partial<Record<string, string[]>> = {}): Promise<FakeComfy> {
  const f = await startFakeComfy({ models });
  fakes.push(f);
  return f;
}

/** An HTTP server that answers, but not as ComfyUI. */
async function notComfy(): Promise<string> {
  const s = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('nope');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const statusOf = (m: ManagerHarness, id: string) => m.manager.summaries().find((b) => b.id === id)?.status;
const online = (s: BackendStatus | undefined) => s === 'idle' || s === 'busy';

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('BackendManager: discovery and records', () => {
  it('finds a running ComfyUI, connects it with its version, and does not bring it back after it was removed', async () => {
    const f = await fake();
    h = makeManager({ discoverUrls: ['http://127.0.0.1:9', f.url] });
    const added: string[] = [];
    h.manager.on('added', (b) => added.push(b.url));
    await h.manager.start();
    const summary = await until(h.manager, () =>
      h!.manager.summaries().find((b) => b.status === 'idle' && b.version !== null),
    );
    expect(summary).toMatchObject({ url: f.url, kind: 'local', enabled: true, version: '0.3.64', error: null });
    expect(summary.name).toContain('0.3.64');
    expect(added).toEqual([f.url]);
    expect(h.manager.list().map((b) => b.url)).toEqual([f.url]);
    expect(h.manager.get(summary.id)?.status).toBe('idle');
    expect(h.manager.overallStatus()).toBe('online');

    const removed: string[] = [];
    h.manager.on('removed', (id) => removed.push(id));
    await h.manager.remove(summary.id);
    expect(removed).toEqual([summary.id]);
    expect(h.manager.summaries()).toEqual([]);
    expect(h.manager.list()).toEqual([]);
    expect(h.manager.overallStatus()).toBe('none');
    await h.manager.stop();

    // Next start: the removed address is not taken back even though ComfyUI still runs there.
    const again = h.reopen();
    await again.start();
    await again.stop(); // waits for the discovery to finish
    expect(h.store.backends.list()).toEqual([]);
  });

  it('adds by URL after probing, refuses what is not ComfyUI or not answering, and saves it anyway when forced', async () => {
    const f = await fake();
    h = makeManager();
    await h.manager.start();
    const added = await h.manager.add({ url: `${f.url}/`, name: 'Desk GPU' });
    expect(added).toMatchObject({ name: 'Desk GPU', url: f.url, kind: 'local', enabled: true, version: '0.3.64' });
    await until(h.manager, () => statusOf(h!, added.id) === 'idle');

    expect((await rejection(h.manager.add({ url: f.url }))).code).toBe('conflict');
    expect((await rejection(h.manager.add({ url: 'ftp://x' }))).code).toBe('bad_request');
    const other = await notComfy();
    const wrong = await rejection(h.manager.add({ url: other }));
    expect(wrong.code).toBe('bad_request');
    expect(wrong.message).toMatch(/it is not ComfyUI\. Check the port/);
    const dead = await rejection(h.manager.add({ url: 'http://127.0.0.1:9' }));
    expect(dead.code).toBe('unavailable');
    expect(dead.message).toMatch(/nothing answers there/);

    const forced = await h.manager.add({ url: 'http://10.255.255.1:8188', force: true });
    expect(forced).toMatchObject({ kind: 'remote', version: null, name: '10.255.255.1:8188' });
    expect(h.manager.summaries().map((b) => b.url)).toEqual([f.url, 'http://10.255.255.1:8188']);
  });

  it('disables and enables a backend: it leaves the live list and comes back online', async () => {
    const f = await fake();
    h = makeManager({ config: comfyConfig({ urls: [f.url] }) });
    await h.manager.start();
    const [b] = h.manager.summaries();
    await until(h.manager, () => statusOf(h!, b!.id) === 'idle');

    const statuses: Array<[string, BackendStatus]> = [];
    h.manager.on('status', (id, s) => statuses.push([id, s]));
    const off = await h.manager.setEnabled(b!.id, false);
    expect(off).toMatchObject({ enabled: false, status: 'offline' });
    expect(h.manager.get(b!.id)).toBeUndefined();
    expect(statuses).toEqual([[b!.id, 'offline']]);
    expect(h.manager.overallStatus()).toBe('none');

    await h.manager.setEnabled(b!.id, true);
    await until(h.manager, () => statusOf(h!, b!.id) === 'idle');
    expect(h.manager.get(b!.id)?.url).toBe(f.url);

    // A configured URL cannot be removed here (it would come back at the next start).
    const err = await rejection(h.manager.remove(b!.id));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/COMFYDESK_COMFY_URLS/);
    expect((await rejection(h.manager.setEnabled('nope', true))).code).toBe('not_found');
  });

  it('reports offline when the ComfyUI goes away and online again when it is back', async () => {
    const f = await fake();
    h = makeManager({ config: comfyConfig({ urls: [f.url] }) });
    await h.manager.start();
    const id = h.manager.summaries()[0]!.id;
    await until(h.manager, () => statusOf(h!, id) === 'idle');
    await f.crash();
    await until(h.manager, () => statusOf(h!, id) === 'offline');
    expect(h.manager.overallStatus()).toBe('offline');
    expect(h.manager.summaries()[0]!.error).toMatch(/not reachable|unreachable|refused/i);
    await f.restart();
    await until(h.manager, () => statusOf(h!, id) === 'idle');
  });
});

describe('BackendManager: picking a backend', () => {
  const needs = (file: string): Requirements => ({
    nodeClasses: ['KSampler', 'SaveImage'],
    models: [{ folder: 'checkpoints', file }],
  });

  it('picks an online backend that has the models and explains when none fits', async () => {
    h = makeManager();
    expect(h.manager.place(needs('a.safetensors'))).toMatchObject({ kind: 'wait', reason: 'No ComfyUI is set up' });

    const a = await fake({ checkpoints: ['a.safetensors'] });
    const ab = await fake({ checkpoints: ['a.safetensors', 'b.safetensors'] });
    h = (await h.close(), makeManager({ config: comfyConfig({ urls: [a.url, ab.url] }) }));
    await h.manager.start();
    const ids = h.manager.summaries().map((b) => b.id);
    await until(h.manager, () => ids.every((id) => h!.manager.pool.capabilities(id) !== null));

    // Both fit and are idle: the tie goes to the one added first.
    expect(h.manager.rank(needs('a.safetensors')).map((b) => b.url)).toEqual(h.manager.list().map((b) => b.url));
    expect(h.manager.pick(needs('a.safetensors'))).toBe(h.manager.list()[0]);
    expect(h.manager.pick(needs('b.safetensors'))?.url).toBe(ab.url);
    expect(h.manager.place(needs('b.safetensors'))).toMatchObject({ kind: 'ready' });

    expect(h.manager.pick(needs('c.safetensors'))).toBeNull();
    expect(h.manager.place(needs('c.safetensors'))).toMatchObject({
      kind: 'never',
      reason: 'No ComfyUI has c.safetensors (checkpoints)',
    });
    const custom: Requirements = { nodeClasses: ['VHS_VideoCombine'], models: [] };
    expect(h.manager.place(custom)).toMatchObject({ kind: 'never', reason: expect.stringMatching(/VHS_VideoCombine/) });

    // Everything offline: the explanation names each backend's state.
    await Promise.all([a.crash(), ab.crash()]);
    await until(h.manager, () => ids.every((id) => !online(statusOf(h!, id))));
    expect(h.manager.pick(needs('a.safetensors'))).toBeNull();
    expect(h.manager.place(needs('a.safetensors'))).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/No ComfyUI is online/),
    });

    for (const id of ids) await h.manager.setEnabled(id, false);
    expect(h.manager.place(needs('a.safetensors'))).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/Every ComfyUI is turned off/),
    });
  });

  it('frees VRAM on one backend or on every online one', async () => {
    const f = await fake();
    h = makeManager({ config: comfyConfig({ urls: [f.url] }) });
    expect((await rejection(h.manager.freeVram())).code).toBe('unavailable');
    await h.manager.start();
    const id = h.manager.summaries()[0]!.id;
    await until(h.manager, () => statusOf(h!, id) === 'idle');
    expect(await h.manager.freeVram()).toEqual([id]);
    expect(await h.manager.freeVram(id)).toEqual([id]);
    expect(f.frees).toEqual([
      { unloadModels: true, freeMemory: true },
      { unloadModels: true, freeMemory: true },
    ]);
    expect((await rejection(h.manager.freeVram('nope'))).code).toBe('not_found');
  });
});
