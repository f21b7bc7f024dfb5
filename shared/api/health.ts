import { z } from 'zod';
import { method, NoInput } from './define';

export const BackendStatusSchema = z.enum(['offline', 'starting', 'idle', 'busy', 'error']);
export type BackendStatus = z.infer<typeof BackendStatusSchema>;

export const BackendSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  kind: z.enum(['launched', 'local', 'remote']),
  enabled: z.boolean(),
  status: BackendStatusSchema,
  version: z.string().nullable(),
  error: z.string().nullable(),
  /** ComfyDesk's prompts on it now: running plus waiting in its own queue. */
  load: z.number().int().nonnegative(),
});
export type BackendSummary = z.infer<typeof BackendSummarySchema>;

export const BotStatusSchema = z.enum(['stopped', 'starting', 'online', 'reconnecting', 'error', 'no-token']);

export const HealthSummarySchema = z.object({
  comfy: z.object({
    /** Overall: online when at least one enabled backend is idle or busy. */
    status: z.enum(['online', 'offline', 'starting', 'none']),
    backends: z.array(BackendSummarySchema),
  }),
  bot: z.object({ status: BotStatusSchema, guilds: z.number().int().nonnegative() }),
  queue: z.object({
    queued: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    paused: z.boolean(),
  }),
});
export type HealthSummary = z.infer<typeof HealthSummarySchema>;

export const HealthCheckResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  details: z.string(),
  /** What the user can do about it; empty when nothing needs doing. */
  fixHint: z.string(),
  durationMs: z.number().nonnegative(),
});
export type HealthCheckResult = z.infer<typeof HealthCheckResultSchema>;

export const HealthRunInputSchema = z
  .object({ backendId: z.string().min(1).optional() })
  .strict()
  .optional()
  .default({});

export const HealthRunOutputSchema = z.object({
  backendId: z.string(),
  url: z.string(),
  results: z.array(HealthCheckResultSchema),
});

export const healthMethods = {
  'health.summary': method(NoInput, HealthSummarySchema, 'ComfyUI, bot and queue at a glance.'),
  'health.run': method(
    HealthRunInputSchema,
    HealthRunOutputSchema,
    'Run every health check against a backend (the first one by default); each result is also pushed as health.check.',
  ),
};

export const healthEvents = {
  'health.changed': HealthSummarySchema,
  'health.check': z.object({ backendId: z.string(), result: HealthCheckResultSchema }),
};
