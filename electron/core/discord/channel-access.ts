/** What the bot may do in a channel: the permissions it needs to post results, checked on the cached guild. */
import { PermissionFlagsBits, type Client, type GuildBasedChannel } from 'discord.js';

/** Post a result: see the channel, send, embed and attach. */
export const RESULT_PERMISSIONS = [
  ['ViewChannel', PermissionFlagsBits.ViewChannel],
  ['SendMessages', PermissionFlagsBits.SendMessages],
  ['EmbedLinks', PermissionFlagsBits.EmbedLinks],
  ['AttachFiles', PermissionFlagsBits.AttachFiles],
] as const;

/** For each channel the bot can see: its name, its server's name and the result permissions it lacks there. */
export function channelAccess(
  client: Client<true>,
  channelIds: readonly string[],
): Array<{ channelName: string; guildName: string; missing: string[] }> {
  const out: Array<{ channelName: string; guildName: string; missing: string[] }> = [];
  for (const id of channelIds) {
    const channel = client.channels.cache.get(id) as GuildBasedChannel | undefined;
    if (!channel || !('guild' in channel)) continue;
    const me = channel.guild.members.me;
    const perms = me ? channel.permissionsFor(me) : null;
    const missing = RESULT_PERMISSIONS.filter(([, bit]) => !perms?.has(bit)).map(([name]) => name);
    out.push({ channelName: channel.name, guildName: channel.guild.name, missing });
  }
  return out;
}
