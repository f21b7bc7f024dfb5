import { afterEach, describe, expect, it } from 'vitest';
import { CallbackType, type InteractionHandle } from '@test/fakes/discord';
import { startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function answer(h: InteractionHandle): Promise<{ type: number; text: string; ephemeral: boolean }> {
  const cb = await h.waitForCallback();
  const json = cb.json as { type: number; data?: { flags?: number } };
  return { type: json.type, text: JSON.stringify(json), ephemeral: ((json.data?.flags ?? 0) & 64) === 64 };
}

const gen = (prompt: string) => ({ prompt, steps: 2, width: 512, height: 512 });

describe('roles', () => {
  it('user, generator and admin are refused and allowed correctly', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const guild = discord.guild('ComfyDesk Lab');
    const artist = guild.roles.find((r) => r.name === 'Artist')!;
    await core.api.call('bot.updateGuild', { id: guild.id, roles: [{ roleId: artist.id, level: 'generator' }] });

    // bob has no mapped role: a plain user.
    const bobGen = await answer(discord.interactions.slash({ name: 'generate', user: 'bob', options: gen('nope') }));
    expect(bobGen).toMatchObject({ type: CallbackType.ChannelMessageWithSource, ephemeral: true });
    expect(bobGen.text).toContain('You need the generator role');
    const bobQueue = await answer(discord.interactions.slash({ name: 'queue', subcommand: 'view', user: 'bob' }));
    expect(bobQueue).toMatchObject({ ephemeral: true });
    expect(bobQueue.text).toContain('Queue (');
    const bobTemplate = await answer(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'bob',
        options: { name: 't', prompt: 'p' },
      }),
    );
    expect(bobTemplate.text).toContain('You need the generator role');
    const bobAdmin = await answer(
      discord.interactions.slash({ name: 'admin', subcommand: 'limits', user: 'bob', options: { per_user_queue: 9 } }),
    );
    expect(bobAdmin.text).toContain('Only server admins');

    // alice holds Artist → generator: may generate and save templates, not administer.
    const aliceGen = await answer(discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('yes') }));
    expect(aliceGen.type).toBe(CallbackType.DeferredChannelMessageWithSource);
    const aliceTemplate = await answer(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'alice',
        options: { name: 'noir', prompt: '{prompt}, film noir', shared: true },
      }),
    );
    expect(aliceTemplate.text).toContain('Template: noir');
    const aliceAdmin = await answer(
      discord.interactions.slash({
        name: 'admin',
        subcommand: 'limits',
        user: 'alice',
        options: { per_user_queue: 9 },
      }),
    );
    expect(aliceAdmin.text).toContain('Only server admins');
    expect(core.store.guilds.get(guild.id)!.limits.perUserQueue).toBeUndefined();

    // the owner is admin: changes limits and roles.
    const ownerAdmin = await answer(
      discord.interactions.slash({
        name: 'admin',
        subcommand: 'limits',
        user: 'owner',
        options: { per_user_queue: 9 },
      }),
    );
    expect(ownerAdmin.text).toContain('Queue per member: 9');
    expect(core.store.guilds.get(guild.id)!.limits.perUserQueue).toBe(9);
    const setroles = await answer(
      discord.interactions.slash({
        name: 'admin',
        subcommand: 'setroles',
        user: 'owner',
        options: { admin: 'Artist' },
      }),
    );
    expect(setroles.text).toContain('admin');
    expect(core.store.guilds.roles(guild.id)).toEqual(expect.arrayContaining([{ roleId: artist.id, level: 'admin' }]));

    // bob can load the shared template, and the list shows it; he cannot delete it.
    const list = await answer(discord.interactions.slash({ name: 'template', subcommand: 'list', user: 'bob' }));
    expect(list.text).toContain('noir');
    const del = await answer(
      discord.interactions.slash({ name: 'template', subcommand: 'delete', user: 'bob', options: { name: 'noir' } }),
    );
    expect(del.text).toContain('Only its owner');
    await world.resultPost(core.store.jobs.byUser(discord.user('alice').id)[0]!.id);
    await core.bot.idle();
  });
});

