/**
 * Sharing the GPU on Discord, end to end (the real discord.js on the fake Discord, the real core): owner controls
 * for the linked account only, linking by DM with the app's code, channel rules, words only age-restricted
 * channels allow, results as spoilers, /usage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf, replyTo, startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const gen = (prompt: string) => ({ prompt, steps: 2, width: 512, height: 512 });

const LAB = {
  name: 'ComfyDesk Lab',
  owner: 'owner',
  roles: [{ name: 'Artist', permissions: 0n }],
  channels: [{ name: 'general' }, { name: 'results' }, { name: 'after-dark', nsfw: true }],
  members: [{ user: 'owner' }, { user: 'alice', roles: ['Artist'] }, { user: 'bob', roles: ['Artist'] }],
};

async function lab(): Promise<World> {
  const w = await startWorld({ discord: { guilds: [LAB] } });
  const guild = w.discord.guild('ComfyDesk Lab');
  const artist = guild.roles.find((r) => r.name === 'Artist')!;
  await w.core.api.call('bot.updateGuild', { id: guild.id, roles: [{ roleId: artist.id, level: 'generator' }] });
  return w;
}

describe('owner controls from Discord', () => {
  it('are refused to anyone else without saying what they are; linking needs the app’s code, sent by DM', async () => {
    world = await lab();
    const { discord, core } = world;
    const slash = discord.interactions.slash.bind(discord.interactions);

    const stranger = await replyTo(slash({ name: 'owner', subcommand: 'pause', user: 'alice' }));
    expect(stranger.ephemeral).toBe(true);
    expect(stranger.text).toContain('This command is not available.');
    expect(stranger.text).not.toMatch(/paus|queue|owner/i);
    expect(core.store.settings.get().queue.paused).toBe(false);

    // A code in a server channel is refused (everyone would see it); a wrong code by DM too.
    const { code } = await core.api.call('owner.linkCode', {});
    const inChannel = await replyTo(slash({ name: 'link', user: 'bob', options: { code } }));
    expect(inChannel.text).toContain('sent to the bot in a direct message');
    const wrong = await replyTo(slash({ name: 'link', user: 'alice', dm: true, options: { code: 'AAAA-AAAA' } }));
    expect(wrong.text).toContain('That code is not valid');
    expect(core.store.owner.linked()).toBeNull();

    const linked = await replyTo(slash({ name: 'link', user: 'bob', dm: true, options: { code } }));
    expect(linked.text).toContain('is now the owner’s');
    expect(core.store.owner.linked()).toMatchObject({ userId: discord.user('bob').id });
    // The code was used once.
    const again = await replyTo(slash({ name: 'link', user: 'alice', dm: true, options: { code } }));
    expect(again.text).toContain('That code is not valid');

    // bob (a plain member of this server) now has the owner's controls, ephemerally, in any channel.
    const paused = await replyTo(slash({ name: 'owner', subcommand: 'pause', user: 'bob', channel: 'results' }));
    expect(paused).toMatchObject({ ephemeral: true });
    expect(paused.text).toContain('Queue paused');
    expect(core.store.settings.get().queue.paused).toBe(true);
    const health = await replyTo(slash({ name: 'owner', subcommand: 'health', user: 'bob', dm: true }));
    expect(health.text).toContain('ComfyUI online');
    expect(health.text).toContain('(paused)');
    await replyTo(slash({ name: 'owner', subcommand: 'resume', user: 'bob' }));
    expect(core.store.settings.get().queue.paused).toBe(false);
    const status = await replyTo(slash({ name: 'owner', subcommand: 'status', user: 'bob' }));
    expect(status.text).toContain('Bot online');
    const freed = await replyTo(slash({ name: 'owner', subcommand: 'free-vram', user: 'bob' }));
    expect(freed.text).toContain('Models unloaded and memory freed');
    expect(world.comfy.frees.length).toBeGreaterThan(0);

    // Every owner action is logged with who and when, for the app.
    const log = await core.api.call('owner.actions', {});
    expect(log.map((a) => [a.via, a.userName, a.action])).toEqual([
      ['discord', 'bob', 'freeVram'],
      ['discord', 'bob', 'status'],
      ['discord', 'bob', 'resume'],
      ['discord', 'bob', 'health'],
      ['discord', 'bob', 'pause'],
      ['discord', 'bob', 'link'],
    ]);
  });

  it('stop a user from generating with a reason they are shown, cancel any job, let them again', async () => {
    world = await lab();
    const { discord, core } = world;
    const slash = discord.interactions.slash.bind(discord.interactions);
    const { code } = await core.api.call('owner.linkCode', {});
    await replyTo(slash({ name: 'link', user: 'bob', dm: true, options: { code } }));

    await core.api.call('queue.pause', { paused: true });
    await replyTo(slash({ name: 'generate', user: 'alice', options: gen('waiting one') }));
    const waiting = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    const cancelled = await replyTo(
      slash({ name: 'owner', subcommand: 'cancel', user: 'bob', options: { job: String(waiting.number) } }),
    );
    expect(cancelled.text).toContain(`#${waiting.number}`);
    expect(core.store.jobs.get(waiting.id)!.status).toBe('cancelled');

    const blocked = await replyTo(
      slash({
        name: 'owner',
        subcommand: 'block',
        user: 'bob',
        options: { user: 'alice', reason: 'Taking a break from the GPU today' },
      }),
    );
    expect(blocked.text).toContain('may not generate in ComfyDesk Lab now');
    const refused = await replyTo(slash({ name: 'generate', user: 'alice', options: gen('let me') }));
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('Taking a break from the GPU today');

    await replyTo(slash({ name: 'owner', subcommand: 'unblock', user: 'bob', options: { user: 'alice' } }));
    const allowed = await replyTo(slash({ name: 'generate', user: 'alice', options: gen('thanks') }));
    expect(allowed.ephemeral).toBe(false);
    const actions = (await core.api.call('owner.actions', {})).map((a) => a.action);
    expect(actions.slice(0, 3)).toEqual(['unblock', 'block', 'cancel']);
  });
});

describe('channel rules', () => {
  it('refuse outside the allowed channels saying where to go; NSFW words only in age-restricted channels', async () => {
    world = await lab();
    const { discord, core } = world;
    const slash = discord.interactions.slash.bind(discord.interactions);
    const guild = discord.guild('ComfyDesk Lab');
    const results = discord.channel('results', guild.id).id;
    const afterDark = discord.channel('after-dark', guild.id).id;
    await core.api.call('bot.updateGuild', {
      id: guild.id,
      settings: { channelRules: { channels: [results, afterDark], nsfwWords: ['gore'] } },
    });

    const elsewhere = await replyTo(
      slash({ name: 'generate', user: 'alice', channel: 'general', options: gen('cat') }),
    );
    expect(elsewhere.ephemeral).toBe(true);
    expect(elsewhere.text).toContain(`ComfyDesk answers in <#${results}>, <#${afterDark}> on this server.`);
    const usage = await replyTo(slash({ name: 'usage', subcommand: 'me', user: 'alice', channel: 'general' }));
    expect(usage.text).toContain('Not in this channel');

    const word = await replyTo(
      slash({ name: 'generate', user: 'alice', channel: 'results', options: gen('gore cat') }),
    );
    expect(word.ephemeral).toBe(true);
    expect(word.text).toContain(
      'Your prompt contains “gore”, which this server allows only in age-restricted channels.',
    );
    const nsfw = await replyTo(
      slash({ name: 'generate', user: 'alice', channel: 'after-dark', options: gen('gore cat') }),
    );
    expect(nsfw.ephemeral).toBe(false);
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(job.prompt).toBe('gore cat');
  });

  it('post results as spoilers outside age-restricted channels when the server asks; /usage shows the GPU time', async () => {
    world = await lab();
    const { discord, core } = world;
    const slash = discord.interactions.slash.bind(discord.interactions);
    const guild = discord.guild('ComfyDesk Lab');
    await core.api.call('bot.updateGuild', { id: guild.id, settings: { channelRules: { spoilerOutsideNsfw: true } } });

    await replyTo(slash({ name: 'generate', user: 'alice', channel: 'results', options: gen('a spoiler') }));
    const hidden = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    const post = bodyOf(await world.resultPost(hidden.id));
    expect(post.attachments).toEqual([{ id: 0, filename: 'SPOILER_result-1.png' }]);

    await replyTo(slash({ name: 'generate', user: 'alice', channel: 'after-dark', options: gen('in the open') }));
    const open = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(bodyOf(await world.resultPost(open.id)).attachments).toEqual([{ id: 0, filename: 'result-1.png' }]);

    const me = await replyTo(slash({ name: 'usage', subcommand: 'me', user: 'alice' }));
    expect(me.ephemeral).toBe(true);
    expect(me.text).toContain('(2 jobs)');
    expect(me.text).toContain('No daily limit');
    const notAdmin = await replyTo(slash({ name: 'usage', subcommand: 'server', user: 'alice' }));
    expect(notAdmin.text).toContain('Only server admins');
    const server = await replyTo(slash({ name: 'usage', subcommand: 'server', user: 'owner' }));
    expect(server.text).toContain('2 jobs, 0 failed, 1 users');
    expect(server.text).toContain(`<@${discord.user('alice').id}>`);
  });
});
