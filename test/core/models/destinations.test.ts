/**
 * Where files go per backend: the launched ComfyUI's own folder (and its --base-directory), a ComfyUI on this
 * machine as it says itself, one whose folders are not on this machine (Docker, WSL) or on another machine:
 * refused with where the file must go instead, before anything is fetched.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { resolveDestination, type DestinationDeps } from '@core/models/destinations';
import type { BackendRecord } from '@shared/backends';
import { it } from '@test/helpers/fixtures';
import { catalogEntry, downloadIn, refusedWith, startWorld } from './harness';

function fakeInstall(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'main.py'), '# ComfyUI\n');
  return dir;
}

describe('download destinations', () => {
  it('refuses a ComfyUI whose model folders are not on this machine, and says where the file must go', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const elsewhere = path.join(tempDir(), 'inside-docker', 'comfy', 'models');
    const w = await startWorld(f, {
      comfy: { reportedModelsDir: elsewhere },
      catalog: (host) => [
        catalogEntry(host.add({ path: '/o/r/resolve/main/l.safetensors', size: 100 }), 'loras', 'l.safetensors'),
      ],
    });
    const dest = await w.core.api.call('models.destination', { backendId: w.backendId, folder: 'loras' });
    const where = path.join(elsewhere, 'loras');
    expect(dest).toEqual({
      ok: false,
      backendId: w.backendId,
      folder: 'loras',
      where,
      reason:
        `ComfyUI "${w.comfy.url}" keeps its loras models in ${where}, which does not exist on this computer (is it ` +
        `running in Docker, WSL or a virtual machine?). Put the file into ${where} inside that ComfyUI's system yourself.`,
    });
    const refused = await refusedWith(
      w.core.api.call('downloads.start', { entry: { folder: 'loras', file: 'l.safetensors' } }),
    );
    expect(refused).toMatchObject({ code: 'conflict', message: dest.ok ? '' : dest.reason });
    expect(w.host.requests).toEqual([]);
    const view = await w.core.api.call('models.catalog', {});
    expect(view.models[0]!.backends[0]).toMatchObject({ state: 'missing', destination: { ok: false, where } });
  });

  it('downloads nothing for a ComfyUI on another machine and says where the file must go there', async ({
    startComfy,
    startCore,
  }) => {
    const comfy = await startComfy();
    const core = await startCore({ comfyUrl: comfy.url, models: { isThisMachine: () => false } });
    const online = core.comfy.list()[0]!.id;
    const dest = await core.api.call('models.destination', { backendId: online, folder: 'unet' });
    const where = path.join(comfy.dataDir, 'models', 'unet');
    expect(dest).toMatchObject({ ok: false, folder: 'diffusion_models', where });
    expect(dest.ok ? '' : dest.reason).toBe(
      `ComfyUI "${comfy.url}" runs on another computer (${new URL(comfy.url).host}): ComfyDesk cannot put files there. ` +
        `Download the file on that computer into ${where}.`,
    );
    // Offline: where in its install.
    const box = core.store.backends.ensure('http://192.0.2.10:8188', 'remote', 'Box');
    const offline = await core.api.call('models.destination', { backendId: box.id, folder: 'checkpoints' });
    expect(offline).toMatchObject({
      ok: false,
      where: null,
      reason:
        'ComfyUI "Box" runs on another computer (192.0.2.10:8188): ComfyDesk cannot put files there. Download the file ' +
        'on that computer into the models/checkpoints folder of its ComfyUI.',
    });
    const refused = await refusedWith(
      core.api.call('downloads.start', {
        backendId: box.id,
        url: 'https://huggingface.co/a/b/resolve/main/c.safetensors',
        folder: 'checkpoints',
      }),
    );
    expect(refused.message).toBe(offline.ok ? '' : offline.reason);
  });

  it('downloads into the launched ComfyUI’s own folder (under its --base-directory), first when none is named', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      catalog: (host) => [
        catalogEntry(host.add({ path: '/o/r/resolve/main/4x.pth', size: 4000 }), 'upscale_models', '4x.pth'),
      ],
    });
    const install = fakeInstall(path.join(tempDir(), 'ComfyUI'));
    const base = path.join(tempDir(), 'comfy-base');
    mkdirSync(base);
    await w.core.api.call('comfy.setLaunchSettings', { launchPath: install, extraArgs: ['--base-directory', base] });
    const launched = w.core.store.backends.ensure(
      'http://127.0.0.1:1',
      'launched',
      'ComfyUI (launched by ComfyDesk)',
      install,
    );
    expect(
      await w.core.api.call('models.destination', { backendId: launched.id, folder: 'upscale_models' }),
    ).toMatchObject({
      ok: true,
      dir: path.join(base, 'models', 'upscale_models'),
      from: 'install',
      freeBytes: expect.any(Number),
    });
    const d = await w.core.api.call('downloads.start', { entry: { folder: 'upscale_models', file: '4x.pth' } });
    expect(d.backendId).toBe(launched.id);
    expect((await downloadIn(w.core, d.id, ['done', 'failed'])).state).toBe('done');
    expect(readdirSync(path.join(base, 'models', 'upscale_models'))).toEqual(['4x.pth']);

    await w.core.api.call('comfy.setLaunchSettings', { extraArgs: [] });
    expect(await w.core.api.call('models.destination', { backendId: launched.id, folder: 'clip' })).toMatchObject({
      ok: true,
      folder: 'text_encoders',
      dir: path.join(install, 'models', 'text_encoders'),
    });
  });

  it('asks an older ComfyUI that does not say where its folders are to be filled by hand', async () => {
    const record: BackendRecord = {
      id: 'b1',
      name: 'Old ComfyUI',
      url: 'http://127.0.0.1:8188',
      kind: 'local',
      enabled: true,
      clientId: 'c',
      launchPath: null,
      device: null,
      lastSeen: null,
      tlsPin: null,
    };
    const deps: DestinationDeps = {
      record: () => record,
      client: () => ({ folderPaths: () => Promise.resolve(null) }),
      launch: () => ({ launchPath: null, extraArgs: [] }),
      isThisMachine: () => true,
      freeSpace: () => Promise.resolve(0),
    };
    expect(await resolveDestination(deps, 'b1', 'vae')).toEqual({
      ok: false,
      backendId: 'b1',
      folder: 'vae',
      where: null,
      reason:
        'ComfyUI "Old ComfyUI" (http://127.0.0.1:8188) does not say where it keeps its models (an older version?). Put the ' +
        'file into the models/vae folder of that ComfyUI yourself, or update it.',
    });
    const offline = await resolveDestination({ ...deps, client: () => null }, 'b1', 'vae');
    expect(offline).toMatchObject({ ok: false, reason: expect.stringContaining('is not online: start it') });
    const noFolder = await resolveDestination(
      { ...deps, client: () => ({ folderPaths: () => Promise.resolve({}) }) },
      'b1',
      'vae',
    );
    expect(noFolder).toMatchObject({ ok: false, reason: expect.stringContaining('has no "vae" model folder') });
  });
});
