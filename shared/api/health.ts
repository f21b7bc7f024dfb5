import { z } from 'zod';
import { BackendAuthKindSchema, CertificateInfoSchema } from '../backend-auth';
import { ModelFolderSchema } from '../workflow-manifest';
import { method, NoInput } from './define';

export const BackendStatusSchema = z.enum(['offline', 'starting', 'idle', 'busy', 'error']);
export type BackendStatus = z.infer<typeof BackendStatusSchema>;

/**
 * What kind of trouble a backend's `error` is, for the UI to say what to do: a proxy in front refused the
 * credentials (or wants some), nothing answers at the address, its https certificate is not trusted, or another
 * failure (the error says which).
 */
export const BackendProblemSchema = z.enum(['access-refused', 'unreachable', 'certificate', 'other']);
export type BackendProblem = z.infer<typeof BackendProblemSchema>;

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
  /** Credentials it is reached with (a ComfyUI behind a reverse proxy); the secret itself is never sent. */
  auth: BackendAuthKindSchema.default('none'),
  problem: BackendProblemSchema.nullable().default(null),
  /** https: the SHA-256 fingerprint of the one certificate trusted for it (pinned); null: the system's trust. */
  trustedCertificate: z.string().nullable().default(null),
  /** https: the certificate it presented, refused as not trusted (compare its fingerprint, then trust it). */
  untrustedCertificate: CertificateInfoSchema.nullable().default(null),
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

/**
 * What a button next to a check does, for a program to act on (the UI draws one button per fix):
 * - `download`: fetch a catalogue file into the backend's model folder (`downloads.start`);
 * - `choose-model`: pick another file of that folder the backend has, saved as the workflow's model setting;
 * - `start-comfy`: launch the ComfyUI whose folder is set (`comfy.start`);
 * - `open-settings` / `open-bot`: the page where it is fixed by hand;
 * - `start-bot`: log the bot in (`bot.start`);
 * - `refresh-backend`: read the backend's node classes and model lists again (`backends.refresh`);
 * - `resume-queue`: the queue is paused (`queue.pause {paused:false}`);
 * - `free-vram`: unload ComfyUI's models (`comfy.freeVram`).
 */
export const HealthFixSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('download'),
    backendId: z.string(),
    folder: ModelFolderSchema,
    file: z.string(),
    /** The catalogue's size of the file, for the button ("Download (6.9 GB)"). */
    bytes: z.number().int().nonnegative().nullable(),
  }),
  z.object({
    kind: z.literal('choose-model'),
    backendId: z.string(),
    workflowId: z.string(),
    /** The settings key (settings.models) the chosen file is saved under. */
    setting: z.string(),
    folder: ModelFolderSchema,
    /** The file it uses now (missing). */
    file: z.string(),
  }),
  z.object({ kind: z.literal('start-comfy') }),
  z.object({ kind: z.literal('open-settings') }),
  z.object({ kind: z.literal('open-bot') }),
  z.object({ kind: z.literal('start-bot') }),
  z.object({ kind: z.literal('refresh-backend'), backendId: z.string() }),
  z.object({ kind: z.literal('resume-queue') }),
  z.object({ kind: z.literal('free-vram'), backendId: z.string() }),
]);
export type HealthFix = z.infer<typeof HealthFixSchema>;

export const HealthCheckResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  details: z.string(),
  /** What the user can do about it; empty when nothing needs doing. */
  fixHint: z.string(),
  /** The fixes that are one click away (none when it must be fixed by hand, or nothing needs fixing). */
  fixes: z.array(HealthFixSchema).default([]),
  durationMs: z.number().nonnegative(),
});
export type HealthCheckResult = z.infer<typeof HealthCheckResultSchema>;

export const HealthRunInputSchema = z
  .object({ backendId: z.string().min(1).optional() })
  .strict()
  .optional()
  .default({});

/** One run: failures first, then warnings, then passes. */
export const HealthRunOutputSchema = z.object({
  /** The backend checked; null when no ComfyUI is running (the run then says how to get one). */
  backendId: z.string().nullable(),
  url: z.string().nullable(),
  results: z.array(HealthCheckResultSchema),
  /** When the run ended (ms since the epoch). */
  at: z.number(),
});
export type HealthReport = z.infer<typeof HealthRunOutputSchema>;

export const healthMethods = {
  'health.summary': method(NoInput, HealthSummarySchema, 'ComfyUI, bot and queue at a glance.'),
  'health.run': method(
    HealthRunInputSchema,
    HealthRunOutputSchema,
    'Run every health check against a backend (the first one by default); each result is also pushed as health.check.',
  ),
  'health.latest': method(
    HealthRunInputSchema,
    HealthRunOutputSchema.nullable(),
    'The last run for a backend (the first one by default), from the runs made at start and after a change; null before any.',
  ),
};

export const healthEvents = {
  'health.changed': HealthSummarySchema,
  'health.check': z.object({ backendId: z.string().nullable(), result: HealthCheckResultSchema }),
  /** A run began (on its own after a change, or asked for). */
  'health.started': z.object({ backendId: z.string().nullable() }),
  /** A run ended: every result, failures first. */
  'health.report': HealthRunOutputSchema,
};
