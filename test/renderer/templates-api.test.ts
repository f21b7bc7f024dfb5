import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '@shared/api';
import type { Core } from '@core/app';
import { testCore } from '../helpers/core';
import { tempDirs } from '../helpers/temp-dir';

const dirs = tempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.stop();
  core = null;
  dirs.cleanup();
});

async function started(): Promise<Core> {
  core = testCore({ dataDir: dirs.make() });
  await core.start();
  return core;
}

const ctx = { caller: 'test' as const };

describe('templates API', () => {
  it('lists the bundled workflow manifests', async () => {
    const c = await started();
    const list = await c.api.call('workflows.list', {}, ctx);
    expect(list.map((w) => w.manifest.id)).toContain('sdxl-txt2img');
    expect(list.every((w) => w.source === 'bundled')).toBe(true);
  });

  it('saves, renames and deletes a desktop template, announcing each change', async () => {
    const c = await started();
    const seen: EventPayload<'templates.changed'>[] = [];
    c.events.on('templates.changed', (e) => seen.push(e));
    const saved = await c.api.call(
      'templates.save',
      { name: 'Castle', prompt: 'a castle at dusk', workflow: 'sdxl-txt2img', params: { steps: '30', seed: '' } },
      ctx,
    );
    expect(saved).toMatchObject({ ownerId: 'desktop', guildId: null, shared: false, params: { steps: 30 } });
    const renamed = await c.api.call(
      'templates.save',
      { id: saved.id, name: 'Castle 2', prompt: 'x', workflow: 'sdxl-txt2img' },
      ctx,
    );
    expect(renamed.name).toBe('Castle 2');
    expect((await c.api.call('templates.list', {}, ctx)).map((t) => t.name)).toEqual(['Castle 2']);
    // A new template may not silently replace one of the same name.
    await expect(
      c.api.call('templates.save', { name: 'Castle 2', prompt: 'other', workflow: 'sdxl-txt2img' }, ctx),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already called "Castle 2"'),
    });
    expect(await c.api.call('templates.delete', { id: renamed.id }, ctx)).toEqual({ removed: true });
    expect(await c.api.call('templates.list', {}, ctx)).toEqual([]);
    expect(seen.map((e) => [e.id, e.template?.name ?? null])).toEqual([
      [saved.id, 'Castle'],
      [saved.id, null],
      [renamed.id, 'Castle 2'],
      [renamed.id, null],
    ]);
  });

  it("keeps Discord users' templates: the desktop may delete them but not change them", async () => {
    const c = await started();
    c.store.users.upsert('123456789', 'friend');
    const theirs = c.store.templates.save({
      ownerId: '123456789',
      guildId: null,
      shared: false,
      name: 'mine',
      prompt: 'p',
      negative: '',
      params: {},
      workflow: 'sdxl-txt2img',
    });
    await expect(
      c.api.call('templates.save', { id: theirs.id, name: 'mine', workflow: 'sdxl-txt2img' }, ctx),
    ).rejects.toThrow(/belongs to Discord user 123456789/);
    const copy = await c.api.call('templates.save', { name: 'mine', workflow: 'sdxl-txt2img', prompt: 'p' }, ctx);
    expect(copy.ownerId).toBe('desktop');
    expect((await c.api.call('templates.list', {}, ctx)).map((t) => t.ownerId).sort()).toEqual([
      '123456789',
      'desktop',
    ]);
    expect(await c.api.call('templates.delete', { id: theirs.id }, ctx)).toEqual({ removed: true });
  });

  it('refuses values outside the manifest ranges, unknown parameters and workflows with readable errors', async () => {
    const c = await started();
    await expect(
      c.api.call('templates.save', { name: 'a', workflow: 'sdxl-txt2img', params: { steps: 5000 } }, ctx),
    ).rejects.toThrow(/params\.steps: steps must be at most/);
    await expect(
      c.api.call('templates.save', { name: 'a', workflow: 'sdxl-txt2img', params: { wobble: 1 } }, ctx),
    ).rejects.toThrow(/no parameter 'wobble'/);
    await expect(c.api.call('templates.save', { name: 'a', workflow: 'nope' }, ctx)).rejects.toThrow(
      /no workflow 'nope'/,
    );
    await expect(
      c.api.call('templates.save', { name: 'a', workflow: 'sdxl-txt2img', shared: true }, ctx),
    ).rejects.toThrow(/needs a server/);
  });
});
