/**
 * Sharing one GPU among a server's members: per-role shares (weights of the fair share by GPU time) and daily
 * quotas, the server's channel rules, and the time zone its days are counted in. Pure schemas and rules, used by
 * the core (admission, scheduler), the bot and the renderer's guild editor.
 */
import { z } from 'zod';

const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id is a snowflake');

/** An IANA time zone name this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .trim()
  .refine(isTimeZone, 'an IANA time zone name, e.g. Europe/Berlin or America/New_York');

/**
 * What one role gives its members. The server's own id stands for @everyone (as on Discord), so every member
 * holds it.
 */
export const RoleShareSchema = z
  .object({
    roleId: Snowflake,
    /** Share of the GPU under contention, relative to 1 (2 = twice the GPU time of a member with 1). */
    weight: z.number().min(0.1).max(10).optional(),
    /** GPU minutes per day; null = unlimited; absent = this role sets no quota. */
    dailyMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .nullable()
      .optional(),
  })
  .strict();
export type RoleShare = z.infer<typeof RoleShareSchema>;

/** Where the bot answers in a server, which workflows run where, and what only age-restricted channels allow. */
export const ChannelRulesSchema = z
  .object({
    /** The channels the bot answers in; empty or absent: every channel. */
    channels: z.array(Snowflake).max(200).optional(),
    /** Workflows that run only in some channels (workflow id → channel ids); a workflow not listed runs anywhere. */
    workflowChannels: z.record(z.string().min(1).max(200), z.array(Snowflake).min(1).max(200)).optional(),
    /** Words and phrases allowed only in channels Discord marks age-restricted (refused elsewhere, naming the word). */
    nsfwWords: z.array(z.string().trim().min(1).max(100)).max(500).optional(),
    /** Post every result as a spoiler in channels that are not age-restricted. */
    spoilerOutsideNsfw: z.boolean().optional(),
  })
  .strict();
export type ChannelRules = z.infer<typeof ChannelRulesSchema>;

/** The weight of a member's share: the highest weight among the roles they hold (1 when none sets one). */
export function shareWeightOf(shares: readonly RoleShare[] | undefined, held: ReadonlySet<string>): number {
  let best: number | null = null;
  for (const s of shares ?? []) if (s.weight !== undefined && held.has(s.roleId)) best = Math.max(best ?? 0, s.weight);
  return best ?? 1;
}

/**
 * A member's daily quota in minutes: the highest among the roles they hold that set one; null when unlimited
 * (a held role says unlimited, or no held role sets a quota).
 */
export function dailyQuotaOf(shares: readonly RoleShare[] | undefined, held: ReadonlySet<string>): number | null {
  let best: number | null = null;
  for (const s of shares ?? []) {
    if (s.dailyMinutes === undefined || !held.has(s.roleId)) continue;
    if (s.dailyMinutes === null) return null;
    best = Math.max(best ?? 0, s.dailyMinutes);
  }
  return best;
}

/** The roles a member holds in a server, @everyone (the server's id) included. */
export function heldRoles(guildId: string, roleIds: readonly string[]): Set<string> {
  return new Set([guildId, ...roleIds]);
}

/** `<#id>, <#id>` for a message that says where to go. */
export function channelMentions(ids: readonly string[]): string {
  return ids.map((id) => `<#${id}>`).join(', ');
}

/** Results posted in a channel that is not age-restricted go as spoilers when the server asks. */
export function resultsAsSpoiler(rules: ChannelRules | undefined, channelNsfw: boolean): boolean {
  return rules?.spoilerOutsideNsfw === true && !channelNsfw;
}
