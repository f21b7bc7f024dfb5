/** bot.* methods: token, start/stop, status, invite link, guilds and their settings. */
import { ApiError } from '@shared/api';
import type { BotGuild } from '@shared/api/bot';
import type { Guild, RoleLevel } from '@shared/guilds';
import type { DiscordBot } from '@core/discord/bot';
import { BOT_PERMISSIONS, inviteUrl } from '@core/discord/invite';
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
  | 'bot.updateGuild';

/** A stored guild with what the live client knows of it (names, roles). */
function botGuildView(bot: DiscordBot, store: Store, g: Guild): BotGuild {
  const id = g.id;
  const live = bot.discord?.guilds.cache.get(id) ?? null;
  const roleName = (roleId: string): string | null => live?.roles.cache.get(roleId)?.name ?? null;
  return {
    id: g.id,
    name: live?.name ?? g.name,
    roles: store.guilds.roles(id).map((r) => ({ roleId: r.roleId, level: r.level, name: roleName(r.roleId) })),
    availableRoles: live
      ? [...live.roles.cache.values()]
          .filter((r) => r.id !== live.id && !r.managed)
          .map((r) => ({ id: r.id, name: r.name }))
      : [],
    limits: g.limits,
    bannedWords: g.bannedWords,
    settings: g.settings,
    joinedAt: g.joinedAt,
    connected: live !== null,
  };
}

export function botHandlers(deps: { bot: DiscordBot; store: Store; events: EventBus }): Pick<Handlers, BotMethods> {
  const { bot, store } = deps;
  return {
    'bot.status': () => bot.state(),
    'bot.start': () => bot.start(),
    'bot.stop': () => bot.stop(),
    'bot.setToken': ({ token }) => bot.setToken(token),
    'bot.clearToken': () => bot.clearToken(),
    'bot.invite': ({ guildId }) => {
      const appId = bot.state().applicationId;
      if (!appId)
        throw new ApiError({
          code: 'unavailable',
          message: 'Set the bot token first: the invite link is made from its application id.',
        });
      return { url: inviteUrl(appId, guildId), permissions: BOT_PERMISSIONS.toString() };
    },
    'bot.guilds': () => store.guilds.list().map((g) => botGuildView(bot, store, g)),
    'bot.updateGuild': (input) => {
      if (!store.guilds.get(input.id))
        throw new ApiError({ code: 'not_found', message: `The bot has never been in a server with id ${input.id}.` });
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
