/**
 * The settings export and import: no secret leaves, a fresh data dir gets exactly the same settings, templates,
 * workflows, server settings and role maps, the preview says what changes, and bad files are refused whole.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import type { Core } from '@core/app';
import { MemorySecretStore } from '@core/secrets';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';

const DISCORD = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';
const HUGGING_FACE = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const CIVITAI = '0123456789abcdef0123456789abcdef';
const GUILD = '111111111111111111';

/** A core with a life behind it: settings, templates, an imported workflow, a server with roles and limits. */
async function livedIn(core: Core): Promise<void> {
  await core.api.call('settings.set', {
    theme: 'light',
    closeToTray: false,
    queue: { perUserLimit: 7, globalLimit: 250, desktopPriority: false, backendWaitMinutes: 30 },
    defaults: { workflow: 'flux-txt2img', delivery: 'dm' },
    models: { 'models.sdxl.checkpoint': 'juggernaut.safetensors' },
    comfy: { launchPath: '/opt/ComfyUI', autoLaunch: true, extraArgs: ['--lowvram'] },
    backups: { keep: 12 },
    retention: { daily: true, rules: [{ id: 'old', scope: 'all', olderThanDays: 90 }] },
  });
  const manifest = JSON.parse(readFileSync(join(BUNDLED_DIR, 'sdxl-txt2img/manifest.json'), 'utf8'));
  const workflow = JSON.parse(readFileSync(join(BUNDLED_DIR, 'sdxl-txt2img/workflow.json'), 'utf8'));
  await core.api.call('workflows.import', {
    manifest: { ...manifest, id: 'my-sdxl', title: 'My SDXL' },
    workflow,
  });
  core.store.guilds.joined(GUILD, 'Friends', 1);
  await core.api.call('bot.updateGuild', {
    id: GUILD,
    roles: [
      { roleId: '222222222222222222', level: 'generator' },
      { roleId: '333333333333333333', level: 'admin' },
    ],
    limits: { perUserQueue: 2, userRate: { count: 3, windowSec: 60 } },
    bannedWords: ['gore', 'spoilers'],
    settings: { defaultDelivery: 'dm', everyoneLevel: 'user' },
  });
  await core.api.call('templates.save', {
    name: 'Portrait',
    workflow: 'sdxl-txt2img',
    prompt: 'a portrait, soft light',
    negative: 'blurry',
    params: { steps: 30, cfg: 6.5 },
  });
  await core.api.call('templates.save', {
    name: 'Shared fox',
    workflow: 'my-sdxl',
    guildId: GUILD,
    shared: true,
    prompt: 'a fox',
  });
  // A Discord member's own template.
  core.store.users.upsert('444444444444444444', 'alice');
  core.store.templates.save({
    ownerId: '444444444444444444',
    guildId: GUILD,
    shared: false,
    name: 'alice cats',
    prompt: 'cats',
    negative: '',
    params: { steps: 12 },
    workflow: 'sdxl-txt2img',
    models: { 'models.sdxl.checkpoint': 'dreamshaper.safetensors' },
    lora: { name: 'cats.safetensors', strength: 0.8 },
  });
}

/** What must come across, in comparable form. */
async function picture(core: Core) {
  const templates = core.store.templates
    .list()
    .map(({ id: _id, ...t }) => t)
    .sort((a, b) => a.name.localeCompare(b.name));
  const workflows = core.workflows
    .list()
    .filter((w) => w.source === 'imported')
    .map((w) => ({ manifest: w.manifest, workflow: w.workflow }));
  const guilds = core.store.guilds.list().map((g) => ({
    name: g.name,
    settings: g.settings,
    limits: g.limits,
    bannedWords: g.bannedWords,
    roles: core.store.guilds.roles(g.id),
  }));
  return { settings: await core.api.call('settings.get', {}), templates, workflows, guilds };
}

