import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import { healthUntil } from '@test/helpers/core';
import { it } from '@test/helpers/fixtures';

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('backends.* through the core API', () => {
  it('adds, lists, disables, enables and removes a backend; health.changed follows every status change', async ({
    comfy: fake,
    startCore,
  }) => {
    const core = await startCore();
    expect(await core.api.call('backends.list', {})).toEqual([]);

    const idle = healthUntil(core, (h) => h.comfy.backends[0]?.status === 'idle');
    const added = await core.api.call('backends.add', { url: fake.url, name: 'Desk' });
    expect(added).toMatchObject({ name: 'Desk', url: fake.url, kind: 'local', enabled: true, version: '0.3.64' });
    expect((await idle).comfy.status).toBe('online');
    expect(core.backends.get(added.id)).toBe(core.comfy.get(added.id));
    expect(await core.api.call('backends.list', {})).toMatchObject([
      { id: added.id, status: 'idle', version: '0.3.64' },
    ]);

    const offline = healthUntil(core, (h) => h.comfy.backends[0]?.status === 'offline');
    await fake.crash();
    expect((await offline).comfy.status).toBe('offline');
    const back = healthUntil(core, (h) => h.comfy.backends[0]?.status === 'idle');
    await fake.restart();
    await back;

    const disabled = await core.api.call('backends.setEnabled', { id: added.id, enabled: false });
    expect(disabled).toMatchObject({ enabled: false, status: 'offline' });
    expect(core.healthSummary().comfy.status).toBe('none');
    expect(core.backends.size).toBe(0);
    await core.api.call('backends.setEnabled', { id: added.id, enabled: true });
    await healthUntil(core, (h) => h.comfy.backends[0]?.status === 'idle');

    expect(await core.api.call('comfy.freeVram', { backendId: added.id })).toEqual({ freed: [added.id] });
    expect(fake.frees).toEqual([{ unloadModels: true, freeMemory: true }]);

    expect(await core.api.call('backends.remove', { id: added.id })).toEqual([]);
    expect((await apiError(core.api.call('backends.remove', { id: added.id }))).code).toBe('not_found');
    const bad = await core.api.dispatch('backends.add', { url: '' }, { caller: 'test' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const dead = await apiError(core.api.call('backends.add', { url: 'http://127.0.0.1:9' }));
    expect(dead.code).toBe('unavailable');
    expect(dead.message).toMatch(/add it anyway/);
  });
});

describe('comfy.* launch settings through the core API', () => {
  it('says clearly that no launch folder is set, and validates the folder and the extra flags', async ({
    startCore,
    tempDir,
  }) => {
    const core = await startCore();
    const none = await apiError(core.api.call('comfy.start', {}));
    expect(none.code).toBe('unavailable');
    expect(none.message).toMatch(/No ComfyUI folder is set to launch/);
    expect((await apiError(core.api.call('comfy.restart', {}))).message).toMatch(/No ComfyUI folder/);
    expect(await core.api.call('comfy.stop', {})).toMatchObject({ state: 'stopped', pid: null, backendId: null });
    expect(await core.api.call('comfy.logTail', {})).toEqual({ lines: [] });

    const empty = tempDir();
    const notThere = await apiError(core.api.call('comfy.setLaunchSettings', { launchPath: empty }));
    expect(notThere.code).toBe('bad_request');
    expect(notThere.message).toContain(`No ComfyUI found in ${empty}`);
    const reserved = await apiError(
      core.api.call('comfy.setLaunchSettings', { extraArgs: ['--lowvram', '--port=9000'] }),
    );
    expect(reserved.code).toBe('bad_request');
    expect(reserved.message).toMatch(/--port/);

    // A parent folder holding ComfyUI/main.py is resolved to the ComfyUI folder.
    const parent = tempDir();
    mkdirSync(join(parent, 'ComfyUI'));
    writeFileSync(join(parent, 'ComfyUI', 'main.py'), '');
    const changed: unknown[] = [];
    core.events.on('settings.changed', (s) => changed.push(s.comfy));
    const view = await core.api.call('comfy.setLaunchSettings', { launchPath: parent, extraArgs: ['--lowvram'] });
    expect(view).toMatchObject({
      launchPath: join(parent, 'ComfyUI'),
      autoLaunch: false,
      extraArgs: ['--lowvram'],
      saved: { launchPath: join(parent, 'ComfyUI'), autoLaunch: false, extraArgs: ['--lowvram'] },
      config: { launchPath: null, autoLaunch: false },
      launcher: { state: 'stopped', restartNeeded: false },
    });
    expect(changed).toHaveLength(1);
    expect((await core.api.call('settings.get', {})).comfy.launchPath).toBe(join(parent, 'ComfyUI'));

    const cleared = await core.api.call('comfy.setLaunchSettings', { launchPath: null });
    expect(cleared.launchPath).toBeNull();
    expect(cleared.saved).toEqual({ autoLaunch: false, extraArgs: ['--lowvram'], cudaDevices: [] });
  });

  it('uses the config file launch path until the settings name one', async ({ makeCore, tempDir }) => {
    const fromConfig = tempDir();
    writeFileSync(join(fromConfig, 'main.py'), '');
    const core = makeCore({ env: { COMFYDESK_COMFY_PATH: fromConfig } });
    const view = await core.api.call('comfy.launchSettings', {});
    expect(view).toMatchObject({
      launchPath: fromConfig,
      autoLaunch: false,
      config: { launchPath: fromConfig, autoLaunch: false },
    });
    const other = tempDir();
    writeFileSync(join(other, 'main.py'), '');
    expect((await core.api.call('comfy.setLaunchSettings', { launchPath: other })).launchPath).toBe(other);
    expect((await core.api.call('comfy.setLaunchSettings', { launchPath: null })).launchPath).toBe(fromConfig);
  });
});
