/**
 * Discord checks in the health list: the token is valid (the bot logs in), the bot is in at least one server,
 * and it may send messages, embed links and attach files in the channels it answered in lately. They read the
 * bot through `DiscordHealthSource` (the composition root passes the bot), so health knows nothing of discord.js.
 */
import type { BotState } from '@shared/api/bot';
import type { CheckOutcome, HealthCheck } from './registry';

/** What the bot lacks in one channel. */
export interface ChannelAccess {
  channelName: string;
  guildName: string;
  /** Permission names, e.g. "AttachFiles"; empty when it has all it needs. */
  missing: string[];
}

export interface DiscordHealthSource {
  state(): Pick<BotState, 'hasToken' | 'status' | 'error' | 'username'>;
  /** How many servers the bot is in; null while it is not online. */
  guildCount(): number | null;
  /** The bot's access in each of these channels (channels it cannot see are left out); null while offline. */
  channelAccess(channelIds: readonly string[]): ChannelAccess[] | null;
}

/** "SendMessagesInThreads" → "Send Messages In Threads": the names Discord's settings show. */
export function permissionLabel(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2');
}

export function tokenCheckOutcome(bot: DiscordHealthSource): CheckOutcome {
  const s = bot.state();
  if (!s.hasToken)
    return {
      status: 'warn',
      details: 'No Discord bot token is set.',
      fixHint: 'Paste the bot token on the Discord bot page to let friends generate from Discord.',
      fixes: [{ kind: 'open-bot' }],
    };
  if (s.status === 'error')
    return {
      status: 'fail',
      details: s.error ?? 'The bot could not log in.',
      fixHint:
        'Reset the token in the Discord Developer Portal (your application → Bot → Reset Token) and paste the new one on the Discord bot page.',
      fixes: [{ kind: 'open-bot' }],
    };
  if (s.status === 'online') return { status: 'ok', details: `Logged in as ${s.username ?? 'the bot'}.` };
  if (s.status === 'starting' || s.status === 'reconnecting')
    return { status: 'warn', details: `The bot is ${s.status}…`, fixHint: 'Wait a moment: it logs in by itself.' };
  return {
    status: 'warn',
    details: 'The bot is stopped: Discord commands get no answer.',
    fixHint: 'Start the bot.',
    fixes: [{ kind: 'start-bot' }],
  };
}

export function guildCheckOutcome(bot: DiscordHealthSource): CheckOutcome {
  const n = bot.guildCount();
  if (n === null)
    return {
      status: 'warn',
      details: 'The bot is not online, so its servers are unknown.',
      fixHint: 'Start the bot first.',
      ...(bot.state().hasToken ? { fixes: [{ kind: 'start-bot' as const }] } : {}),
    };
  if (n === 0)
    return {
      status: 'fail',
      details: 'The bot is in no server, so nobody can use its commands.',
      fixHint:
        'Open the invite link on the Discord bot page and add the bot to your server (you need Manage Server there).',
      fixes: [{ kind: 'open-bot' }],
    };
  return { status: 'ok', details: `In ${n} server${n === 1 ? '' : 's'}.` };
}

/** The channels the bot posted in recently (from Discord jobs) and what it lacks there. */
export function channelCheckOutcome(bot: DiscordHealthSource, recentChannelIds: readonly string[]): CheckOutcome {
  const access = bot.channelAccess(recentChannelIds);
  if (!access) return { status: 'warn', details: 'The bot is not online.', fixHint: 'Start the bot first.' };
  const lacking = access.filter((a) => a.missing.length > 0);
  const problems = lacking.map(
    (a) => `#${a.channelName} in ${a.guildName}: the bot may not ${a.missing.map(permissionLabel).join(', ')}`,
  );
  if (problems.length)
    return {
      status: 'fail',
      details: `${problems.join('; ')}.`,
      fixHint:
        `In Discord, open ${lacking.map((a) => `#${a.channelName}`).join(', ')} → Edit Channel → Permissions, and allow the bot’s role ` +
        `${[...new Set(lacking.flatMap((a) => a.missing.map(permissionLabel)))].join(', ')} (it needs View Channel, Send Messages, Embed Links and Attach Files).`,
    };
  const checked = access.length;
  if (checked === 0)
    return { status: 'ok', details: 'No channel used yet; permissions are checked once the bot has answered in one.' };
  return {
    status: 'ok',
    details: `The bot may post results in the ${checked} channel${checked === 1 ? '' : 's'} used lately.`,
  };
}

/** The three Discord checks, for a registry. */
export function discordHealthChecks(bot: DiscordHealthSource, recentChannels: () => readonly string[]): HealthCheck[] {
  return [
    { id: 'discord-token', title: 'Discord bot token', scope: 'app', run: async () => tokenCheckOutcome(bot) },
    {
      id: 'discord-guilds',
      title: 'Discord bot in a server',
      scope: 'app',
      appliesTo: () => bot.state().hasToken,
      run: async () => guildCheckOutcome(bot),
    },
    {
      id: 'discord-permissions',
      title: 'Discord channel permissions',
      scope: 'app',
      appliesTo: () => bot.state().hasToken,
      run: async () => channelCheckOutcome(bot, recentChannels()),
    },
  ];
}
