/** Who may call what: the actor comes from the transport, and the core decides permissions once for every client. */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT } from '@shared/actor';
import type { Core } from '@core/app';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { testCore } from '@test/helpers/core';
import { tempDirs } from '@test/helpers/temp-dir';

const dirs = tempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.stop();
  core = null;
  dirs.cleanup();
});

async function started(): Promise<Core> {
  core = testCore({ dataDir: dirs.make('comfydesk-access-') });
  await core.start();
  return core;
}

describe('access to the core API', () => {
  it('a Discord user gets only what a Discord command needs, refused with a reason', async () => {
    const c = await started();
    const alice = asDiscordUser(discordUser('100000000000000001', 'alice'));
    for (const method of [
      'settings.set',
      'backends.add',
      'bot.setToken',
      'queue.pause',
      'library.delete',
      'downloads.start',
      'downloads.setToken',
      'downloads.tokens',
      'models.catalog',
    ] as const) {
      const result = await c.api.dispatch(method, {}, alice);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await c.api.dispatch('workflows.list', {}, alice)).toMatchObject({ ok: true });
    expect(await c.api.dispatch('discord.whoami', {}, alice)).toMatchObject({
      ok: true,
      output: { userId: '100000000000000001', level: 'generator' },
    });
  });

  it('the bot acting as itself gets its bookkeeping; nobody else does', async () => {
    const c = await started();
    const bot = { caller: 'discord' as const, actor: BOT };
    expect(await c.api.dispatch('discord.pendingDeliveries', {}, bot)).toEqual({ ok: true, output: [] });
    expect(await c.api.dispatch('discord.pendingDeliveries', {}, { caller: 'desktop' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Downloads and their tokens are the owner's alone.
    for (const method of ['downloads.start', 'downloads.list', 'downloads.clearToken', 'models.destination'] as const) {
      expect(await c.api.dispatch(method, {}, bot), method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await c.api.dispatch('jobs.submit', { workflow: 'sdxl-txt2img', prompt: 'x' }, bot)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('only the in-process bot may act for someone: other transports always act as the owner', async () => {
    const c = await started();
    const claimed = { caller: 'remote' as const, actor: discordUser('100000000000000002', 'mallory') };
    // A browser claiming to be a Discord user is the owner, who may pause the queue.
    expect(await c.api.dispatch('queue.pause', { paused: true }, claimed)).toEqual({
      ok: true,
      output: { paused: true },
    });
    // Made-up Discord facts are checked like any outside input.
    const forged = { caller: 'discord' as const, actor: { ...discordUser('1'), userId: 'not-a-snowflake' } };
    expect(await c.api.dispatch('discord.whoami', {}, forged)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('levels come from the server’s stored role mapping: members without the mapped role may not queue', async () => {
    const c = await started();
    const guildId = '900000000000000001';
    const bob = asDiscordUser(discordUser('100000000000000003', 'bob', { guildId }));
    await c.api.dispatch('discord.whoami', {}, bob); // the server is stored on first sight
    await c.api.call('bot.updateGuild', { id: guildId, roles: [{ roleId: '555555555555555555', level: 'generator' }] });
    const refused = await c.api.dispatch('jobs.admit', { workflow: 'sdxl-txt2img', prompt: 'x' }, bob);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', title: 'Not allowed' } });
    const withRole = asDiscordUser(
      discordUser('100000000000000003', 'bob', { guildId, roleIds: ['555555555555555555'] }),
    );
    expect(await c.api.dispatch('jobs.admit', { workflow: 'sdxl-txt2img', prompt: 'x' }, withRole)).toEqual({
      ok: true,
      output: { ok: true },
    });
  });
});
