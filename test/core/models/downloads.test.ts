/**
 * Downloads through the core API into a fake ComfyUI's model folder, from the model host double: the file lands,
 * the backend lists it at once and a job that waited for it runs; a wrong hash, a full disk and links.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { DownloadView } from '@shared/downloads';
import { it } from '@test/helpers/fixtures';
import { catalogEntry, downloadIn, refusedWith, startWorld } from './harness';

const SDXL = 'sd_xl_base_1.0.safetensors';

describe('model downloads', () => {
  it('downloads a catalogue file into the ComfyUI folder: listed at once, and a job that needs it is routed and runs', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    let size = 0;
    const w = await startWorld(f, {
      catalog: (host) => {
        const file = host.add({ path: `/stabilityai/sdxl/resolve/main/${SDXL}`, size: 3_145_739, viaCdn: true });
        size = file.size;
        return [catalogEntry(file, 'checkpoints', SDXL)];
      },
    });
    const { core } = w;
    const before = await core.api.call('models.catalog', {});
    expect(before.problem).toBeNull();
    expect(before.models[0]).toMatchObject({ file: SDXL, workflows: expect.arrayContaining(['sdxl-txt2img']) });
    expect(before.models[0]!.backends[0]).toMatchObject({
      backendId: w.backendId,
      state: 'missing',
      destination: { ok: true, dir: path.join(w.modelsDir, 'checkpoints'), from: 'server' },
    });

    // The backend does not have it: no job for the workflow can be routed.
    expect((await core.comfy.pool.refresh(w.backendId)).models.get('checkpoints')?.has(SDXL)).toBe(false);
    expect((await core.api.call('models.list', { folder: 'checkpoints' })).files).toEqual([]);

    const changes: string[] = [];
    const progress: number[] = [];
    core.events.on('download.changed', (d) => changes.push(d.state));
    core.events.on('download.progress', (p) => progress.push(p.bytesDone));
    const modelsChanged = new Promise((resolve) => core.events.on('models.changed', resolve));
    const started = await core.api.call('downloads.start', { entry: { folder: 'checkpoints', file: SDXL } });
    expect(started).toMatchObject({ state: 'queued', file: SDXL, totalBytes: size, sha256: expect.any(String) });
    const done = await downloadIn(core, started.id, ['done', 'failed']);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ state: 'done', bytesDone: size, note: null });
    expect(changes).toEqual(['queued', 'downloading', 'verifying', 'done']);
    expect(progress.at(-1)).toBe(size);
    expect(readdirSync(path.join(w.modelsDir, 'checkpoints'))).toEqual([SDXL]);
    expect(await modelsChanged).toEqual({ backendIds: [w.backendId], folder: 'checkpoints', file: SDXL });

    // ComfyUI lists it on the next request; the core's cached lists and the pool know it at once (models.list was
    // cached above); a job for the workflow is routed to the backend and runs.
    expect((await core.api.call('models.list', { folder: 'checkpoints' })).files).toContain(SDXL);
    expect(core.comfy.pool.capabilities(w.backendId)?.models.get('checkpoints')?.has(SDXL)).toBe(true);
    const job = await core.api.call('jobs.submit', { workflow: 'sdxl-txt2img', prompt: 'a fox', params: { steps: 2 } });
    const jobEnd = await new Promise<{ status: string; backendId: string | null }>((resolve) => {
      const check = (j: { id: string; status: string; backendId: string | null }) =>
        j.id === job.id && ['done', 'failed', 'cancelled'].includes(j.status) && resolve(j);
      core.events.on('job.changed', check);
      const now = core.jobs.get(job.id);
      if (now) check(now);
    });
    expect(jobEnd).toMatchObject({ status: 'done', backendId: w.backendId });
    const after = await core.api.call('models.catalog', {});
    expect(after.models[0]!.backends[0]!.state).toBe('present');
    // The token never went anywhere, and the CDN served the bytes.
    expect(w.host.requests.map((r) => `${r.server} ${r.status}`)).toEqual(['origin 302', 'cdn 200']);

    // Asking again does not overwrite it.
    const again = await refusedWith(core.api.call('downloads.start', { entry: { folder: 'checkpoints', file: SDXL } }));
    expect(again.message).toContain(`${SDXL} is already in ${path.join(w.modelsDir, 'checkpoints')}`);
  });

  it('deletes a file whose SHA-256 does not match, and says so', async ({ startComfy, startCore, tempDir, defer }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(
          host.add({ path: '/o/r/resolve/main/bad.safetensors', size: 2_000_000, corruptAt: 1_500_000 }),
          'loras',
          'bad.safetensors',
        ),
      ],
    });
    const d = await w.core.api.call('downloads.start', { entry: { folder: 'loras', file: 'bad.safetensors' } });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.state).toBe('failed');
    expect(failed.error?.kind).toBe('hash');
    expect(failed.error?.message).toMatch(
      /is not the published file: its SHA-256 is [0-9a-f]{12}…, the catalogue says/,
    );
    expect(failed.error?.message).toContain('The partial file was deleted; start the download again.');
    expect(readdirSync(path.join(w.modelsDir, 'loras'))).toEqual([]);
  });

  it('checks the size when no hash is published, and says only the size was checked', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(host.add({ path: '/o/r/resolve/main/nohash.pth', size: 5000 }), 'upscale_models', 'nohash.pth', {
          sha256: null,
        }),
        catalogEntry(host.add({ path: '/o/r/resolve/main/short.pth', size: 5000 }), 'upscale_models', 'short.pth', {
          sha256: null,
          bytes: 6000,
        }),
      ],
    });
    const ok = await w.core.api.call('downloads.start', { entry: { folder: 'upscale_models', file: 'nohash.pth' } });
    expect(await downloadIn(w.core, ok.id, ['done', 'failed'])).toMatchObject({
      state: 'done',
      note: 'No SHA-256 is published for this file: only its size was checked.',
    });
    const bad = await w.core.api.call('downloads.start', { entry: { folder: 'upscale_models', file: 'short.pth' } });
    const failed = await downloadIn(w.core, bad.id, ['done', 'failed']);
    expect(failed.error).toMatchObject({ kind: 'size' });
    expect(failed.error?.message).toContain('has 5.00 kB, not the 6.00 kB expected. The partial file was deleted');
    expect(readdirSync(path.join(w.modelsDir, 'upscale_models'))).toEqual(['nohash.pth']);
  });

  it('refuses before the first byte when the drive is too full, saying how much is needed', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const probed: string[] = [];
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(
          host.add({ path: '/o/r/resolve/main/big.safetensors', size: 9_000_000 }),
          'vae',
          'big.safetensors',
        ),
      ],
      tuning: {
        freeSpace: (dir) => {
          probed.push(dir);
          return Promise.resolve(2_000_000);
        },
      },
    });
    const refused = await refusedWith(
      w.core.api.call('downloads.start', { entry: { folder: 'vae', file: 'big.safetensors' } }),
    );
    expect(refused.code).toBe('limit');
    expect(refused.message).toBe(
      `Not enough free space for big.safetensors in ${path.join(w.modelsDir, 'vae')}: it needs 9.00 MB (9.00 MB to download ` +
        'plus 1.02 kB to spare) and only 2.00 MB is free. Free up 7.00 MB on that drive, then start the download again.',
    );
    expect(probed).toContain(path.join(w.modelsDir, 'vae'));
    expect(w.host.requests).toEqual([]);
    expect(w.core.downloads.list()).toEqual([]);

    // A link's size is known once the host answers: refused then, before a byte is written.
    const link = w.host.add({ path: '/o/r/resolve/main/link.safetensors', size: 5_000_000 });
    const d = await w.core.api.call('downloads.start', { url: link.url, folder: 'vae' });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error?.kind).toBe('disk');
    expect(failed.error?.message).toContain(
      'it needs 5.00 MB (5.00 MB still to download plus 1.02 kB to spare) and only 2.00 MB is free. Free up 3.00 MB on that drive',
    );
    expect(readdirSync(path.join(w.modelsDir, 'vae'))).toEqual([]);
  });

  it('downloads a pasted link under the name the host gives, and never overwrites a file', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f);
    const file = w.host.add({
      path: '/api/download/models/1234',
      size: 70_000,
      disposition: `attachment; filename="fallback.safetensors"; filename*=UTF-8''na%C3%AFve%20style.safetensors`,
    });
    const d = await w.core.api.call('downloads.start', { url: file.url, folder: 'loras' });
    expect(d).toMatchObject({ source: 'url', file: null, state: 'queued', folder: 'loras' });
    const done = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', file: 'naïve style.safetensors', bytesDone: 70_000 });
    expect(done.note).toBe('No SHA-256 is published for this file: only its size was checked.');
    const onDisk = path.join(w.modelsDir, 'loras', 'naïve style.safetensors');
    expect(readFileSync(onDisk).equals(file.bytes())).toBe(true);

    // The same name from another link: refused, the file kept as it was.
    const other = w.host.add({
      path: '/other',
      size: 10,
      disposition: `attachment; filename="naïve style.safetensors"`,
    });
    const second = await w.core.api.call('downloads.start', { url: other.url, folder: 'loras' });
    const refused = await downloadIn(w.core, second.id, ['done', 'failed']);
    expect(refused.error).toEqual({
      kind: 'exists',
      message: `naïve style.safetensors is already in ${path.join(w.modelsDir, 'loras')}: nothing was overwritten. Delete or rename that file first if you want to download it again.`,
    });
    expect(readFileSync(onDisk).length).toBe(70_000);
    // Nothing was written for it: no part file beside the kept one.
    expect(readdirSync(path.join(w.modelsDir, 'loras'))).toEqual(['naïve style.safetensors']);
  });

  it('checks a link against a given SHA-256, refuses links with a token, and turns a web page into a clear error', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f);
    const file = w.host.add({ path: '/org/repo/resolve/main/m.safetensors', size: 1000 });
    const checked = await w.core.api.call('downloads.start', {
      url: file.url.replace('/resolve/', '/blob/'),
      folder: 'checkpoints',
      sha256: file.sha256.toUpperCase(),
    });
    expect(checked.url).toBe(file.url);
    expect(await downloadIn(w.core, checked.id, ['done', 'failed'])).toMatchObject({ state: 'done', note: null });

    const withToken = await refusedWith(
      w.core.api.call('downloads.start', { url: `${w.host.origin}/x.safetensors?token=abcdef123`, folder: 'loras' }),
    );
    expect(withToken.message).toContain('Remove it from the link and paste the token in Settings → Model downloads');

    const page = w.host.add({ path: '/login', size: 100, contentType: 'text/html; charset=utf-8' });
    const d = await w.core.api.call('downloads.start', { url: page.url, folder: 'loras' });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error?.kind).toBe('not-a-file');
    expect(failed.error?.message).toContain(
      "answered with a web page, not a file: the link is probably a page (open it and copy the file's download link)",
    );
  });

  it('reports a missing or broken catalogue instead of failing, and still downloads links', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const dir = f.tempDir();
    const broken = path.join(dir, 'catalog.json');
    writeFileSync(broken, JSON.stringify({ version: 1, models: [{ file: 'x' }] }));
    const w = await startWorld(f, { catalogPath: broken });
    const view = await w.core.api.call('models.catalog', {});
    expect(view.models).toEqual([]);
    expect(view.problem).toMatch(
      /^The model catalogue .*catalog\.json is broken: models\[0\]\.folder: .* Reinstall ComfyDesk/,
    );
    const refused = await refusedWith(
      w.core.api.call('downloads.start', { entry: { folder: 'vae', file: 'ae.safetensors' } }),
    );
    expect(refused).toMatchObject({ code: 'unavailable', message: view.problem });

    const missing = await startWorld(f, { catalogPath: path.join(dir, 'nope.json'), host: w.host });
    expect((await missing.core.api.call('models.catalog', {})).problem).toContain('nope.json is missing');
    const link = w.host.add({ path: '/o/r/resolve/main/link.safetensors', size: 10 });
    const d = await missing.core.api.call('downloads.start', { url: link.url, folder: 'vae' });
    expect((await downloadIn(missing.core, d.id, ['done', 'failed'])).state).toBe('done');
    expect(existsSync(path.join(missing.modelsDir, 'vae', 'link.safetensors'))).toBe(true);
    expect(missing.core.downloads.list().map((x: DownloadView) => x.state)).toEqual(['done']);
  });
});
