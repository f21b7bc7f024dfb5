/** The Discord bot's controls as the API needs them (api/ does not import the bot). */
import type { BotControl } from './api/bot-handlers';
import type { DiscordBot } from './discord/bot';

export function bindBot(bot: DiscordBot): BotControl {
  return {
    state: () => bot.state(),
    start: () => bot.start(),
    stop: () => bot.stop(),
    setToken: (token) => bot.setToken(token),
    clearToken: () => bot.clearToken(),
    liveGuild: (id) => bot.liveGuild(id),
    invite: (guildId) => bot.invite(guildId),
    channels: (guildId) => bot.channels(guildId),
    testMessage: (channelId) => bot.testMessage(channelId),
  };
}
