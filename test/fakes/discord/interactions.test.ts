import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ModalBuilder,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Client,
  type Interaction,
} from 'discord.js';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackType, createTestClient, startFakeDiscord, type FakeDiscord } from './';

const imagine = new SlashCommandBuilder()
  .setName('imagine')
  .setDescription('Generate an image')
  .addStringOption((o) => o.setName('prompt').setDescription('What to draw').setRequired(true).setAutocomplete(true))
  .addIntegerOption((o) => o.setName('steps').setDescription('Sampling steps'))
  .addAttachmentOption((o) => o.setName('image').setDescription('Init image'));
const queue = new SlashCommandBuilder()
  .setName('queue')
  .setDescription('Queue tools')
  .addSubcommand((s) => s.setName('list').setDescription('List jobs'))
  .addSubcommand((s) =>
    s
      .setName('clear')
      .setDescription('Clear my jobs')
      .addBooleanOption((o) => o.setName('all').setDescription('All')),
  );

/** Next interaction the client emits, handled by `fn`; resolves with fn's result (or rejects with its error). */
function handleNext<T>(client: Client, fn: (i: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once('interactionCreate', (i) => {
      fn(i).then(resolve, reject);
    });
  });
}

describe('interactions through the real discord.js Client', () => {
  let fake: FakeDiscord;
  let client: Client<true>;
  let png: Buffer;

  beforeEach(async () => {
    fake = await startFakeDiscord();
    client = await createTestClient(fake);
    png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#ff8800' } })
      .png()
      .toBuffer();
  });
  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  it('registers guild commands with a bulk PUT that the fake records and answers', async () => {
    const guild = client.guilds.cache.get(fake.guild('ComfyDesk Lab').id);
    const set = await guild?.commands.set([imagine.toJSON(), queue.toJSON()]);
    expect(set?.map((c) => c.name).sort()).toEqual(['imagine', 'queue']);
    const put = fake.callsTo('PUT', /\/applications\/\d+\/guilds\/\d+\/commands$/)[0];
    expect(put?.status).toBe(200);
    expect(put?.path).toBe(`/applications/${fake.applicationId}/guilds/${guild?.id}/commands`);
    expect((put?.json as Array<{ name: string }>).map((c) => c.name)).toEqual(['imagine', 'queue']);
    // Re-running the overwrite keeps the ids (same name + type).
    const again = await guild?.commands.set([imagine.toJSON()]);
    expect(again?.first()?.id).toBe(set?.find((c) => c.name === 'imagine')?.id);
    expect(fake.state.commands.get(guild?.id ?? '')?.length).toBe(1);
  });

  it('rejects an invalid command with 50035 and the errors tree', async () => {
    const bad = { name: 'Bad Name', description: 'x'.repeat(101) };
    await expect(client.application.commands.set([bad])).rejects.toMatchObject({ code: 50035, status: 400 });
    const put = fake.callsTo('PUT', /\/applications\/\d+\/commands$/)[0];
    expect(put?.response).toMatchObject({
      code: 50035,
      errors: { '0': { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } },
    });
  });

  it('slash command: typed options and attachment, defer, edit, follow-up with a PNG', async () => {
    await client.guilds.cache.first()?.commands.set([imagine.toJSON()]);
    const seen = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      const attachment = i.options.getAttachment('image', true);
      const input = Buffer.from(await (await fetch(attachment.url)).arrayBuffer());
      await i.deferReply();
      await i.editReply('Rendering…');
      const follow = await i.followUp({ content: 'Done', files: [{ attachment: png, name: 'result.png' }] });
      return {
        prompt: i.options.getString('prompt', true),
        steps: i.options.getInteger('steps'),
        input,
        attachmentName: attachment.name,
        member: i.member && 'roles' in i.member ? i.memberPermissions?.has('SendMessages') : null,
        inGuild: i.inGuild(),
        followAttachment: follow.attachments.first()?.name,
      };
    });
    const init = Buffer.from('pretend init image bytes');
    const handle = fake.interactions.slash({
      name: 'imagine',
      user: 'alice',
      options: {
        prompt: 'a red fox',
        steps: 20,
        image: { filename: 'init.png', bytes: init, contentType: 'image/png' },
      },
    });
    const result = await seen;
    expect(result).toMatchObject({
      prompt: 'a red fox',
      steps: 20,
      attachmentName: 'init.png',
      member: true,
      inGuild: true,
      followAttachment: 'result.png',
    });
    expect(result.input.equals(init)).toBe(true);

    const callback = await handle.waitForCallback();
    expect(callback.status).toBe(204);
    expect(callback.json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    expect(callback.headers.authorization).toBeUndefined(); // discord.js sends auth: false here (§1.3)
    const edit = await handle.waitForEdit();
    expect(edit.json).toMatchObject({ content: 'Rendering…' });
    const follow = await handle.waitForFollowUp();
    expect(follow.status).toBe(200);
    expect(follow.files).toHaveLength(1);
    expect(follow.files[0]?.field).toBe('files[0]');
    expect(follow.files[0]?.filename).toBe('result.png');
    expect(follow.files[0]?.bytes.equals(png)).toBe(true);
    expect(follow.json).toMatchObject({ content: 'Done', attachments: [{ id: '0' }] });
    // The fake's own state: the original was edited out of "loading", the follow-up is a separate message.
    expect(handle.originalMessage()?.content).toBe('Rendering…');
    expect(handle.followUps()[0]?.attachments[0]).toMatchObject({
      filename: 'result.png',
      size: png.length,
      width: 8,
      height: 6,
    });
  });

  it('slash command with a subcommand, in a DM', async () => {
    const seen = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      const sub = i.options.getSubcommand();
      const all = i.options.getBoolean('all');
      await i.reply({ content: `cleared ${String(all)}`, withResponse: true });
      // Without Partials.Channel discord.js does not cache DM channels, so use channelId (real behaviour).
      return { sub, all, dm: !i.inGuild(), user: i.user.username, channelId: i.channelId };
    });
    const handle = fake.interactions.slash({
      name: 'queue',
      subcommand: 'clear',
      options: { all: true },
      user: 'bob',
      dm: true,
    });
    expect(await seen).toEqual({ sub: 'clear', all: true, dm: true, user: 'bob', channelId: fake.dmChannel('bob').id });
    const callback = await handle.waitForCallback();
    expect(callback.query.with_response).toBe('true');
    expect(callback.status).toBe(200);
    expect(callback.response).toMatchObject({ resource: { type: 4, message: { content: 'cleared true' } } });
    expect(handle.payload).toMatchObject({ context: 1, user: { username: 'bob' } });
  });

  it('user, role and channel options are resolved (users, members, roles, channels)', async () => {
    const share = new SlashCommandBuilder()
      .setName('share')
      .setDescription('Share a result')
      .addUserOption((o) => o.setName('who').setDescription('Recipient').setRequired(true))
      .addRoleOption((o) => o.setName('role').setDescription('Role').setRequired(true))
      .addChannelOption((o) => o.setName('where').setDescription('Channel').setRequired(true));
    await client.guilds.cache.first()?.commands.set([share.toJSON()]);
    const seen = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      await i.reply({ content: 'ok', flags: 64 });
      const member = i.options.getMember('who');
      return {
        user: i.options.getUser('who', true).username,
        memberRoles:
          member && 'roles' in member && !Array.isArray(member.roles)
            ? member.roles.cache.map((r) => r.name).sort()
            : null,
        role: i.options.getRole('role', true).name,
        channel: i.options.getChannel('where', true).name,
      };
    });
    const handle = fake.interactions.slash({
      name: 'share',
      user: 'bob',
      options: { who: 'alice', role: 'Artist', where: 'results' },
    });
    expect(await seen).toEqual({
      user: 'alice',
      memberRoles: ['@everyone', 'Artist'],
      role: 'Artist',
      channel: 'results',
    });
    const data = handle.payload.data as { options: Array<{ type: number }>; resolved: Record<string, unknown> };
    expect(data.options.map((o) => o.type)).toEqual([6, 8, 7]);
    expect(Object.keys(data.resolved).sort()).toEqual(['channels', 'members', 'roles', 'users']);
  });

  it('autocomplete: focused option and respond() with choices', async () => {
    await client.guilds.cache.first()?.commands.set([imagine.toJSON()]);
    const seen = handleNext(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      const focused = i.options.getFocused(true);
      await i.respond([{ name: `${focused.value} fox`, value: `${focused.value} fox` }]);
      return focused;
    });
    const handle = fake.interactions.autocomplete({
      name: 'imagine',
      user: 'alice',
      focused: 'prompt',
      value: 'red',
      options: { steps: 5 },
    });
    expect(await seen).toMatchObject({ name: 'prompt', value: 'red' });
    const callback = await handle.waitForCallback();
    expect(callback.status).toBe(204);
    expect(callback.json).toEqual({
      type: CallbackType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'red fox', value: 'red fox' }] },
    });
  });

  it('autocomplete with more than 25 choices is refused with 50035', async () => {
    const seen = handleNext(client, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      const many = Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` }));
      return i.respond(many).then(
        () => 'ok',
        (e: { code?: number }) => e.code,
      );
    });
    fake.interactions.autocomplete({ name: 'imagine', user: 'alice', focused: 'prompt', value: 'x' });
    expect(await seen).toBe(50035);
  });

  it('button: update() edits the message the button is on', async () => {
    const channel = fake.channel('general');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('job:42:cancel').setLabel('Cancel').setStyle(ButtonStyle.Danger),
    );
    const sent = client.channels.cache.get(channel.id)?.isSendable()
      ? await (client.channels.cache.get(channel.id) as import('discord.js').TextChannel).send({
          content: 'Job 42 running',
          components: [row],
        })
      : undefined;
    expect(sent).toBeDefined();
    const seen = handleNext(client, async (i) => {
      if (!i.isButton()) throw new Error('expected a button');
      await i.update({ content: 'Job 42 cancelled', components: [] });
      return { customId: i.customId, messageId: i.message.id };
    });
    const handle = fake.interactions.button({ user: 'alice', customId: 'job:42:cancel', message: sent?.id ?? '' });
    expect(await seen).toEqual({ customId: 'job:42:cancel', messageId: sent?.id });
    const callback = await handle.waitForCallback();
    expect(callback.json).toMatchObject({
      type: CallbackType.UpdateMessage,
      data: { content: 'Job 42 cancelled', components: [] },
    });
    expect(fake.message(sent?.id ?? '')?.content).toBe('Job 42 cancelled');
    expect(fake.message(sent?.id ?? '')?.components).toEqual([]);

    // deferUpdate (type 6) then editReply edits the same message through @original.
    const later = handleNext(client, async (i) => {
      if (!i.isButton()) throw new Error('expected a button');
      await i.deferUpdate();
      await i.editReply({ content: 'Job 42 archived' });
    });
    const second = fake.interactions.button({ user: 'bob', customId: 'job:42:archive', message: sent?.id ?? '' });
    await later;
    expect((await second.waitForCallback()).json).toEqual({ type: CallbackType.DeferredMessageUpdate });
    expect((await second.waitForEdit()).status).toBe(200);
    expect(fake.message(sent?.id ?? '')?.content).toBe('Job 42 archived');
  });

  it('modal: showModal() from a slash command, then the modal submit is answered', async () => {
    const shown = handleNext(client, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const modal = new ModalBuilder()
        .setCustomId('settings')
        .setTitle('Generation settings')
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder()
              .setCustomId('negative')
              .setLabel('Negative prompt')
              .setStyle(TextInputStyle.Paragraph),
          ),
        );
      await i.showModal(modal);
    });
    const command = fake.interactions.slash({ name: 'settings', user: 'alice' });
    await shown;
    const modalCall = await command.waitForCallback();
    expect(modalCall.json).toMatchObject({
      type: CallbackType.Modal,
      data: { custom_id: 'settings', title: 'Generation settings' },
    });

    const submitted = handleNext(client, async (i) => {
      if (!i.isModalSubmit()) throw new Error('expected a modal submit');
      const negative = i.fields.getTextInputValue('negative');
      await i.reply({ content: `saved: ${negative}`, flags: 64 });
      return negative;
    });
    const submit = fake.interactions.modalSubmit({
      customId: 'settings',
      user: 'alice',
      fields: { negative: 'blurry, low quality' },
    });
    expect(await submitted).toBe('blurry, low quality');
    const reply = await submit.waitForCallback();
    expect(reply.json).toMatchObject({
      type: CallbackType.ChannelMessageWithSource,
      data: { content: 'saved: blurry, low quality', flags: 64 },
    });
    // Ephemeral: the channel route cannot see it (discord-facts.md §1.4).
    const original = submit.originalMessage();
    expect(original?.flags).toBe(64);
    const general = client.channels.cache.get(fake.channel('general').id) as import('discord.js').TextChannel;
    await expect(general.messages.fetch(original?.id ?? '')).rejects.toMatchObject({ code: 10008 });
  });
});
