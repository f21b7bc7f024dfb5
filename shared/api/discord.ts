/**
 * What only the Discord bot calls. As itself: the servers it joined and left, the message ids of a job's progress
 * and result messages, and result deliveries that must be retried. For a Discord user: who that user is here
 * (their level and their server's rules), so a command can show what applies to them.
 */
import { z } from 'zod';
import { GuildSchema, RoleLevelSchema } from '../guilds';
import { JobMessagesSchema, JobSchema } from '../jobs';
import { DeliverySchema } from '../settings';
import { method, NoInput } from './define';

const Snowflake = z.string().regex(/^\d{5,25}$/);
const JobId = z.string().min(1).max(200);

export const DiscordWhoamiSchema = z.object({
  userId: z.string(),
  level: RoleLevelSchema,
  /** The server the call came from (stored settings, limits, banned words, role mapping); null in a DM. */
  guild: GuildSchema.nullable(),
  roles: z.array(z.object({ roleId: z.string(), level: RoleLevelSchema })),
  /** How many jobs this person may have waiting or running here. */
  perUserQueue: z.number().int().positive(),
  /** Where their results go unless a command says otherwise. */
  delivery: DeliverySchema,
});
export type DiscordWhoami = z.infer<typeof DiscordWhoamiSchema>;

export const discordMethods = {
  'discord.whoami': method(NoInput, DiscordWhoamiSchema, 'The calling Discord user: level, server rules, defaults.'),
  'discord.guildSeen': method(
    z.object({ id: Snowflake, name: z.string().min(1).max(100), joinedAt: z.number().nullable() }).strict(),
    GuildSchema,
    'The bot is in this server (joined now or seen at login).',
  ),
  'discord.guildLeft': method(
    z.object({ id: Snowflake }).strict(),
    z.object({ ok: z.literal(true) }),
    'The bot was removed from a server.',
  ),
  'discord.setJobMessages': method(
    z.object({ jobId: JobId, messages: JobMessagesSchema }).strict(),
    JobSchema,
    "Remember a job's Discord messages (merged with what is stored).",
  ),
  'discord.delivered': method(
    z.object({ jobId: JobId, messageId: Snowflake }).strict(),
    JobSchema,
    "A job's result message was posted (its outbox entry, if any, goes).",
  ),
  'discord.deliveryFailed': method(
    z.object({ jobId: JobId, error: z.string().max(2000) }).strict(),
    z.object({ attempts: z.number().int().positive(), givenUp: z.boolean() }),
    'Posting a result failed: keep it to retry when Discord is reachable.',
  ),
  'discord.pendingDeliveries': method(
    NoInput,
    z.array(JobSchema),
    'Finished jobs whose result still has to be posted, oldest first.',
  ),
  'discord.guild': method(
    z.object({ id: Snowflake }).strict(),
    GuildSchema.nullable(),
    "A server's stored settings (upload limit, default delivery), or null when the bot never saw it.",
  ),
};
