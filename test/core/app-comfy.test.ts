import { describe, expect } from 'vitest';
import type { HealthSummary } from '@shared/api/health';
import { healthUntil } from '../helpers/core';
import { it } from '../helpers/fixtures';

describe('core with a configured ComfyUI', () => {
  it('connects one backend per configured URL and the health summary follows it online and offline', async ({
    core,
    comfy,
  }) => {
    const until = (want: HealthSummary['comfy']['status']) => healthUntil(core, (h) => h.comfy.status === want);
    const summary = await until('online');
    expect(summary.comfy.backends).toHaveLength(1);
    expect(summary.comfy.backends[0]).toMatchObject({ url: comfy.url, kind: 'remote', enabled: true, status: 'idle' });
    expect(core.backends.size).toBe(1);
    const offline = until('offline');
    await comfy.crash();
    expect((await offline).comfy.backends[0]!.status).toBe('offline');
  });

  it('health.run streams every check with a fix hint and names a missing model', async ({ core, comfy }) => {
    expect(core.workflows.list().length).toBeGreaterThanOrEqual(8);
    const streamed: string[] = [];
    core.events.on('health.check', (e) => streamed.push(e.result.id));
    const out = await core.api.call('health.run', {});
    expect(out.url).toBe(comfy.url);
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

  it('health.run without any backend says how to get one, with the Settings button, and still checks the app', async ({
    startCore,
  }) => {
    const core = await startCore();
    const out = await core.api.call('health.run', {});
    expect(out).toMatchObject({ backendId: null, url: null });
    expect(out.results[0]).toMatchObject({
      id: 'comfy-found',
      status: 'fail',
      details: expect.stringMatching(/^No ComfyUI found/),
      fixHint: expect.stringMatching(/Settings → ComfyUI/),
      fixes: [{ kind: 'open-settings' }],
    });
    expect(out.results.map((r) => r.id)).toEqual(expect.arrayContaining(['output-dir', 'queue', 'discord-token']));
    expect(out.results.map((r) => r.id)).not.toContain('api');
  });

  it('finds a ComfyUI already running at a usual address and remembers it across restarts', async ({
    comfy,
    dataDir,
    startCore,
  }) => {
    const first = await startCore({
      dataDir,
      discoverUrls: ['http://127.0.0.1:9', comfy.url],
      until: (h) => h.comfy.status === 'online',
    });
    expect(first.healthSummary().comfy.backends).toMatchObject([{ url: comfy.url, kind: 'local', status: 'idle' }]);
    await first.stop();
    // Next start: nothing is probed, the remembered backend is used.
    const second = await startCore({ dataDir });
    expect(second.backends.size).toBe(1);
    expect(second.healthSummary().comfy.backends[0]!.url).toBe(comfy.url);
  });
});