describe('limits', () => {
  it('banned words, per-user queue limit and the rate limit refuse, each saying why', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 5, hold: true } } });
    const { discord, core, comfy } = world;
    const guildId = discord.guild('ComfyDesk Lab').id;
    await core.api.call('bot.updateGuild', { id: guildId, bannedWords: ['gore'], limits: { perUserQueue: 1 } });

    const banned = await answer(
      discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('a Gore scene') }),
    );
    expect(banned).toMatchObject({ type: CallbackType.ChannelMessageWithSource, ephemeral: true });
    expect(banned.text).toContain('banned word \\"gore\\"');

    const first = discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('first') });
    expect((await answer(first)).type).toBe(CallbackType.DeferredChannelMessageWithSource);
    await first.waitForEdit();
    const second = await answer(
      discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('second') }),
    );
    expect(second).toMatchObject({ ephemeral: true });
    expect(second.text).toContain('Queue limit reached');
    expect(second.text).toContain('/queue cancel');

    await core.api.call('bot.updateGuild', {
      id: guildId,
      limits: { perUserQueue: 5, userRate: { count: 1, windowSec: 3600 } },
    });
    const third = await answer(discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('third') }));
    expect(third.text).toContain('Slow down');
    expect(third.text).toMatch(/Try again in \d+ min/);
    // bob is not limited by alice's window
    const bob = discord.interactions.slash({ name: 'generate', user: 'bob', options: gen('bob') });
    expect((await answer(bob)).type).toBe(CallbackType.DeferredChannelMessageWithSource);
    await bob.waitForEdit();

    expect(
      core.store.jobs
        .list({ limit: 50 })
        .map((j) => j.prompt)
        .sort(),
    ).toEqual(['bob', 'first']);
    comfy.setScript({ hold: false });
    comfy.release();
    for (const j of core.store.jobs.list({ limit: 50 })) await world.resultPost(j.id);
    await core.bot.idle();
  });

  it('attachments: non-images are refused before download; an image is fetched from the CDN and queued as an edit', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const pdf = await answer(
      discord.interactions.slash({
        name: 'edit',
        user: 'alice',
        options: {
          prompt: 'x',
          image: { filename: 'doc.pdf', bytes: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' },
        },
      }),
    );
    expect(pdf.text).toContain('must be an image');
    expect(discord.cdnHits).toBe(0);
    const { default: sharp } = await import('sharp');
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366ff' } })
      .png()
      .toBuffer();
    const ok = discord.interactions.slash({
      name: 'edit',
      user: 'alice',
      options: { prompt: 'make it red', image: { filename: 'blue.png', bytes: png, contentType: 'image/png' } },
    });
    expect((await answer(ok)).type).toBe(CallbackType.DeferredChannelMessageWithSource);
    await ok.waitForEdit();
    expect(discord.cdnHits).toBe(1);
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(core.workflows.get(job.workflow)!.manifest.kind).toBe('edit');
    expect(job.inputs).toHaveLength(1);
    await world.resultPost(job.id);
    await core.bot.idle();
  });
});

describe('DMs', () => {
  it('a job command sent in the bot’s DM is refused with where to use it', async () => {
    world = await startWorld();
    const { discord, core } = world;
    // Guild commands are not offered in DMs; a globally registered command would arrive like this.
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      dm: true,
      options: { prompt: { type: 3, value: 'hi' } },
    });
    const a = await answer(h);
    expect(a).toMatchObject({ type: CallbackType.ChannelMessageWithSource, ephemeral: true });
    expect(a.text).toContain('DMs only receive results');
    expect(core.store.jobs.list({ limit: 5 })).toHaveLength(0);
  });
});
