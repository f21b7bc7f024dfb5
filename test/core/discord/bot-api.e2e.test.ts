import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '@core/app';
import { loadConfig } from '@core/config';
import { MemorySecretStore } from '@core/secrets';
import {
  channelCheckOutcome,
  discordHealthChecks,
  guildCheckOutcome,
  tokenCheckOutcome,
} from '@core/health/discord-checks';
import type { BotState } from '@shared/api/bot';
import { fakeClientOptions, ManualClock, Perm, startFakeDiscord, type FakeDiscord } from '@test/fakes/discord';
import { tempDirs } from '@test/helpers/temp-dir';
import { BUNDLED_DIR } from '../workflows/helpers';

const dirs = tempDirs();
let core: Core | null = null;
let discord: FakeDiscord | null = null;
afterEach(async () => {
  await core?.stop();
  await discord?.close();
  core = null;
  discord = null;
  dirs.cleanup();
});

async function setup(): Promise<{ core: Core; discord: FakeDiscord; secrets: MemorySecretStore; states: BotState[] }> {
  discord = await startFakeDiscord({
    clock: new ManualClock(Date.now()),
    guilds: [
      {
        name: 'Studio',
        owner: 'owner',
        roles: [{ name: 'Makers' }],
        channels: [
          { name: 'art' },
          { name: 'locked', overwrites: [{ target: 'ComfyDesk', type: 'member', deny: Perm.AttachFiles }] },
        ],
        members: [{ user: 'owner' }, { user: 'alice', roles: ['Makers'] }],
      },
    ],
  });
  const secrets = new MemorySecretStore();
  core = createCore({
    config: loadConfig({ dataDir: dirs.make('comfydesk-botapi-'), env: {} }),
    mode: 'headless',
    secrets,
    discoverUrls: [],
    workflowsDir: BUNDLED_DIR,
    discord: { clientOptions: fakeClientOptions(discord), cdnOrigins: [discord.cdnUrl] },
  });
  const states: BotState[] = [];
  core.events.on('bot.changed', (s) => states.push(s));
  await core.start();
  return { core, discord, secrets, states };
}

