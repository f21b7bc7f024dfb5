/**
 * Resuming: after a connection cut and after an app restart (a new core on the same data dir) a download goes on
 * from its part file with Range + If-Range, re-fetching almost nothing; a file changed on the host meanwhile is
 * fetched again whole. Cancel deletes the part; at most two downloads run at once. Waits are on events.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { Content } from '@test/fakes/model-host/content';
import { it } from '@test/helpers/fixtures';
import { catalogEntry, downloadIn, progressAt, startWorld, testTuning } from './harness';

const MB = 1_000_000;

describe('resuming downloads', () => {
  it('goes on after a connection cut, keeping the bytes already written (Range + If-Range through the CDN)', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(
          host.add({ path: '/org/flux/resolve/main/ae.safetensors', size: 8 * MB + 77, viaCdn: true }),
          'vae',
          'ae.safetensors',
        ),
      ],
    });
    const path0 = '/org/flux/resolve/main/ae.safetensors';
    w.host.cutNext(path0, 5 * MB);
    const d = await w.core.api.call('downloads.start', { entry: { folder: 'vae', file: 'ae.safetensors' } });
    const done = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');

    const cdn = w.host.requests.filter((r) => r.server === 'cdn');
    expect(cdn).toHaveLength(2);
    expect(cdn[0]).toMatchObject({ status: 200, range: null, bytes: 5 * MB });
    expect(cdn[1]).toMatchObject({ status: 206, range: `bytes=${5 * MB}-`, ifRange: expect.stringMatching(/^"/) });
    const served = w.host.bytesServed(path0);
    const refetched = served - (8 * MB + 77);
    expect(refetched).toBeLessThanOrEqual(0.05 * 5 * MB);
    expect(statSync(path.join(w.modelsDir, 'vae', 'ae.safetensors')).size).toBe(8 * MB + 77);
  });

  it('resumes from the part file after an app restart (a new core on the same data dir)', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const file = '/org/wan/resolve/main/wan.safetensors';
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(host.add({ path: file, size: 6 * MB + 5 }), 'diffusion_models', 'wan.safetensors'),
      ],
    });
    const dir = path.join(w.modelsDir, 'unet');
    w.host.holdNext(file, 4 * MB);
    const d = await w.core.api.call('downloads.start', {
      entry: { folder: 'diffusion_models', file: 'wan.safetensors' },
    });
    expect(d.dir).toBe(dir);
    await w.host.waitForHeld(file);
    await progressAt(w.core, d.id, 4 * MB);
    await w.core.stop();
    expect(statSync(path.join(dir, 'wan.safetensors.part')).size).toBe(4 * MB);

    // The app starts again: the download goes on by itself, from the part.
    const again = await f.startCore({
      dataDir: w.dataDir,
      comfyUrl: w.comfy.url,
      models: { catalogPath: w.catalogPath, tuning: testTuning(w.host) },
    });
    const done = await downloadIn(again, d.id, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', error: null, bytesDone: 6 * MB + 5 });
    const data = w.host.requests.filter((r) => r.path === file);
    expect(data.map((r) => r.range)).toEqual([null, `bytes=${4 * MB}-`]);
    expect(data[1]!.status).toBe(206);
    expect(w.host.bytesServed(file) - (6 * MB + 5)).toBeLessThanOrEqual(0.05 * 4 * MB);
    expect(readdirSync(dir)).toEqual(['wan.safetensors']);
    // The backend lists it (the folder it reported first is models/unet).
    expect((await again.api.call('models.list', { folder: 'diffusion_models' })).files).toContain('wan.safetensors');
  });

  it('fetches a file again whole when it changed on the host while the app was closed', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f);
    const hosted = w.host.add({ path: '/org/r/resolve/main/lora.safetensors', size: 3 * MB });
    w.host.holdNext(hosted.path, 1 * MB);
    const d = await w.core.api.call('downloads.start', { url: hosted.url, folder: 'loras' });
    await w.host.waitForHeld(hosted.path);
    await progressAt(w.core, d.id, 1 * MB);
    await w.core.stop();
    w.host.change(hosted.path, 424242);

    const again = await f.startCore({
      dataDir: w.dataDir,
      comfyUrl: w.comfy.url,
      models: { catalogPath: w.catalogPath, tuning: testTuning(w.host) },
    });
    expect((await downloadIn(again, d.id, ['done', 'failed'])).state).toBe('done');
    const second = w.host.requests.filter((r) => r.path === hosted.path)[1]!;
    expect(second).toMatchObject({ range: `bytes=${1 * MB}-`, status: 200 });
    const onDisk = readFileSync(path.join(w.modelsDir, 'loras', 'lora.safetensors'));
    const expected = new Content(424242, 3 * MB).sha256();
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(expected);
  });

  it('cancel stops a running download and deletes its part', async ({ startComfy, startCore, tempDir, defer }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const file = '/org/r/resolve/main/x.safetensors';
    const w = await startWorld(f, {
      catalog: (host) => [catalogEntry(host.add({ path: file, size: 5 * MB }), 'checkpoints', 'x.safetensors')],
    });
    w.host.holdNext(file, 2 * MB);
    const d = await w.core.api.call('downloads.start', { entry: { folder: 'checkpoints', file: 'x.safetensors' } });
    await w.host.waitForHeld(file);
    await progressAt(w.core, d.id, 2 * MB);
    const part = path.join(w.modelsDir, 'checkpoints', 'x.safetensors.part');
    expect(existsSync(part)).toBe(true);
    const cancelled = await w.core.api.call('downloads.cancel', { id: d.id });
    expect(cancelled.state).toBe('cancelled');
    expect(readdirSync(path.join(w.modelsDir, 'checkpoints'))).toEqual([]);
    const again = await w.core.api.dispatch('downloads.cancel', { id: d.id }, { caller: 'test' });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'This download is already cancelled.' },
    });
  });

  it('runs at most two downloads at once; the rest wait in order', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const names = ['a.safetensors', 'b.safetensors', 'c.safetensors'];
    const paths = names.map((n) => `/org/r/resolve/main/${n}`);
    const w = await startWorld(f, {
      catalog: (host) => paths.map((p, i) => catalogEntry(host.add({ path: p, size: 2 * MB }), 'loras', names[i]!)),
    });
    for (const p of paths) w.host.holdNext(p, 1 * MB);
    // The same file asked twice at once is one download.
    const [x, y] = await Promise.all(
      [0, 1].map(() => w.core.api.call('downloads.start', { entry: { folder: 'loras', file: names[0]! } })),
    );
    expect(x!.id).toBe(y!.id);
    const ids: string[] = [];
    for (const file of names)
      ids.push((await w.core.api.call('downloads.start', { entry: { folder: 'loras', file } })).id);
    await Promise.all([w.host.waitForHeld(paths[0]!), w.host.waitForHeld(paths[1]!)]);
    const states = () => new Map(w.core.downloads.list().map((d) => [d.id, d.state]));
    expect(ids.map((id) => states().get(id))).toEqual(['downloading', 'downloading', 'queued']);
    expect(w.host.requests.some((r) => r.path === paths[2])).toBe(false);

    w.host.release(paths[0]!);
    await downloadIn(w.core, ids[0]!, ['done']);
    await w.host.waitForHeld(paths[2]!);
    w.host.release(paths[1]!);
    w.host.release(paths[2]!);
    await Promise.all(ids.map((id) => downloadIn(w.core, id, ['done'])));
    expect(readdirSync(path.join(w.modelsDir, 'loras')).sort()).toEqual(names);
  });
});
