/**
 * The setup guide's Discord checks: the text channels of a server the bot can see, each with the permissions it
 * lacks to post results there, and a test message posted to one, refused (before any request) when a permission
 * is missing, naming it and where to give it.
 */
import { ChannelType, type Client, type GuildBasedChannel } from 'discord.js';
import { RESULT_PERMISSIONS } from './channel-access';

export interface TextChannelView {
  id: string;
  name: string;
  /** Result permissions the bot lacks there (View Channel, Send Messages, Embed Links, Attach Files). */
  missing: string[];
}

/** "SendMessages" → "Send Messages". */
export const permissionName = (flag: string): string => flag.replace(/([a-z])([A-Z])/g, '$1 $2');

function missingIn(channel: GuildBasedChannel): string[] {
  const me = channel.guild.members.me;
  const perms = me ? channel.permissionsFor(me) : null;
  return RESULT_PERMISSIONS.filter(([, bit]) => !perms?.has(bit)).map(([name]) => permissionName(name));
}

/** The server's text channels in their Discord order; null when the bot is not in that server. */
export function textChannels(client: Client<true>, guildId: string): TextChannelView[] | null {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return null;
  return [...guild.channels.cache.values()]
    .filter((c) => c.type === ChannelType.GuildText || c.type === ChannelType.GuildAnnouncement)
    .sort((a, b) => ('position' in a && 'position' in b ? a.position - b.position : 0))
    .map((c) => ({ id: c.id, name: c.name, missing: missingIn(c) }));
}

export type TestMessageResult =
  { ok: true; messageId: string; channelName: string; guildName: string } | { ok: false; reason: string; hint: string };

/** Post a short hello to a channel, or say why it cannot be done and what to change in Discord. */
export async function sendTestMessage(client: Client<true>, channelId: string): Promise<TestMessageResult> {
  const channel = client.channels.cache.get(channelId) as GuildBasedChannel | undefined;
  if (!channel || !('guild' in channel)) {
    return {
      ok: false,
      reason: 'The bot does not see that channel.',
      hint: 'Pick a channel of a server the bot is in (invite it first), or give its role View Channel there.',
    };
  }
  const missing = missingIn(channel);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `The bot cannot post in #${channel.name}: it lacks ${missing.join(', ')}.`,
      hint: `In Discord: ${channel.guild.name} → Server Settings → Roles (or #${channel.name} → Edit Channel → Permissions): allow these for the bot's role.`,
    };
  }
  if (!channel.isTextBased() || !('send' in channel)) {
    return { ok: false, reason: `#${channel.name} is not a text channel.`, hint: 'Pick a text channel.' };
  }
  const message = await channel.send({
    content: '👋 ComfyDesk is connected. Try `/generate prompt: a lighthouse at dawn` here.',
    allowedMentions: { parse: [] },
  });
  return { ok: true, messageId: message.id, channelName: channel.name, guildName: channel.guild.name };
}