describe('bot API', () => {
  it('token is validated, stored write-only, and the bot goes online; status, invite, guilds, updateGuild', async () => {
    const { core, discord, secrets, states } = await setup();
    expect(await core.api.call('bot.status', {})).toMatchObject({ status: 'no-token', hasToken: false });
    expect(core.healthSummary().bot).toEqual({ status: 'no-token', guilds: 0 });
    await expect(core.api.call('bot.setToken', { token: 'hunter2' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('not a bot token'),
    });
    await expect(core.api.call('bot.invite', {})).rejects.toMatchObject({ code: 'unavailable' });

    const set = await core.api.call('bot.setToken', { token: `Bot ${discord.token}` });
    expect(set).toMatchObject({ status: 'stopped', hasToken: true });
    expect(JSON.stringify(set)).not.toContain(discord.token);
    expect(secrets.get('discordToken')).toBe(discord.token);

    const started = await core.api.call('bot.start', {});
    expect(started).toMatchObject({ status: 'online', guilds: 1, username: 'ComfyDesk' });
    expect(states.map((s) => s.status)).toEqual(expect.arrayContaining(['starting', 'online']));
    expect(core.healthSummary().bot).toEqual({ status: 'online', guilds: 1 });

    const invite = await core.api.call('bot.invite', {});
    const url = new URL(invite.url);
    expect(url.searchParams.get('client_id')).toBe(discord.applicationId);
    expect(url.searchParams.get('permissions')).toBe('274878024704');

    const [guild] = await core.api.call('bot.guilds', {});
    expect(guild).toMatchObject({ name: 'Studio', connected: true, roles: [], bannedWords: [] });
    const makers = guild!.availableRoles.find((r) => r.name === 'Makers')!;
    const updated = await core.api.call('bot.updateGuild', {
      id: guild!.id,
      roles: [{ roleId: makers.id, level: 'generator' }],
      bannedWords: ['Gore', ' gore '],
      limits: { perUserQueue: 2, userRate: { count: 3, windowSec: 60 } },
      settings: { uploadLimitBytes: 25 * 1024 * 1024 },
    });
    expect(updated).toMatchObject({
      roles: [{ roleId: makers.id, level: 'generator', name: 'Makers' }],
      bannedWords: ['gore'],
      limits: { perUserQueue: 2 },
    });
    await expect(core.api.call('bot.updateGuild', { id: '999999999', bannedWords: [] })).rejects.toMatchObject({
      code: 'not_found',
    });

    // Joining a guild registers the commands there at once.
    const mark = discord.recorder.mark();
    const joined = discord.addGuild({ name: 'Second', owner: 'owner', channels: [{ name: 'lobby' }] });
    const put = await discord.waitForCall(
      (c) => c.method === 'PUT' && c.path.endsWith(`/guilds/${joined.id}/commands`),
      { since: mark },
    );
    expect(put.status).toBe(200);
    expect((await core.api.call('bot.guilds', {})).map((g) => g.name).sort()).toEqual(['Second', 'Studio']);

    const stopped = await core.api.call('bot.stop', {});
    expect(stopped).toMatchObject({ status: 'stopped', hasToken: true });
    expect((await core.api.call('bot.guilds', {})).every((g) => !g.connected)).toBe(true);
    const cleared = await core.api.call('bot.clearToken', {});
    expect(cleared).toMatchObject({ status: 'no-token', hasToken: false });
    expect(secrets.get('discordToken')).toBeNull();
  });

  it('registers the commands globally too when the setting asks (per server always)', async () => {
    const { core, discord } = await setup();
    await core.api.call('settings.set', { discord: { registerGlobally: true } });
    await core.api.call('bot.setToken', { token: discord.token });
    const mark = discord.recorder.mark();
    await core.api.call('bot.start', {});
    const global = await discord.waitForCall(
      (c) => c.method === 'PUT' && c.path.endsWith(`/applications/${discord.applicationId}/commands`),
      { since: mark },
    );
    expect(global.status).toBe(200);
    const names = (global.json as Array<{ name: string }>).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'generate',
        'edit',
        'upscale',
        'animate',
        'queue',
        'template',
        'history',
        'status',
        'models',
      ]),
    );
  });

  it('a token Discord refuses puts the bot in error with a fix; health checks report token, guilds and channel permissions', async () => {
    const { core, discord } = await setup();
    const wrong = `${discord.token.slice(0, -4)}AAAA`;
    await core.api.call('bot.setToken', { token: wrong });
    const failed = await core.api.call('bot.start', {});
    expect(failed.status).toBe('error');
    expect(failed.error).toContain('Discord refused the token');
    expect(failed.error).not.toContain(wrong);
    expect(tokenCheckOutcome(core.bot).status).toBe('fail');

    await core.api.call('bot.setToken', { token: discord.token });
    expect((await core.api.call('bot.start', {})).status).toBe('online');
    expect(tokenCheckOutcome(core.bot).status).toBe('ok');
    expect(guildCheckOutcome(core.bot)).toMatchObject({ status: 'ok', details: 'In 1 server.' });
    const art = discord.channel('art').id;
    const locked = discord.channel('locked').id;
    expect(channelCheckOutcome(core.bot, [art]).status).toBe('ok');
    const bad = channelCheckOutcome(core.bot, [art, locked]);
    expect(bad.status).toBe('fail');
    expect(bad.details).toContain('#locked');
    expect(bad.details).toContain('Attach Files');
    expect(discordHealthChecks(core.bot, () => [art]).map((c) => c.id)).toEqual([
      'discord-token',
      'discord-guilds',
      'discord-permissions',
    ]);
  });

  it('the setup guide’s channel list and test message: posts where it may, names the missing permission elsewhere', async () => {
    const { core, discord } = await setup();
    await expect(core.api.call('bot.channels', { guildId: discord.guild('Studio').id })).rejects.toMatchObject({
      title: 'The bot is offline',
    });
    await core.api.call('bot.setToken', { token: discord.token });
    await core.api.call('bot.start', {});
    const channels = await core.api.call('bot.channels', { guildId: discord.guild('Studio').id });
    expect(channels.map((c) => [c.name, c.missing])).toEqual([
      ['art', []],
      ['locked', ['Attach Files']],
    ]);
    const sent = await core.api.call('bot.testMessage', { channelId: channels[0]!.id });
    expect(sent).toMatchObject({ channelName: 'art', guildName: 'Studio' });
    const post = discord.callsTo('POST', new RegExp(`/channels/${channels[0]!.id}/messages$`)).at(-1)!;
    expect(JSON.stringify(post.json)).toContain('ComfyDesk is connected');
    const refused = await core.api.call('bot.testMessage', { channelId: channels[1]!.id }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      title: 'Cannot post there',
      message: 'The bot cannot post in #locked: it lacks Attach Files.',
      hint: expect.stringContaining('Studio → Server Settings → Roles'),
    });
    await expect(core.api.call('bot.channels', { guildId: '123456789012' })).rejects.toMatchObject({
      title: 'Not in that server',
    });
  });
});
