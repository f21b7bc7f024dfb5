import { z } from 'zod';
import { DeliverySchema } from './settings';
import { ChannelRulesSchema, RoleShareSchema, TimeZoneSchema } from './sharing';

export const RoleLevelSchema = z.enum(['user', 'generator', 'admin']);
export type RoleLevel = z.infer<typeof RoleLevelSchema>;

export const GuildLimitsSchema = z.object({
  perUserQueue: z.number().int().min(1).max(100).optional(),
  /** Sliding-window rate limits: requests per window. */
  userRate: z.object({ count: z.number().int().min(1), windowSec: z.number().int().min(1) }).optional(),
  guildRate: z.object({ count: z.number().int().min(1), windowSec: z.number().int().min(1) }).optional(),
});
export type GuildLimits = z.infer<typeof GuildLimitsSchema>;

/** The rate limits a server has until its admins set their own. */
export const DEFAULT_USER_RATE = { count: 5, windowSec: 60 } as const;
export const DEFAULT_GUILD_RATE = { count: 60, windowSec: 60 } as const;

export const GuildSettingsSchema = z.object({
  /** Bytes a bot may upload in this guild (boost level); default 10 MiB. */
  uploadLimitBytes: z.number().int().positive().optional(),
  defaultDelivery: DeliverySchema.optional(),
  /** Level granted to members with no mapped role. */
  everyoneLevel: RoleLevelSchema.optional(),
  /** Where this server's days start (quotas reset at its midnight); the app's time zone when absent. */
  timeZone: TimeZoneSchema.optional(),
  /** Per role: its share of the GPU (weight) and its GPU minutes per day (the server's id is @everyone). */
  shares: z.array(RoleShareSchema).max(100).optional(),
  /** Which channels the bot answers in, which workflows run where, words only age-restricted channels allow. */
  channelRules: ChannelRulesSchema.optional(),
});
export type GuildSettings = z.infer<typeof GuildSettingsSchema>;

export const GuildSchema = z.object({
  id: z.string(),
  name: z.string(),
  settings: GuildSettingsSchema,
  limits: GuildLimitsSchema,
  bannedWords: z.array(z.string()),
  joinedAt: z.number().nullable(),
  updatedAt: z.number(),
});
export type Guild = z.infer<typeof GuildSchema>;

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Where their results go by default, when they chose (null: their server's default, else the app's). */
  defaultDelivery: DeliverySchema.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type User = z.infer<typeof UserSchema>;
