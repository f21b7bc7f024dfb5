/**
 * The Discord bot, controlled from the desktop: token (write-only), start/stop, status, invite link, and the
 * guilds the bot is in with their role mapping, limits, banned words and settings.
 */
import { z } from 'zod';
import { GuildLimitsSchema, GuildSettingsSchema, RoleLevelSchema } from '../guilds';
import { BotStatusSchema } from './health';
import { method, NoInput } from './define';

/**
 * A bot token has three dot-separated base64url parts; the first is the application id in base64. Checked
 * before it is stored so a pasted client secret or a half-copied token is refused with a clear message.
 */
export const BOT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{18,40}\.[A-Za-z0-9_-]{4,10}\.[A-Za-z0-9_-]{20,60}$/;

export const BotTokenSchema = z
  .string()
  .trim()
  .transform((t) => t.replace(/^Bot\s+/i, ''))
  .pipe(
    z
      .string()
      .regex(
        BOT_TOKEN_PATTERN,
        'That is not a bot token. Copy it from the Discord Developer Portal: your application → Bot → Reset Token (it has two dots).',
      ),
  );

export const BotStateSchema = z.object({
  status: BotStatusSchema,
  /** Why the bot is in `error` (e.g. "The token was refused by Discord"), null otherwise. */
  error: z.string().nullable(),
  /** Whether a token is stored (the token itself never leaves the core). */
  hasToken: z.boolean(),
  /** The bot's Discord name once logged in. */
  username: z.string().nullable(),
  applicationId: z.string().nullable(),
  guilds: z.number().int().nonnegative(),
  /** When the bot last became online (ms), null if never in this run. */
  onlineSince: z.number().nullable(),
});
export type BotState = z.infer<typeof BotStateSchema>;

export const BotGuildRoleSchema = z.object({
  roleId: z.string(),
  /** The role's name in Discord when the bot is online and sees it, else null. */
  name: z.string().nullable(),
  level: RoleLevelSchema,
});

export const BotGuildSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Mapped roles; members with none of them get `settings.everyoneLevel` (default `user`). */
  roles: z.array(BotGuildRoleSchema),
  /** Every role in the guild (for a picker), when the bot is online. */
  availableRoles: z.array(z.object({ id: z.string(), name: z.string() })),
  limits: GuildLimitsSchema,
  bannedWords: z.array(z.string()),
  settings: GuildSettingsSchema,
  joinedAt: z.number().nullable(),
  /** Whether the bot is in this guild right now (false: known from before, bot offline or removed). */
  connected: z.boolean(),
});
export type BotGuild = z.infer<typeof BotGuildSchema>;

export const BotUpdateGuildInputSchema = z
  .object({
    id: z.string().min(1).max(32),
    /** Replaces the whole mapping. */
    roles: z
      .array(
        z.object({
          roleId: z.string().regex(/^\d{5,25}$/, 'a role id is a Discord snowflake'),
          level: RoleLevelSchema,
        }),
      )
      .max(100)
      .optional(),
    limits: GuildLimitsSchema.optional(),
    bannedWords: z.array(z.string().trim().min(1).max(100)).max(500).optional(),
    settings: GuildSettingsSchema.optional(),
  })
  .strict();
export type BotUpdateGuildInput = z.input<typeof BotUpdateGuildInputSchema>;

const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id is a snowflake');

export const BotChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Permissions the bot lacks there to post results (e.g. "Attach Files"); empty when it can. */
  missing: z.array(z.string()),
});
export type BotChannel = z.infer<typeof BotChannelSchema>;

export const botMethods = {
  'bot.status': method(NoInput, BotStateSchema, 'Bot status, whether a token is set, guild count.'),
  'bot.start': method(
    NoInput,
    BotStateSchema,
    'Log the bot in with the stored token (resolves once online or failed).',
  ),
  'bot.stop': method(NoInput, BotStateSchema, 'Disconnect the bot.'),
  'bot.setToken': method(
    z.object({ token: BotTokenSchema }).strict(),
    BotStateSchema,
    'Store the bot token in the secret store (write-only: it is never returned).',
  ),
  'bot.clearToken': method(NoInput, BotStateSchema, 'Stop the bot and forget the token.'),
  'bot.invite': method(
    z
      .object({
        guildId: z
          .string()
          .regex(/^\d{5,25}$/)
          .optional(),
      })
      .strict()
      .optional()
      .default({}),
    z.object({ url: z.string(), permissions: z.string() }),
    'The link that adds the bot to a server, with the permissions it needs.',
  ),
  'bot.guilds': method(
    NoInput,
    z.array(BotGuildSchema),
    'Servers the bot is (or was) in, with roles, limits and banned words.',
  ),
  'bot.channels': method(
    z.object({ guildId: Snowflake }).strict(),
    z.array(BotChannelSchema),
    "A server's text channels the bot sees, each with the permissions it lacks to post results there.",
  ),
  'bot.testMessage': method(
    z.object({ channelId: Snowflake }).strict(),
    z.object({ messageId: z.string(), channelName: z.string(), guildName: z.string() }),
    'Post a test message to a channel (refused, naming the missing permission, when the bot may not post there).',
  ),
  'bot.updateGuild': method(
    BotUpdateGuildInputSchema,
    BotGuildSchema,
    "Change a server's role mapping, limits, banned words or settings.",
  ),
};

export const botEvents = {
  /** Status or guild count changed. */
  'bot.changed': BotStateSchema,
};
