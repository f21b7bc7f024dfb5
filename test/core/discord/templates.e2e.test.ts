/**
 * Templates have one save path: /template save goes through the same core method as the desktop's template
 * editor, so the same bad template is refused the same way from both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import type { InteractionHandle } from '@test/fakes/discord';
import { startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function refusalOf(h: InteractionHandle): Promise<{ title?: string; description?: string }> {
  const cb = await h.waitForCallback();
  const data = (cb.json as { data?: { embeds?: Array<{ title?: string; description?: string }> } }).data;
  return data?.embeds?.[0] ?? {};
}

async function desktopRefusal(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('templates saved from Discord and from the desktop', () => {
  it('run the same checks: the same bad template gets the same refusal both ways', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const guildId = discord.guild('ComfyDesk Lab').id;
    await core.api.call('bot.updateGuild', { id: guildId, bannedWords: ['gore'] });

    // A banned word of the server, in a template for that server.
    const fromDiscord = await refusalOf(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'alice',
        options: { name: 'grim', prompt: 'lots of gore' },
      }),
    );
    const fromDesktop = await desktopRefusal(() =>
      core.api.call('templates.save', { name: 'grim', guildId, prompt: 'lots of gore', workflow: 'sdxl-txt2img' }),
    );
    expect(fromDiscord.title).toBe('Prompt refused');
    expect(fromDesktop.title).toBe('Prompt refused');
    expect(fromDiscord.description).toContain(fromDesktop.message);
    expect(fromDesktop.message).toContain('the banned word "gore"');

    // A value out of the workflow's range: the same check, said as the option on Discord, as the field on the desktop.
    const steps = await refusalOf(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'alice',
        options: { name: 'slow', prompt: 'a fox', steps: 500 },
      }),
    );
    const stepsDesktop = await desktopRefusal(() =>
      core.api.call('templates.save', {
        name: 'slow',
        prompt: 'a fox',
        params: { steps: 500 },
        workflow: 'sdxl-txt2img',
      }),
    );
    expect(stepsDesktop.issues).toEqual([{ path: 'params.steps', message: 'steps must be at most 100 (got 500)' }]);
    expect(steps.description).toContain('Option `steps`: must be at most 100 (got 500).');

    // A name already taken: refused unless asked to replace, both ways.
    await discord.interactions
      .slash({ name: 'template', subcommand: 'save', user: 'alice', options: { name: 'fox', prompt: 'a fox' } })
      .waitForCallback();
    expect(core.store.templates.list().map((t) => t.name)).toEqual(['fox']);
    const clash = await refusalOf(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'alice',
        options: { name: 'fox', prompt: 'a red fox' },
      }),
    );
    expect(clash.title).toBe('Name taken');
    const replaced = discord.interactions.slash({
      name: 'template',
      subcommand: 'save',
      user: 'alice',
      options: { name: 'fox', prompt: 'a red fox', replace: true },
    });
    await replaced.waitForCallback();
    expect(
      core.store.templates
        .list()
        .filter((t) => t.name === 'fox')
        .map((t) => t.prompt),
    ).toEqual(['a red fox']);
    await core.api.call('templates.save', { name: 'fox', prompt: 'desk fox', workflow: 'sdxl-txt2img' });
    const deskClash = await desktopRefusal(() =>
      core.api.call('templates.save', { name: 'fox', prompt: 'desk fox 2', workflow: 'sdxl-txt2img' }),
    );
    expect(deskClash.title).toBe('Name taken');
  });

  it('remember their model files and LoRA: /generate with a template runs with them', async () => {
    world = await startWorld({
      editModels: (m) => {
        m.checkpoints = [...(m.checkpoints ?? []), 'juggernautXL_v9.safetensors'];
      },
    });
    const { discord, core } = world;
    const guildId = discord.guild('ComfyDesk Lab').id;
    const bad = await desktopRefusal(() =>
      core.api.call('templates.save', {
        name: 'x',
        prompt: 'a fox',
        workflow: 'sdxl-txt2img',
        models: { 'models.flux.unet': 'a.safetensors' },
      }),
    );
    expect(bad.message).toContain("has no model setting 'models.flux.unet' (it has: models.sdxl.checkpoint)");
    const saved = await core.api.call('templates.save', {
      name: 'jugg fox',
      guildId,
      shared: true,
      prompt: 'a fox in the snow',
      workflow: 'sdxl-txt2img',
      params: { steps: 2, width: 512, height: 512 },
      models: { 'models.sdxl.checkpoint': 'juggernautXL_v9.safetensors' },
      lora: { name: 'detail-tweaker.safetensors', strength: 0.6 },
    });
    expect(saved).toMatchObject({ models: { 'models.sdxl.checkpoint': 'juggernautXL_v9.safetensors' } });
    expect(core.store.templates.get(saved.id)?.lora).toEqual({ name: 'detail-tweaker.safetensors', strength: 0.6 });
    const handle = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'at dusk', template: 'jugg fox' },
    });
    await handle.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(job.models).toMatchObject({ 'models.sdxl.checkpoint': 'juggernautXL_v9.safetensors' });
    expect(job.lora).toEqual({ name: 'detail-tweaker.safetensors', strength: 0.6 });
    expect((await world.waitJob(job.id, ['done', 'failed'])).status).toBe('done');
  });
});
