import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '@core/app';
import type { HealthSummary } from '@shared/api/health';
import { startFakeComfy, type FakeComfy } from '../fakes/comfyui';
import { healthUntil, stopCoreAndFake, testCore } from '../helpers/core';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
let core: Core | null = null;
let fake: FakeComfy | null = null;
afterEach(async () => {
  await stopCoreAndFake(core, fake, dirs);
  core = fake = null;
});

describe('core with a configured ComfyUI', () => {
  it('connects one backend per configured URL and the health summary follows it online and offline', async () => {
    fake = await startFakeComfy();
    core = testCore({ dataDir: dirs.make(), env: { COMFYDESK_COMFY_URLS: fake.url } });
    const until = (want: HealthSummary['comfy']['status']) => healthUntil(core!, (h) => h.comfy.status === want);
    const online = until('online');
    await core.start();
    const summary = await online;
    expect(summary.comfy.backends).toHaveLength(1);
    expect(summary.comfy.backends[0]).toMatchObject({ url: fake.url, kind: 'remote', enabled: true, status: 'idle' });
    expect(core.backends.size).toBe(1);
    const offline = until('offline');
    await fake.crash();
    expect((await offline).comfy.backends[0]!.status).toBe('offline');
  });

  it('health.run streams every check with a fix hint and names a missing model', async () => {
    fake = await startFakeComfy();
    core = testCore({ dataDir: dirs.make(), env: { COMFYDESK_COMFY_URLS: fake.url } });
    await core.start();
    expect(core.workflows.list().length).toBeGreaterThanOrEqual(8);
    const streamed: string[] = [];
    core.events.on('health.check', (e) => streamed.push(e.result.id));
    const out = await core.api.call('health.run', {});
    expect(out.url).toBe(fake.url);
    const ids = out.results.map((r) => r.id);
    for (const id of ['api', 'version', 'gpu', 'websocket', 'output-dir', 'queue', 'workflow:sdxl-txt2img'])
      expect(ids).toContain(id);
    expect([...streamed].sort()).toEqual([...ids].sort());
    const sdxl = out.results.find((r) => r.id === 'workflow:sdxl-txt2img')!;
    expect(sdxl.status).toBe('fail');
    const checkpoint = core.workflows
      .get('sdxl-txt2img')!
      .manifest.models.find((m) => m.folder === 'checkpoints')!.default;
    expect(sdxl.details).toContain(checkpoint);
    for (const r of out.results) if (r.status !== 'ok') expect(r.fixHint.length).toBeGreaterThan(0);
  });

  it('health.run without any backend says how to add one', async () => {
    core = testCore({ dataDir: dirs.make() });
    await core.start();
    const res = await core.api.dispatch('health.run', {}, { caller: 'test' });
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/Add its URL in Settings/) },
    });
  });

  it('finds a ComfyUI already running at a usual address and remembers it across restarts', async () => {
    fake = await startFakeComfy();
    const dataDir = dirs.make();
    core = testCore({ dataDir, discoverUrls: ['http://127.0.0.1:9', fake.url] });
    const online = healthUntil(core, (h) => h.comfy.status === 'online');
    await core.start();
    await online;
    expect(core.healthSummary().comfy.backends).toMatchObject([{ url: fake.url, kind: 'local', status: 'idle' }]);
    await core.stop();
    // Next start: nothing is probed, the remembered backend is used.
    core = testCore({ dataDir });
    await core.start();
    expect(core.backends.size).toBe(1);
    expect(core.healthSummary().comfy.backends[0]!.url).toBe(fake.url);
  });
});
