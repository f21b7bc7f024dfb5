/** Who acts in API calls made by tests: the owner's handler context, and Discord users as the bot sends them. */
import type { DiscordUserActor } from '@shared/actor';
import { OWNER } from '@shared/actor';
import { ownerPerson } from '@core/access/person';
import type { CallContext, HandlerContext } from '@core/api/dispatch';

/** The context a handler gets for a call from the desktop (for tests that call handlers directly). */
export const OWNER_CTX: HandlerContext = { caller: 'test', actor: OWNER, person: ownerPerson() };

/** A Discord user in a server (generator by default: no roles mapped there), as the bot describes them. */
export function discordUser(
  userId: string,
  userName = `user ${userId}`,
  more: Partial<Omit<DiscordUserActor, 'kind' | 'userId' | 'userName'>> = {},
): DiscordUserActor {
  return {
    kind: 'discord',
    userId,
    userName,
    guildId: '900000000000000001',
    guildName: 'Test server',
    channelId: '900000000000000002',
    roleIds: [],
    guildAdmin: false,
    ...more,
  };
}

/** The call context of the bot acting for this Discord user. */
export function asDiscordUser(actor: DiscordUserActor): CallContext {
  return { caller: 'discord', actor };
}