async function refused(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('settings export and import', () => {
  it('the export holds no secret: the Discord, Hugging Face and CivitAI tokens are absent', async ({ startCore }) => {
    const secrets = new MemorySecretStore();
    secrets.set('discordToken', DISCORD);
    secrets.set('huggingfaceToken', HUGGING_FACE);
    secrets.set('civitaiToken', CIVITAI);
    const core = await startCore({ secrets, workflowsDir: BUNDLED_DIR });
    await livedIn(core);
    const { content, fileName, counts } = await core.api.call('data.export', {});
    expect(fileName).toMatch(/^comfydesk-settings-\d{8}T\d{6}Z\.json$/);
    expect(counts).toEqual({ templates: 3, workflows: 1, guilds: 1 });
    for (const secret of [DISCORD, HUGGING_FACE, CIVITAI]) expect(content).not.toContain(secret);
    expect(content).not.toMatch(/token/i);
    const file = JSON.parse(content);
    expect(Object.keys(file).sort()).toEqual(
      ['appVersion', 'exportedAt', 'format', 'guilds', 'settings', 'templates', 'users', 'version', 'workflows'].sort(),
    );
  });

  it('refuses to export when a secret would be in the file', async ({ startCore }) => {
    const secrets = new MemorySecretStore();
    secrets.set('civitaiToken', CIVITAI);
    const core = await startCore({ secrets, workflowsDir: BUNDLED_DIR });
    await core.api.call('templates.save', { name: 'oops', workflow: 'sdxl-txt2img', prompt: `key ${CIVITAI}` });
    const err = await refused(core.api.call('data.export', {}));
    expect(err.message).toMatch(/would contain the value of a secret \(civitaiToken\)/);
    expect(err.message).not.toContain(CIVITAI);
  });

  it('export → import on a fresh data dir reproduces settings, templates, workflows, server settings and role maps exactly', async ({
    startCore,
  }) => {
    const from = await startCore({ workflowsDir: BUNDLED_DIR, clock: new FakeClock() });
    await livedIn(from);
    const { content } = await from.api.call('data.export', {});

    const to = await startCore({ workflowsDir: BUNDLED_DIR, clock: new FakeClock(Date.UTC(2027, 5, 1)) });
    const preview = await to.api.call('data.importPreview', { content });
    expect(preview.templates).toEqual({ added: ['alice cats', 'Portrait', 'Shared fox'], changed: [], unchanged: 0 });
    expect(preview.workflows).toEqual({ added: ['my-sdxl'], changed: [], unchanged: 0 });
    expect(preview.guilds).toEqual({ added: ['Friends'], changed: [], unchanged: 0 });
    expect(preview.warnings).toEqual([]);
    expect(preview.settings).toContainEqual({ path: 'theme', from: 'dark', to: 'light' });
    expect(preview.settings).toContainEqual({ path: 'queue.perUserLimit', from: 3, to: 7 });
    expect(preview.settings).toContainEqual({ path: 'comfy.launchPath', from: null, to: '/opt/ComfyUI' });
    // The preview changed nothing.
    expect(to.store.templates.list()).toEqual([]);

    const seen: string[] = [];
    to.events.on('settings.changed', () => seen.push('settings'));
    to.events.on('workflows.changed', () => seen.push('workflows'));
    const result = await to.api.call('data.import', { content });
    expect(result.backup).toMatch(/-pre-import\.db$/);
    expect(seen).toEqual(['workflows', 'settings']);
    expect(await picture(to)).toEqual(await picture(from));
    // Imported workflows are on disk like any imported one (they load again after a restart).
    await to.workflows.load();
    expect(to.workflows.get('my-sdxl')?.source).toBe('imported');

    // Importing the same file again changes nothing.
    const again = await to.api.call('data.importPreview', { content });
    expect(again.settings).toEqual([]);
    expect(again.templates).toEqual({ added: [], changed: [], unchanged: 3 });
    expect(again.workflows).toEqual({ added: [], changed: [], unchanged: 1 });
    expect(again.guilds).toEqual({ added: [], changed: [], unchanged: 1 });
  });

  it('refuses a file that is not a valid export, saying why, and changes nothing', async ({ startCore }) => {
    const core = await startCore({ workflowsDir: BUNDLED_DIR });
    await livedIn(core);
    const good = JSON.parse((await core.api.call('data.export', {})).content);
    const before = JSON.stringify(await picture(core));
    const bad: [string, unknown, RegExp][] = [
      ['not json', 'not json {', /not JSON/],
      ['another kind of file', { hello: 'world' }, /not a ComfyDesk settings export/],
      ['a newer export', { ...good, version: 2 }, /newer ComfyDesk \(export version 2/],
      ['a bad setting', { ...good, settings: { ...good.settings, queue: { perUserLimit: 0 } } }, /settings\.queue/],
      [
        'a template of an unknown owner',
        { ...good, users: [], templates: [{ ...good.templates[2], ownerId: '555555555555555555' }] },
        /belongs to 555555555555555555/,
      ],
      [
        'a broken workflow',
        { ...good, workflows: [{ manifest: { id: 'x' }, workflow: { '1': { class_type: 'X', inputs: {} } } }] },
        /Workflow 1 is not valid/,
      ],
      [
        "a bundled workflow's id",
        {
          ...good,
          workflows: [{ ...good.workflows[0], manifest: { ...good.workflows[0].manifest, id: 'sdxl-txt2img' } }],
        },
        /id of a workflow that comes with ComfyDesk/,
      ],
    ];
    for (const [label, value, reason] of bad) {
      const content = typeof value === 'string' ? value : JSON.stringify(value);
      for (const method of ['data.importPreview', 'data.import'] as const) {
        const err = await refused(core.api.call(method, { content }));
        expect(err.code, label).toBe('bad_request');
        expect(err.message, label).toMatch(reason);
      }
    }
    expect(JSON.stringify(await picture(core))).toBe(before);
    expect(core.data.backups.list()).toEqual([]);
  });
});
