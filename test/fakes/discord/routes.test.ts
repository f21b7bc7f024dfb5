import { Routes, type Client, type Guild, type Interaction, type TextChannel } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackType, createTestClient, startFakeDiscord, type FakeDiscord } from './';

function handleNext<T>(client: Client, fn: (i: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once('interactionCreate', (i) => {
      fn(i).then(resolve, reject);
    });
  });
}

describe('REST reads, message lifecycle and interaction webhooks through discord.js', () => {
  let fake: FakeDiscord;
  let client: Client<true>;
  let guild: Guild;

  beforeEach(async () => {
    fake = await startFakeDiscord();
    client = await createTestClient(fake);
    const cached = client.guilds.cache.first();
    if (!cached) throw new Error('no guild cached');
    guild = cached;
  });
  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  it('serves the application, users, members, roles and channels', async () => {
    const app = await client.application.fetch();
    expect(app.id).toBe(fake.applicationId);
    expect(app.owner?.id).toBe(fake.user('owner').id);
    const alice = await guild.members.fetch({ user: fake.user('alice').id, force: true });
    expect(alice.roles.cache.map((r) => r.name).sort()).toEqual(['@everyone', 'Artist']);
    expect((await guild.roles.fetch()).size).toBe(2);
    expect((await guild.channels.fetch()).map((c) => c?.name).sort()).toEqual(['general', 'results']);
    expect((await client.users.fetch(fake.user('bob').id, { force: true })).username).toBe('bob');
    await expect(guild.members.fetch({ user: '123456789012345678', force: true })).rejects.toMatchObject({
      code: 10007,
      status: 404,
    });
    // Every bot-token answer advertises its bucket (discord-facts.md §5.2).
    const call = fake.callsTo('GET', '/applications/@me')[0];
    expect(call?.responseHeaders).toMatchObject({ 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '49' });
    expect(call?.responseHeaders['X-RateLimit-Bucket']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('creates, lists, fetches, edits and deletes channel messages', async () => {
    const channel = client.channels.cache.get(fake.channel('results').id) as TextChannel;
    const a = await channel.send('first');
    const b = await channel.send({ content: 'second', embeds: [{ title: 'Result', description: 'seed 42' }] });
    const listed = await channel.messages.fetch({ limit: 10 });
    expect(listed.map((m) => m.content)).toEqual(['second', 'first']);
    expect((await channel.messages.fetch({ message: b.id, force: true })).embeds[0]?.title).toBe('Result');
    await a.edit('first (edited)');
    expect(fake.message(a.id)?.editedTimestamp).not.toBeNull();
    await b.delete();
    expect(fake.messages('results').map((m) => m.content)).toEqual(['first (edited)']);
  });

  it('a follow-up right after a deferral edits the loading message; later ones are new; follow-ups can be edited, original deleted', async () => {
    const done = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const deferred = await i.deferReply({ withResponse: true });
      const first = await i.followUp('took over the loading message');
      const second = await i.followUp('a new message');
      await i.editReply({ message: second.id, content: 'a new message (edited)' });
      const original = await i.fetchReply();
      await i.deleteReply();
      return {
        loading: deferred.interaction.responseMessageLoading,
        deferredId: deferred.resource?.message?.id,
        first: first.id,
        second: second.id,
        original: original.content,
      };
    });
    const handle = fake.interactions.slash({ name: 'imagine', user: 'alice' });
    const r = await done;
    expect(r.loading).toBe(true);
    expect(r.first).toBe(r.deferredId); // §1.3 deprecated behaviour
    expect(r.second).not.toBe(r.first);
    expect(r.original).toBe('took over the loading message');
    expect(fake.message(r.second)?.content).toBe('a new message (edited)');
    expect(fake.message(r.first)).toBeUndefined();
    expect(handle.calls().map((c) => `${c.method} ${c.status}`)).toEqual([
      'POST 200',
      'POST 200',
      'POST 200',
      'PATCH 200',
      'GET 200',
      'DELETE 204',
    ]);
  });

  it('modal submit in a DM, answered with an ephemeral reply', async () => {
    const done = handleNext(client, async (i) => {
      if (!i.isModalSubmit()) throw new Error('expected a modal submit');
      await i.reply({ content: 'ok', flags: 64 });
      return { value: i.fields.getTextInputValue('prompt'), dm: !i.inGuild() };
    });
    const handle = fake.interactions.modalSubmit({
      customId: 'edit-prompt',
      user: 'bob',
      dm: true,
      fields: { prompt: 'a cat' },
      legacyRows: true,
    });
    expect(await done).toEqual({ value: 'a cat', dm: true });
    expect((await handle.waitForCallback()).json).toMatchObject({ type: CallbackType.ChannelMessageWithSource });
  });

  it('signed CDN URLs expire with the fake clock', async () => {
    const url = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      return i.options.getAttachment('image', true).url;
    });
    fake.interactions.slash({
      name: 'imagine',
      user: 'alice',
      options: { image: { filename: 'a.png', bytes: Buffer.from('abc') } },
    });
    const download = await url;
    expect(new URL(download).searchParams.get('ex')).toMatch(/^[0-9a-f]+$/);
    expect((await fetch(download)).status).toBe(200);
    fake.advance(24 * 60 * 60 * 1000 + 1);
    expect((await fetch(download)).status).toBe(404);
    expect(fake.cdnHits).toBe(2);
  });

  it('injected 500s are retried by discord.js; PONG is only valid for PING', async () => {
    fake.inject({
      method: 'POST',
      path: /\/messages$/,
      status: 500,
      body: { message: '500: Internal Server Error', code: 0 },
    });
    const channel = client.channels.cache.get(fake.channel('general').id) as TextChannel;
    await channel.send('survives a 500');
    expect(fake.callsTo('POST', /\/messages$/).map((c) => c.status)).toEqual([500, 200]);

    const ping = fake.interactions.ping();
    await client.rest.post(Routes.interactionCallback(ping.id, ping.token), {
      body: { type: CallbackType.Pong },
      auth: false,
    });
    expect(ping.callbackType).toBe(CallbackType.Pong);
    const wrong = handleNext(client, async (i) =>
      client.rest
        .post(Routes.interactionCallback(i.id, i.token), { body: { type: CallbackType.Pong }, auth: false })
        .catch((e: unknown) => e),
    );
    fake.interactions.slash({ name: 'imagine', user: 'alice' });
    expect(await wrong).toMatchObject({ code: 50035, status: 400 });
  });

  it('a guild added later arrives as GUILD_CREATE and discord.js emits guildCreate', async () => {
    const joined = new Promise<string>((resolve) => client.once('guildCreate', (g) => resolve(g.name)));
    fake.addGuild({ name: 'Second Server', members: [{ user: 'alice' }] });
    expect(await joined).toBe('Second Server');
    expect(client.guilds.cache.size).toBe(2);
  });
});
