/**
 * bot.* methods: token, start/stop, status, invite link, guilds and their settings. The bot itself is reached
 * through `BotControl`, which the composition root wires to it: api/ does not depend on the Discord client.
 */
import { refusal } from '@shared/api';
import type { BotChannel, BotGuild, BotState } from '@shared/api/bot';
import type { Guild, RoleLevel } from '@shared/guilds';
import { isOwnerSide } from '@core/access/person';
import type { EventBus } from '../events';
import type { Store } from '../store';
import type { Handlers } from './dispatch';

type BotMethods =
  | 'bot.status'
  | 'bot.start'
  | 'bot.stop'
  | 'bot.setToken'
  | 'bot.clearToken'
  | 'bot.invite'
  | 'bot.guilds'
  | 'bot.channels'
  | 'bot.testMessage'
  | 'bot.updateGuild';

/** What the API needs of the Discord bot. */
export interface BotControl {
  state(): BotState;
  start(): Promise<BotState>;
  stop(): Promise<BotState>;
  setToken(token: string): Promise<BotState>;
  clearToken(): Promise<BotState>;
  /** What the live client knows of a server (its name and roles); null while offline or not in it. */
  liveGuild(id: string): { name: string; roles: Array<{ id: string; name: string; assignable: boolean }> } | null;
  /** The link that adds the bot to a server with the permissions it needs; null before a token is set. */
  invite(guildId?: string): { url: string; permissions: string } | null;
  /** A server's text channels with the permissions the bot lacks there; null while offline or not in it. */
  channels(guildId: string): BotChannel[] | null;
  /** Post a test message, or say why not (null while offline). */
  testMessage(
    channelId: string,
  ): Promise<
    | { ok: true; messageId: string; channelName: string; guildName: string }
    | { ok: false; reason: string; hint: string }
    | null
  >;
}

/** A stored guild with what the live client knows of it (names, roles). */
function botGuildView(bot: BotControl, store: Store, g: Guild): BotGuild {
  const live = bot.liveGuild(g.id);
  const roleName = (roleId: string): string | null => live?.roles.find((r) => r.id === roleId)?.name ?? null;
  return {
    id: g.id,
    name: live?.name ?? g.name,
    roles: store.guilds.roles(g.id).map((r) => ({ roleId: r.roleId, level: r.level, name: roleName(r.roleId) })),
    availableRoles: live ? live.roles.filter((r) => r.assignable).map((r) => ({ id: r.id, name: r.name })) : [],
    limits: g.limits,
    bannedWords: g.bannedWords,
    settings: g.settings,
    joinedAt: g.joinedAt,
    connected: live !== null,
  };
}

/** The bot is offline, or not in that server. */
function notReachable(online: boolean, guildId: string | null) {
  return online
    ? refusal(
        'not_found',
        'Not in that server',
        `The bot is not in the server ${guildId ?? ''}.`.replace(' .', '.'),
        'Invite it with the link on the Discord bot page, then pick the server again.',
      )
    : refusal('unavailable', 'The bot is offline', 'The bot is not online.', 'Start the bot on the Discord bot page.');
}

export function botHandlers(deps: { bot: BotControl; store: Store; events: EventBus }): Pick<Handlers, BotMethods> {
  const { bot, store } = deps;
  return {
    'bot.status': () => bot.state(),
    'bot.start': () => bot.start(),
    'bot.stop': () => bot.stop(),
    'bot.setToken': ({ token }) => bot.setToken(token),
    'bot.clearToken': () => bot.clearToken(),
    'bot.invite': ({ guildId }) => {
      const invite = bot.invite(guildId);
      if (!invite) {
        throw refusal(
          'unavailable',
          'No token yet',
          'Set the bot token first: the invite link is made from its application id.',
        );
      }
      return invite;
    },
    'bot.guilds': () => store.guilds.list().map((g) => botGuildView(bot, store, g)),
    'bot.channels': ({ guildId }) => {
      const channels = bot.channels(guildId);
      if (channels) return channels;
      throw notReachable(bot.state().status === 'online', guildId);
    },
    'bot.testMessage': async ({ channelId }) => {
      const result = await bot.testMessage(channelId);
      if (!result) throw notReachable(false, null);
      if (!result.ok) throw refusal('forbidden', 'Cannot post there', result.reason, result.hint);
      return { messageId: result.messageId, channelName: result.channelName, guildName: result.guildName };
    },
    /** The owner changes any server; a Discord user only their own, as its admin. */
    'bot.updateGuild': (input, { person }) => {
      if (!isOwnerSide(person) && (person.guildId !== input.id || person.level !== 'admin')) {
        throw refusal('forbidden', 'Not allowed', 'Only server admins can change ComfyDesk’s settings here.');
      }
      if (!store.guilds.get(input.id)) {
        throw refusal('not_found', 'Unknown server', `The bot has never been in a server with id ${input.id}.`);
      }
      store.db.transaction(() => {
        if (input.roles) {
          for (const level of ['user', 'generator', 'admin'] as RoleLevel[]) {
            store.guilds.setRoles(
              input.id,
              level,
              input.roles!.filter((r) => r.level === level).map((r) => r.roleId),
            );
          }
        }
        if (input.limits) store.guilds.setLimits(input.id, input.limits);
        if (input.bannedWords) store.guilds.setBannedWords(input.id, input.bannedWords);
        if (input.settings) store.guilds.setSettings(input.id, input.settings);
      })();
      deps.events.emit('bot.changed', bot.state());
      return botGuildView(bot, store, store.guilds.get(input.id)!);
    },
  };
}
