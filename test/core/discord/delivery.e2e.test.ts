import { afterEach, describe, expect, it } from 'vitest';
import { CallbackType } from '@test/fakes/discord';
import { bodyOf, embedOf, startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('delivery', () => {
  it('DM delivery by default setting; closed DMs fall back to the channel with an ephemeral notice', async () => {
    world = await startWorld({ discord: { users: [{ username: 'bob', dmsClosed: true }] } });
    const { discord } = world;

    // Alice makes DM her default, then generates.
    const s = discord.interactions.slash({ name: 'settings', user: 'alice', options: { delivery: 'dm' } });
    expect(JSON.stringify((await s.waitForCallback()).json)).toContain('by direct message');
    const a = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'for alice', steps: 2, width: 512, height: 512 },
    });
    await a.waitForEdit();
    const aliceJob = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(aliceJob.delivery).toBe('dm');
    const dmPost = await world.resultPost(aliceJob.id);
    expect(dmPost.path).toBe(`/channels/${discord.dmChannel('alice').id}/messages`);
    expect(dmPost.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');
    await world.core.bot.idle();
    expect(
      String(
        embedOf(
          a
            .calls()
            .filter((c) => c.method === 'PATCH')
            .at(-1)!,
        ).description,
      ),
    ).toContain('sent to you by direct message');

    // Buttons on the DM'd result work there too, judged by Alice's roles in the server the job came from.
    const dmResult = (dmPost.response as { id: string }).id;
    const vary = discord.interactions.button({ user: 'alice', customId: `cd:vary:${aliceJob.id}`, message: dmResult });
    expect((await vary.waitForCallback()).json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    await vary.waitForEdit();
    const child = world.core.store.jobs.byUser(discord.user('alice').id).find((j) => j.parentJobId === aliceJob.id)!;
    expect(child.guildId).toBe(discord.guild('ComfyDesk Lab').id);
    await world.resultPost(child.id);
    await world.core.bot.idle();

    // Bob asks for a DM but his DMs are closed.
    const b = discord.interactions.slash({
      name: 'generate',
      user: 'bob',
      options: { prompt: 'for bob', steps: 2, width: 512, height: 512, delivery: 'dm' },
    });
    await b.waitForEdit();
    const bobJob = world.core.store.jobs.byUser(discord.user('bob').id)[0]!;
    const post = await world.resultPost(bobJob.id);
    expect(post.path).toBe(`/channels/${discord.channel('general').id}/messages`);
    expect(String(bodyOf(post).content)).toContain('your DMs are closed');
    const refusedDm = discord.callsTo('POST', `/channels/${discord.dmChannel('bob').id}/messages`)[0]!;
    expect(refusedDm.status).toBe(403);
    expect(refusedDm.errorCode).toBe(50007);
    const notice = await b.waitForFollowUp();
    expect(notice.json).toMatchObject({ flags: 64 });
    expect(String((notice.json as { content: string }).content)).toContain('DMs are closed');
    // Only one DM attempt (retrying would add 403s toward the invalid-request limit).
    expect(discord.callsTo('POST', `/channels/${discord.dmChannel('bob').id}/messages`)).toHaveLength(1);
  });

  it('a job longer than 15 minutes still delivers: new message and bot-token edits, not the dead token', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 5, hold: { step: 1 } } } });
    // Token death the bot cannot foresee: its own clock says the token is young, Discord refuses it.
    const { discord, comfy } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a long night', steps: 4, width: 512, height: 512 },
    });
    const first = await h.waitForEdit();
    const progressId = (first.response as { id: string }).id;
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await comfy.waitForHeld();
    discord.advance(16 * 60 * 1000); // the interaction token is now dead (fake clock)
    comfy.release();
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    expect(post.path).toBe(`/channels/${discord.channel('general').id}/messages`);
    await world.core.bot.idle();
    const channelEdit = discord
      .callsTo('PATCH', `/channels/${discord.channel('general').id}/messages/${progressId}`)
      .at(-1)!;
    expect(channelEdit.status).toBe(200);
    expect(embedOf(channelEdit).title).toBe('Done');
    expect(discord.message(progressId)?.embeds[0]).toMatchObject({ title: 'Done' });
    // The dead token was tried once; every later edit went straight to the channel message.
    const refused = discord.calls.filter((c) => c.method === 'PATCH' && c.status === 401);
    expect(refused.length).toBeLessThanOrEqual(1);
    const channelEdits = discord.callsTo('PATCH', `/channels/${discord.channel('general').id}/messages/${progressId}`);
    expect(channelEdits.length).toBeGreaterThanOrEqual(refused.length);
  });

  it('a token Discord refuses is tried once per job: the later edits go straight to the channel message', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 150, hold: { step: 1 } } } });
    const { discord, comfy } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'many edits', steps: 8, width: 512, height: 512 },
    });
    const progressId = ((await h.waitForEdit()).response as { id: string }).id;
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await comfy.waitForHeld();
    discord.advance(16 * 60 * 1000); // Discord's clock: the token is dead; the bot's clock does not know
    comfy.release();
    await world.resultPost(job.id);
    await world.core.bot.idle();
    const refused = discord.calls.filter((c) => c.method === 'PATCH' && c.status === 401);
    const channelEdits = discord.callsTo('PATCH', `/channels/${discord.channel('general').id}/messages/${progressId}`);
    expect(refused).toHaveLength(1);
    expect(channelEdits.length).toBeGreaterThanOrEqual(3);
    expect(channelEdits.every((c) => c.status === 200)).toBe(true);
  });

  it('a delivery that fails goes to the outbox and is sent after the bot reconnects', async () => {
    world = await startWorld();
    const { discord } = world;
    const general = discord.channel('general').id;
    discord.inject({
      method: 'POST',
      path: `/channels/${general}/messages`,
      status: 500,
      body: { message: 'Internal Server Error', code: 0 },
      times: 4,
    });
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'outbox', steps: 2, width: 512, height: 512 },
    });
    await h.waitForEdit();
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await world.waitJob(job.id, 'done');
    await world.core.bot.idle();
    expect(world.core.store.outbox.get(job.id)).toMatchObject({ attempts: 1 });
    expect(
      String(
        embedOf(
          h
            .calls()
            .filter((c) => c.method === 'PATCH')
            .at(-1)!,
        ).description,
      ),
    ).toContain('could not be posted yet');
    // discord.js retried the 500s itself (1 + 3 retries), then the bot kept the delivery.
    expect(discord.callsTo('POST', `/channels/${general}/messages`).map((c) => c.status)).toEqual([500, 500, 500, 500]);
    await world.restart();
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    await world.core.bot.idle();
    expect(world.core.store.outbox.get(job.id)).toBeNull();
    expect(world.core.store.jobs.get(job.id)!.messages.results).toEqual([(post.response as { id: string }).id]);
  });
});

