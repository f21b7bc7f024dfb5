/**
 * GPU time: what each person used (ComfyUI's execution time of their jobs, failed and interrupted runs too), what
 * is left of their daily quota and when it resets, and where their waiting jobs stand. `usage.me` is `/usage` on
 * Discord, `usage.server` is `/usage server` for a server's admins, `usage.report` draws the desktop's Usage page.
 */
import { z } from 'zod';
import { JobStatusSchema } from '../jobs';
import { method, NoInput } from './define';

const Snowflake = z.string().regex(/^\d{5,25}$/, 'a Discord id is a snowflake');

export const QuotaViewSchema = z.object({
  /** Whose limit this is: the server's quota for the member's roles, or the app's cap for every Discord user. */
  scope: z.enum(['guild', 'global']),
  limitMs: z.number().nonnegative(),
  /** GPU time used today (runs that ended today, plus what running jobs used so far). */
  usedMs: z.number().nonnegative(),
  /** GPU time the person's jobs not over yet are expected to take (waiting, and the rest of running ones). */
  waitingMs: z.number().nonnegative(),
  /** What is left for new jobs: limit − used − waiting (never below 0). */
  leftMs: z.number().nonnegative(),
  /** When the day's count starts again: the next midnight in `timeZone` (ms since the epoch). */
  resetsAt: z.number(),
  timeZone: z.string(),
});
export type QuotaView = z.infer<typeof QuotaViewSchema>;

export const WaitingJobSchema = z.object({
  jobId: z.string(),
  number: z.number().int().positive(),
  workflow: z.string(),
  status: JobStatusSchema,
  /** 1-based place among every waiting job; null while it runs. */
  position: z.number().int().positive().nullable(),
  /** Estimated ms until it starts; null while it runs or with no estimate yet. */
  startsInMs: z.number().nonnegative().nullable(),
});

export const UsageMeSchema = z.object({
  timeZone: z.string(),
  /** GPU time since midnight / since Monday 00:00 in `timeZone`, running jobs included (ms). */
  todayMs: z.number().nonnegative(),
  weekMs: z.number().nonnegative(),
  todayJobs: z.number().int().nonnegative(),
  /** The quota that leaves the least (the server's or the app's cap); null: no limit applies. */
  quota: QuotaViewSchema.nullable(),
  /** Their jobs not over yet, in run order. */
  waiting: z.array(WaitingJobSchema),
});
export type UsageMe = z.infer<typeof UsageMeSchema>;

export const UsagePeriodSchema = z.enum(['day', 'week', 'month']);
export type UsagePeriod = z.infer<typeof UsagePeriodSchema>;

const UsageTotalsSchema = z.object({
  gpuMs: z.number().nonnegative(),
  jobs: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});

export const UsageUserRowSchema = UsageTotalsSchema.extend({ userId: z.string(), userName: z.string() });
export type UsageUserRow = z.infer<typeof UsageUserRowSchema>;

export const UsageServerSchema = z.object({
  guildId: z.string(),
  period: UsagePeriodSchema,
  /** The period's start (midnight, Monday 00:00 or the 1st, in `timeZone`). */
  since: z.number(),
  timeZone: z.string(),
  totals: UsageTotalsSchema.extend({ users: z.number().int().nonnegative() }),
  /** The users with the most GPU time, most first. */
  top: z.array(UsageUserRowSchema),
});
export type UsageServer = z.infer<typeof UsageServerSchema>;

export const UsageReportSchema = z.object({
  timeZone: z.string(),
  since: z.number(),
  until: z.number(),
  totals: UsageTotalsSchema,
  /** One row per day of the period (`YYYY-MM-DD` in `timeZone`), days without jobs too. */
  byDay: z.array(UsageTotalsSchema.extend({ day: z.string() })),
  byUser: z.array(UsageUserRowSchema),
  /** Per server; `guildId` null for the desktop's own jobs. */
  byGuild: z.array(UsageTotalsSchema.extend({ guildId: z.string().nullable(), name: z.string() })),
  byWorkflow: z.array(UsageTotalsSchema.extend({ workflow: z.string() })),
});
export type UsageReport = z.infer<typeof UsageReportSchema>;

export const usageMethods = {
  'usage.me': method(
    NoInput,
    UsageMeSchema,
    'The caller’s GPU time today and this week, the quota left and when it resets, their jobs’ places.',
  ),
  'usage.server': method(
    z
      .object({
        period: UsagePeriodSchema.default('week'),
        limit: z.number().int().min(1).max(25).default(10),
        /** The owner names the server; a Discord admin gets their own. */
        guildId: Snowflake.optional(),
      })
      .strict()
      .optional()
      .default({ period: 'week', limit: 10 }),
    UsageServerSchema,
    'A server’s top users by GPU time over a period, with jobs and failures (its admins).',
  ),
  'usage.report': method(
    z
      .object({
        days: z.number().int().min(1).max(366).default(14),
        guildId: z.string().min(1).max(32).optional(),
        userId: z.string().min(1).max(64).optional(),
      })
      .strict()
      .optional()
      .default({ days: 14 }),
    UsageReportSchema,
    'GPU time, jobs and failures per day, user, server and workflow over the last days.',
  ),
};
