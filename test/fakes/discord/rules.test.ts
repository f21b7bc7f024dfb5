import { DiscordAPIError, Routes, type Client, type Interaction, type TextChannel } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Codes, createTestClient, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from './';

/** Resolves with what `fn` returns, or with the error it throws (so tests can assert on both). */
function handleNext<T>(client: Client, fn: (i: Interaction) => Promise<T>): Promise<T | unknown> {
  return new Promise((resolve) => {
    client.once('interactionCreate', (i) => {
      fn(i).then(resolve, resolve);
    });
  });
}

/** A promise with its resolver, to hold a handler until the test has moved the fake clock. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('Discord rules enforced by the fake (discord-facts.md §1.2, §4, §5, §6)', () => {
  let fake: FakeDiscord;
  let client: Client<true>;

  async function setup(options: FakeDiscordOptions = {}): Promise<void> {
    fake = await startFakeDiscord(options);
    client = await createTestClient(fake);
  }
  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  const general = (): TextChannel => client.channels.cache.get(fake.channel('general').id) as TextChannel;

  it('a first response later than 3 s (fake clock) fails with 404 / 10062 and discord.js surfaces it', async () => {
    await setup();
    const hold = gate();
    const result = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      await hold.wait;
      await i.deferReply();
    });
    const handle = fake.interactions.slash({ name: 'imagine', user: 'alice', options: { prompt: 'late' } });
    // The deadline counts from dispatch; the handler is held until the clock has moved.
    fake.advance(3_001);
    hold.open();
    const error = await result;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: Codes.UnknownInteraction, status: 404 });
    expect((await handle.waitForCallback()).errorCode).toBe(10062);
    expect(handle.callbackType).toBeNull();
  });

  it('a second callback answers 400 / 40060', async () => {
    await setup();
    const result = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      await i.reply('first');
      // discord.js guards reply() twice locally; go around it to see what Discord answers.
      return client.rest.post(Routes.interactionCallback(i.id, i.token), {
        body: { type: 4, data: { content: 'second' } },
        auth: false,
      });
    });
    fake.interactions.slash({ name: 'imagine', user: 'alice' });
    expect(await result).toMatchObject({ code: Codes.AlreadyAcknowledged, status: 400 });
  });

  it('after 15 minutes the interaction token is dead: editReply fails with 401 / 50027, the bot token survives', async () => {
    await setup();
    const hold = gate();
    const result = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const response = await i.reply({ content: 'queued', withResponse: true });
      await hold.wait;
      const failed = await i.editReply('done').then(
        () => null,
        (e: unknown) => e,
      );
      // §1.7: a non-ephemeral response can still be edited with the bot token.
      const message = response.resource?.message;
      const edited = await message?.edit('done (bot token)');
      return { failed, edited: edited?.content };
    });
    const handle = fake.interactions.slash({ name: 'imagine', user: 'alice' });
    await handle.waitForCallback();
    fake.advance(15 * 60 * 1000 + 1);
    hold.open();
    const { failed, edited } = (await result) as { failed: unknown; edited: string };
    expect(failed).toMatchObject({ code: Codes.InvalidWebhookToken, status: 401 });
    expect(edited).toBe('done (bot token)');
    expect(client.token).toBe(fake.token);
    const patch = fake.callsTo('PATCH', /@original$/)[0];
    expect(patch?.status).toBe(401);
    expect(patch?.response).toEqual({ code: 50027, message: 'Invalid Webhook Token' });
  });

  it('a burst of edits hits a hidden edit limit; discord.js honours retry_after and every edit lands', async () => {
    // Windows are wall time (discord.js sleeps in wall time); 1 s keeps 4 sequential edits inside one window.
    await setup({ rateLimits: { messageEdits: { limit: 3, windowMs: 1_000, advertise: false } } });
    const message = await general().send('progress 0%');
    const edits = Array.from({ length: 8 }, (_, n) => `progress ${(n + 1) * 10}%`);
    const results = await Promise.all(edits.map((content) => message.edit(content)));
    expect(results.map((m) => m.content)).toEqual(edits);
    expect(fake.message(message.id)?.content).toBe('progress 80%');
    expect(fake.message(message.id)?.editCount).toBe(8);

    const patches = fake.callsTo('PATCH', `/channels/${message.channelId}/messages/${message.id}`);
    const limited = patches.filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(fake.rateLimitedCount).toBe(limited.length);
    for (const call of limited) {
      const body = call.response as { retry_after: number; global: boolean };
      expect(body.global).toBe(false);
      expect(body.retry_after).toBeGreaterThan(0);
      // The same edit was sent again later and succeeded.
      expect(
        patches.some(
          (c) => c.seq > call.seq && c.status === 200 && JSON.stringify(c.json) === JSON.stringify(call.json),
        ),
      ).toBe(true);
    }
    expect(patches.filter((c) => c.status === 200)).toHaveLength(8);
  });

  it('progress edits through editReply share one bucket per interaction token and are retried after 429', async () => {
    await setup({ rateLimits: { messageEdits: { limit: 3, windowMs: 1_000, advertise: false } } });
    const steps = ['10%', '20%', '30%', '40%', '50%', '60%'];
    const done = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      await i.deferReply();
      await Promise.all(steps.map((s) => i.editReply(`progress ${s}`)));
      return 'ok';
    });
    const handle = fake.interactions.slash({ name: 'imagine', user: 'alice' });
    expect(await done).toBe('ok');
    const edits = handle.calls().filter((c) => c.method === 'PATCH');
    expect(edits.filter((c) => c.status === 200).map((c) => (c.json as { content: string }).content)).toEqual(
      steps.map((s) => `progress ${s}`),
    );
    expect(edits.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(1);
    expect(handle.originalMessage()?.content).toBe('progress 60%');
    expect(fake.rateLimitHits.every((h) => h.kind === 'edit' && h.key === `edit:webhook:${handle.token}`)).toBe(true);
  });

  it('an advertised edit bucket makes discord.js wait on the headers instead of hitting 429', async () => {
    await setup({ rateLimits: { messageEdits: { limit: 3, windowMs: 1_000, advertise: true } } });
    const waits: number[] = [];
    client.rest.on('rateLimited', (info) => waits.push(info.timeToReset));
    const message = await general().send('0');
    await Promise.all(Array.from({ length: 6 }, (_, n) => message.edit(String(n + 1))));
    expect(fake.message(message.id)?.content).toBe('6');
    expect(fake.rateLimitedCount).toBe(0);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    const last = fake.callsTo('PATCH', /messages/).at(-1);
    expect(last?.status).toBe(200);
  });

  it('a DM to a user with closed DMs fails with 403 / 50007', async () => {
    await setup({
      users: [{ username: 'carol', dmsClosed: true }, { username: 'dave' }],
      guilds: [{ name: 'Lab', members: [{ user: 'alice' }, { user: 'carol' }] }],
    });
    const carol = await client.users.fetch(fake.user('carol').id);
    await expect(carol.send('your image is ready')).rejects.toMatchObject({
      code: Codes.CannotSendMessagesToThisUser,
      status: 403,
    });
    expect(fake.callsTo('POST', '/users/@me/channels')[0]?.status).toBe(200);
    expect(fake.callsTo('POST', `/channels/${fake.dmChannel('carol').id}/messages`)[0]?.status).toBe(403);
    // An open DM to a member of a shared guild works; a stranger gets 50278 (no mutual guilds).
    const alice = await client.users.fetch(fake.user('alice').id);
    await alice.send('hello');
    expect(fake.messages(fake.dmChannel('alice').id).map((m) => m.content)).toEqual(['hello']);
    const dave = await client.users.fetch(fake.user('dave').id);
    await expect(dave.send('hi')).rejects.toMatchObject({ code: Codes.NoMutualGuilds, status: 403 });
  });

  it('a file over the upload limit answers 413 / 40005', async () => {
    await setup({ uploadLimitBytes: 1024 });
    const big = Buffer.alloc(2048, 1);
    await expect(general().send({ files: [{ attachment: big, name: 'big.bin' }] })).rejects.toMatchObject({
      code: Codes.RequestEntityTooLarge,
      status: 413,
    });
    const ok = await general().send({ files: [{ attachment: Buffer.alloc(1024, 2), name: 'fits.bin' }] });
    expect(ok.attachments.first()?.size).toBe(1024);
    // Interaction responses use the payload's attachment_size_limit (§1.6, §4.3).
    const answered = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const limit = i.attachmentSizeLimit;
      const error = await i.reply({ files: [{ attachment: big, name: 'big.png' }] }).catch((e: unknown) => e);
      return { limit, error };
    });
    fake.interactions.slash({ name: 'imagine', user: 'alice' });
    expect(await answered).toMatchObject({ limit: 1024, error: { code: Codes.RequestEntityTooLarge, status: 413 } });
  });

  it('content and embed limits answer 400 / 50035 with the errors tree', async () => {
    await setup();
    await expect(general().send('x'.repeat(2001))).rejects.toMatchObject({ code: 50035, status: 400 });
    const tooMany = Array.from({ length: 11 }, (_, n) => ({ title: `e${n}` }));
    await expect(general().send({ embeds: tooMany })).rejects.toMatchObject({ code: 50035 });
    const heavy = Array.from({ length: 2 }, () => ({ description: 'y'.repeat(3500) }));
    const error = await general()
      .send({ embeds: heavy })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).message).toContain('MAX_EMBED_SIZE_EXCEEDED');
    const calls = fake.callsTo('POST', /\/channels\/\d+\/messages$/);
    expect(calls.map((c) => c.response)).toEqual([
      {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
        },
      },
      {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' }] } },
      },
      {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          embeds: {
            _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
          },
        },
      },
    ]);
  });

  it('missing SEND_MESSAGES in a channel answers 403 / 50013; interaction replies there still work (§8.1)', async () => {
    await setup({
      guilds: [
        {
          name: 'Locked',
          channels: [{ name: 'announcements', overwrites: [{ target: '@everyone', type: 'role', deny: 1n << 11n }] }],
          members: [{ user: 'alice' }],
        },
      ],
    });
    const channel = client.channels.cache.get(fake.channel('announcements').id) as TextChannel;
    await expect(channel.send('hi')).rejects.toMatchObject({ code: Codes.MissingPermissions, status: 403 });
    const replied = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      await i.reply('answered through the interaction webhook');
      return i.appPermissions.has('SendMessages');
    });
    const handle = fake.interactions.slash({ name: 'imagine', user: 'alice', channel: 'announcements' });
    expect(await replied).toBe(false);
    expect((await handle.waitForCallback()).status).toBe(204);
  });
});
