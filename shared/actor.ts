/**
 * Who acts in an API call. The transport sets it, never the caller's input: the desktop window and the headless
 * browser UI act as the GPU's owner; the Discord bot acts either as itself (its own bookkeeping: message ids,
 * deliveries, guilds it joined) or for one Discord user, with the facts Discord gave about that user. The core
 * turns those facts into a level (user / generator / admin) with the server's stored role mapping, so
 * permissions, limits and checks are decided once, in the core, for every client.
 */
import { z } from 'zod';

const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id is a snowflake');

export const DiscordUserActorSchema = z.object({
  kind: z.literal('discord'),
  userId: Snowflake,
  /** Display name (global name or username), for history and the desktop's lists. */
  userName: z.string().min(1).max(100),
  /** The server the interaction came from; null in a DM. */
  guildId: Snowflake.nullable(),
  guildName: z.string().min(1).max(100).nullable(),
  channelId: Snowflake.nullable(),
  /** Discord marks the channel age-restricted (NSFW); false in DMs and when unknown. */
  channelNsfw: z.boolean().default(false),
  /**
   * The interaction came from a DM while acting in `guildId` (a button on a result sent by DM): the server's
   * channel rules about where the bot answers do not apply, its word rules do (a DM is not age-restricted).
   */
  fromDm: z.boolean().default(false),
  /** The member's role ids in that server (empty in a DM). */
  roleIds: z.array(Snowflake).max(250),
  /** The member has the Administrator permission or owns the server. */
  guildAdmin: z.boolean(),
});
export type DiscordUserActor = z.input<typeof DiscordUserActorSchema>;

export type Actor = { kind: 'owner' } | { kind: 'bot' } | DiscordUserActor;

/** The GPU's owner: the desktop window, or the headless UI opened with its access token. */
export const OWNER: Actor = { kind: 'owner' };
/** The Discord bot doing its own bookkeeping. */
export const BOT: Actor = { kind: 'bot' };
