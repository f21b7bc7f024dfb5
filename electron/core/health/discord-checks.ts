/**
 * Discord checks in the health list (through comfy/health's registerCheck): the token is valid (the bot logs
 * in), the bot is in at least one server, and it may send messages, embed links and attach files in the
 * channels it answered in lately.
 */
import { PermissionFlagsBits, type GuildBasedChannel } from 'discord.js';
import { registerCheck, type CheckOutcome, type HealthCheck } from './registry';
import type { DiscordBot } from '@core/discord/bot';

let current: DiscordBot | null = null;
let registered = false;

const NEEDED = [
  ['ViewChannel', PermissionFlagsBits.ViewChannel],
  ['SendMessages', PermissionFlagsBits.SendMessages],
  ['EmbedLinks', PermissionFlagsBits.EmbedLinks],
  ['AttachFiles', PermissionFlagsBits.AttachFiles],
] as const;

export function tokenCheckOutcome(bot: DiscordBot | null): CheckOutcome {
  const s = bot?.state();
  if (!s || !s.hasToken) return { status: 'warn', details: 'No Discord bot token is set.', fixHint: 'Paste the bot token on the Discord bot page to let friends generate from Discord.' };
  if (s.status === 'error') return { status: 'fail', details: s.error ?? 'The bot could not log in.', fixHint: 'Reset the token in the Discord Developer Portal (Bot → Reset Token) and paste it again.' };
  if (s.status === 'online') return { status: 'ok', details: `Logged in as ${s.username ?? 'the bot'}.` };
  return { status: 'warn', details: `The bot is ${s.status}.`, fixHint: 'Start the bot on the Discord bot page.' };
}

export function guildCheckOutcome(bot: DiscordBot | null): CheckOutcome {
  const client = bot?.discord;
  if (!client) return { status: 'warn', details: 'The bot is not online, so its servers are unknown.', fixHint: 'Start the bot first.' };
  const n = client.guilds.cache.size;
  if (n === 0) return { status: 'fail', details: 'The bot is in no server.', fixHint: 'Use the invite link on the Discord bot page to add it to your server.' };
  return { status: 'ok', details: `In ${n} server${n === 1 ? '' : 's'}.` };
}

/** The channels the bot posted in recently (from Discord jobs) and what it lacks there. */
export function channelCheckOutcome(bot: DiscordBot | null, recentChannelIds: readonly string[]): CheckOutcome {
  const client = bot?.discord;
  if (!client) return { status: 'warn', details: 'The bot is not online.', fixHint: 'Start the bot first.' };
  const problems: string[] = [];
  let checked = 0;
  for (const id of recentChannelIds) {
    const channel = client.channels.cache.get(id) as GuildBasedChannel | undefined;
    if (!channel || !('guild' in channel)) continue;
    const me = channel.guild.members.me;
    const perms = me ? channel.permissionsFor(me) : null;
    checked++;
    const missing = NEEDED.filter(([, bit]) => !perms?.has(bit)).map(([name]) => name);
    if (missing.length) problems.push(`#${channel.name} in ${channel.guild.name}: missing ${missing.join(', ')}`);
  }
  if (problems.length) return { status: 'fail', details: problems.join('; '), fixHint: 'Give the bot’s role View Channel, Send Messages, Embed Links and Attach Files in those channels.' };
  if (checked === 0) return { status: 'ok', details: 'No channel used yet; permissions are checked once the bot has answered in one.' };
  return { status: 'ok', details: `The bot may post results in the ${checked} channel${checked === 1 ? '' : 's'} used lately.` };
}

/** Make `bot` the one the Discord health checks look at (registered once per process). */
export function useBotForHealth(bot: DiscordBot, recentChannels: () => string[]): () => void {
  current = bot;
  if (!registered) {
    registered = true;
    const checks: HealthCheck[] = [
      { id: 'discord-token', title: 'Discord bot token', run: async () => tokenCheckOutcome(current) },
      { id: 'discord-guilds', title: 'Discord bot in a server', run: async () => guildCheckOutcome(current) },
      { id: 'discord-permissions', title: 'Discord channel permissions', run: async () => channelCheckOutcome(current, channelsOf()) },
    ];
    for (const c of checks) registerCheck(c);
  }
  channelsOf = recentChannels;
  return () => {
    if (current === bot) current = null;
  };
}

let channelsOf: () => string[] = () => [];