describe('upload limit', () => {
  it('a file that cannot be fitted to the server limit is left out and the message says the desktop keeps it', async () => {
    world = await startWorld();
    const { discord, core } = world;
    await core.api.call('bot.updateGuild', {
      id: discord.guild('ComfyDesk Lab').id,
      settings: { uploadLimitBytes: 64 },
    });
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'too big', steps: 2, width: 512, height: 512 },
    });
    await h.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    const post = await world.resultPost(job.id);
    expect(post.files).toHaveLength(0);
    expect(String(embedOf(post).description)).toMatch(
      /1 of 1 file not attached \(.+\); the original is kept in ComfyDesk on the desktop/,
    );
    expect(embedOf(post).image).toBeUndefined();
    await core.bot.idle();
  });
});

describe('bot offline', () => {
  it('a job that ends while the bot is stopped is delivered when it starts again', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 5, hold: { step: 1 } } } });
    const { discord, comfy, core } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'while away', steps: 3, width: 512, height: 512 },
    });
    await h.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await comfy.waitForHeld();
    expect((await core.api.call('bot.stop', {})).status).toBe('stopped');
    comfy.release();
    await world.waitJob(job.id, 'done');
    await core.bot.idle();
    expect(core.store.outbox.get(job.id)).toMatchObject({ attempts: 1, lastError: 'the bot is offline' });
    expect((await core.api.call('bot.start', {})).status).toBe('online');
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    await core.bot.idle();
    expect(core.store.outbox.get(job.id)).toBeNull();
  });
});

describe('ack', () => {
  it('every job command is acknowledged before doing slow work (deferred first)', async () => {
    world = await startWorld();
    const { discord } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'quick', steps: 2, width: 512, height: 512 },
    });
    const cb = await h.waitForCallback();
    expect(cb.json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    await h.waitForEdit();
    const calls = h.calls();
    expect(calls[0]!.path.endsWith('/callback')).toBe(true);
    await world.resultPost(world.core.store.jobs.byUser(discord.user('alice').id)[0]!.id);
    await world.core.bot.idle();
  });
});
