/**
 * Bot-token channel routes (discord-facts.md §4.4, §6, §8): create / get / edit / delete messages, list
 * messages, typing, open a DM. Guild channels check the bot's computed permissions (VIEW_CHANNEL -> 50001,
 * SEND_MESSAGES / ATTACH_FILES -> 50013); DMs to a user with closed DMs fail on the send with 403 / 50007.
 */
import { z } from 'zod';
import type { FakeContext } from '../context';
import {
  Codes,
  cannotDm,
  discordError,
  missingAccess,
  missingPermissions,
  noMutualGuilds,
  unknownChannel,
  unknownMessage,
} from '../errors';
import { parseBody } from '../limits';
import { MessageFlag, createMessage, editMessage, messageJson } from '../messages';
import type { FakeChannel, FakeMessage } from '../model';
import { Perm } from '../permissions';
import type { RouteDef } from '../router';
import { apiChannel, memberChannelPermissions } from '../serialize';

const MiB = 1024 * 1024;

/** The bot's permissions in a guild channel, or null for DMs. */
export function botPermissions(ctx: FakeContext, channel: FakeChannel): bigint | null {
  if (!channel.guildId) return null;
  const guild = ctx.state.guilds.get(channel.guildId);
  const member = guild ? ctx.state.member(guild, ctx.state.app.botUserId) : undefined;
  if (!guild || !member) return 0n;
  return memberChannelPermissions(guild, member, channel);
}

/** §4.3: 10 MiB default; boosted guilds (tier 2/3) raise it to 50/100 MiB. */
export function channelUploadLimit(ctx: FakeContext, channel: FakeChannel): number {
  const base = ctx.settings.uploadLimitBytes;
  const guild = channel.guildId ? ctx.state.guilds.get(channel.guildId) : undefined;
  if (guild?.premiumTier === 3) return Math.max(base, 100 * MiB);
  if (guild?.premiumTier === 2) return Math.max(base, 50 * MiB);
  return base;
}

function visibleChannel(ctx: FakeContext, id: string): FakeChannel {
  const channel = ctx.state.channels.get(id);
  if (!channel) throw unknownChannel();
  const perms = botPermissions(ctx, channel);
  if (perms !== null && (perms & Perm.ViewChannel) === 0n) throw missingAccess();
  return channel;
}

function channelMessage(ctx: FakeContext, channel: FakeChannel, id: string): FakeMessage {
  const message = ctx.state.messages.get(id);
  // §1.4: ephemeral messages are invisible to the channel routes.
  if (!message || message.channelId !== channel.id || (message.flags & MessageFlag.Ephemeral) !== 0)
    throw unknownMessage();
  return message;
}

const dmSchema = z.looseObject({ recipient_id: z.string() });

export function channelRoutes(ctx: FakeContext): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: '/channels/:channel_id',
      auth: 'bot',
      handler: (req) => ({
        status: 200,
        body: apiChannel(ctx.state, visibleChannel(ctx, req.params.channel_id ?? '')),
      }),
    },
    {
      method: 'POST',
      pattern: '/channels/:channel_id/messages',
      auth: 'bot',
      handler: (req) => {
        const channel = visibleChannel(ctx, req.params.channel_id ?? '');
        if (channel.recipientId) {
          const recipient = ctx.state.users.get(channel.recipientId);
          if (!recipient || recipient.dmsClosed || recipient.bot) throw cannotDm();
          // §6 / §9: 50278 when the bot and the user share no guild.
          const mutual = [...ctx.state.guilds.values()].some(
            (g) => ctx.state.member(g, recipient.id) && ctx.state.member(g, ctx.state.app.botUserId),
          );
          if (!mutual) throw noMutualGuilds();
        }
        const perms = botPermissions(ctx, channel);
        if (perms !== null) {
          const send = channel.type === 11 || channel.type === 12 ? Perm.SendMessagesInThreads : Perm.SendMessages;
          if ((perms & send) === 0n) throw missingPermissions();
          if (req.files.length > 0 && (perms & Perm.AttachFiles) === 0n) throw missingPermissions();
        }
        const message = createMessage(ctx, {
          channelId: channel.id,
          authorId: ctx.state.app.botUserId,
          json: req.json,
          files: req.files,
          uploadLimit: channelUploadLimit(ctx, channel),
        });
        return { status: 200, body: messageJson(ctx, message) };
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/messages',
      auth: 'bot',
      handler: (req) => {
        const channel = visibleChannel(ctx, req.params.channel_id ?? '');
        const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 50) || 50));
        const list = ctx.state
          .messagesIn(channel.id)
          .filter((m) => (m.flags & MessageFlag.Ephemeral) === 0)
          .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
          .slice(0, limit);
        return { status: 200, body: list.map((m) => messageJson(ctx, m)) };
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel_id/messages/:message_id',
      auth: 'bot',
      handler: (req) => {
        const channel = visibleChannel(ctx, req.params.channel_id ?? '');
        return { status: 200, body: messageJson(ctx, channelMessage(ctx, channel, req.params.message_id ?? '')) };
      },
    },
    {
      method: 'PATCH',
      pattern: '/channels/:channel_id/messages/:message_id',
      auth: 'bot',
      editKey: (p) => `channel:${p.channel_id ?? ''}`,
      handler: (req) => {
        const channel = visibleChannel(ctx, req.params.channel_id ?? '');
        const message = channelMessage(ctx, channel, req.params.message_id ?? '');
        if (message.authorId !== ctx.state.app.botUserId) {
          throw discordError(403, Codes.CannotEditOthersMessage, 'Cannot edit a message authored by another user');
        }
        editMessage(ctx, message, req.json, req.files, channelUploadLimit(ctx, channel));
        return { status: 200, body: messageJson(ctx, message) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channel_id/messages/:message_id',
      auth: 'bot',
      handler: (req) => {
        const channel = visibleChannel(ctx, req.params.channel_id ?? '');
        const message = channelMessage(ctx, channel, req.params.message_id ?? '');
        const perms = botPermissions(ctx, channel);
        if (message.authorId !== ctx.state.app.botUserId && perms !== null && (perms & Perm.ManageMessages) === 0n) {
          throw missingPermissions();
        }
        ctx.state.messages.delete(message.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channel_id/typing',
      auth: 'bot',
      handler: (req) => {
        visibleChannel(ctx, req.params.channel_id ?? '');
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: '/users/@me/channels',
      auth: 'bot',
      handler: (req) => {
        const body = parseBody(dmSchema, req.json);
        const user = ctx.state.users.get(body.recipient_id);
        if (!user) throw discordError(400, Codes.InvalidRecipients, 'Invalid Recipient(s)');
        // §6: opening the DM channel succeeds even when DMs are closed; the send fails.
        return { status: 200, body: apiChannel(ctx.state, ctx.state.dmChannel(user.id)) };
      },
    },
  ];
}
