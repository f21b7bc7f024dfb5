/**
 * Jobs and the queue: submit, watch, cancel, rerun, pause. Shared by the renderer (the desktop user) and the
 * Discord bot (which submits on behalf of Discord users).
 */
import { z } from 'zod';
import { JobSchema, JobSourceSchema, JobStatusSchema } from '../jobs';
import { DeliverySchema } from '../settings';
import { method } from './define';

/** Job ids are UUIDs; anything far longer is not one. */
const JobId = z.string().min(1).max(200);

export const JobPhaseSchema = z.enum([
  'queued',
  'loading',
  'sampling',
  'decoding',
  'saving',
  'processing',
  'done',
  'failed',
  'interrupted',
]);
export type JobPhase = z.infer<typeof JobPhaseSchema>;

/**
 * Why a job that is not running waits, and when it should start. `queue`: in line for a ComfyUI that can run it;
 * `paused`: the queue is paused; `setup`: no ComfyUI is set up; `starting`: ComfyUI is starting; `offline`: none is
 * online; `checking`: ComfyDesk is reading what the online ones have.
 */
export const JobWaitSchema = z.object({
  kind: z.enum(['queue', 'paused', 'setup', 'starting', 'offline', 'checking']),
  /** One line: "In line" (the place is `position`), "Waiting for ComfyUI to start", "No ComfyUI has x.safetensors…". */
  reason: z.string(),
  /** What helps, or what happens next. */
  hint: z.string(),
  /** Estimated milliseconds until it starts; null when there is no estimate yet. */
  startsInMs: z.number().nonnegative().nullable(),
});
export type JobWait = z.infer<typeof JobWaitSchema>;

/** What a UI shows about a job that is not over: pushed as `job.progress`, also returned by `jobs.queue`. */
export const JobProgressViewSchema = z.object({
  jobId: z.string(),
  status: JobStatusSchema,
  phase: JobPhaseSchema,
  /** 0..100, never decreasing. */
  percent: z.number().min(0).max(100),
  /** 1-based place among every waiting job (in a ComfyUI's queue first, then ComfyDesk's); null when running. */
  position: z.number().int().positive().nullable(),
  /** Why it waits and when it should start; null once it runs. */
  wait: JobWaitSchema.nullable(),
  /** Something a person should know about the ComfyUI it is on ("stopped answering…"); null when all is well. */
  notice: z.string().nullable().default(null),
  step: z.object({ value: z.number().int(), max: z.number().int() }).nullable(),
  /** Estimated milliseconds left; null until there is a step rate. */
  etaMs: z.number().nonnegative().nullable(),
  /** The latest live preview as a data: URL (JPEG/PNG), null until ComfyUI sends one. */
  preview: z.string().nullable(),
  /** Increases with every new preview, so listeners can skip unchanged ones. */
  previewSeq: z.number().int().nonnegative(),
  updatedAt: z.number(),
});
export type JobProgressView = z.infer<typeof JobProgressViewSchema>;

export const JobInputImageSchema = z.object({
  /** Which image input of the workflow (0-based) this fills. */
  slot: z.number().int().min(0).max(7),
  /** A file returned by `jobs.uploadInput`, or a library output path. */
  path: z.string().min(1),
  filename: z.string().min(1).max(255),
});

/** The LoRA to apply: a file of the backend's `loras` folder; the workflow's default strength when absent. */
export const LoraChoiceSchema = z
  .object({ name: z.string().trim().min(1).max(500), strength: z.number().optional() })
  .strict();

/**
 * A job request. Who asks is not part of it: the core takes that from the call (the desktop user, or the
 * Discord user the bot acts for) and applies that person's permissions and limits.
 */
export const JobSubmitInputSchema = z
  .object({
    workflow: z.string().min(1).max(200),
    prompt: z.string().max(2000).default(''),
    negative: z.string().max(2000).default(''),
    /** Parameter values by manifest name; checked against the workflow's ranges (-1 seeds become random). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** null = no LoRA; absent = the workflow's remembered LoRA setting, if any. */
    lora: LoraChoiceSchema.nullable().optional(),
    /** Model file by the workflow's model setting (e.g. `{ checkpoint: 'x.safetensors' }`); the rest as remembered. */
    models: z.record(z.string().min(1).max(100), z.string().trim().min(1).max(500)).default({}),
    inputs: z.array(JobInputImageSchema).max(8).default([]),
    /** Where the result goes (Discord); the person's own default, else their server's, else the app's. */
    delivery: DeliverySchema.optional(),
    parentJobId: z.string().max(200).nullable().default(null),
  })
  .strict();
export type JobSubmitInput = z.input<typeof JobSubmitInputSchema>;

export const JobListInputSchema = z
  .object({
    statuses: z.array(JobStatusSchema).optional(),
    source: JobSourceSchema.optional(),
    userId: z.string().max(200).optional(),
    guildId: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .optional()
  .default({ limit: 50 });

/** Waiting jobs `jobs.queue` describes by default. */
export const QUEUE_WINDOW = 200;

export const QueueSnapshotSchema = z.object({
  paused: z.boolean(),
  /**
   * Jobs not over, in the order they will run (running first, then submitted, then the fair queue order): every
   * running job, the first `limit` waiting ones, and the caller's own further back.
   */
  active: z.array(z.object({ job: JobSchema, progress: JobProgressViewSchema })),
  /** How many jobs wait in all (places run 1…waiting, whether or not each is in `active`). */
  waiting: z.number().int().nonnegative(),
  /** The latest finished, failed and cancelled jobs, newest first. */
  recent: z.array(JobSchema),
});
export type QueueSnapshot = z.infer<typeof QueueSnapshotSchema>;

export const CancelResultSchema = z.object({
  job: JobSchema,
  /** What was done: removed from our queue, deleted from ComfyUI's pending queue, interrupted, or nothing (already over). */
  action: z.enum(['removed', 'deleted', 'interrupting', 'already-ended']),
});

/** What `jobs.admit` checks: the request without its image files (they may not be downloaded yet). */
export const JobAdmitInputSchema = JobSubmitInputSchema.omit({ inputs: true, parentJobId: true }).extend({
  /** How many images the request will carry. */
  images: z.number().int().min(0).max(8).default(0),
});

export const jobsMethods = {
  'jobs.submit': method(JobSubmitInputSchema, JobSchema, 'Queue a job: stored first, then scheduled fairly.'),
  'jobs.admit': method(
    JobAdmitInputSchema,
    z.object({ ok: z.literal(true) }),
    'May this person queue this request now? Refusals (permission, prompt, limits, parameters) come back as errors; nothing is queued.',
  ),
  'jobs.get': method(z.object({ id: JobId }).strict(), JobSchema, 'One job.'),
  'jobs.find': method(
    z.object({ query: z.string().trim().min(1).max(200) }).strict(),
    JobSchema,
    'The job someone typed (a whole id or its start), among the jobs they may see.',
  ),
  'jobs.list': method(JobListInputSchema, z.array(JobSchema), 'Jobs, newest first, filtered by status, user or guild.'),
  'jobs.queue': method(
    z
      .object({
        /** How many waiting jobs to describe from the front of the line (nobody reads 10,000 cards). */
        limit: z.number().int().min(1).max(10_000).default(QUEUE_WINDOW),
      })
      .strict()
      .optional()
      .default({ limit: QUEUE_WINDOW }),
    QueueSnapshotSchema,
    'Everything running and the front of the line, in run order, with live progress, places and estimates.',
  ),
  'jobs.cancel': method(z.object({ id: JobId }).strict(), CancelResultSchema, 'Cancel a job in any state.'),
  'jobs.clearUser': method(
    z.object({ userId: z.string().min(1).max(200) }).strict(),
    z.object({ cancelled: z.number().int().nonnegative() }),
    "Cancel all of one user's queued jobs.",
  ),
  'jobs.rerun': method(
    z
      .object({
        id: JobId,
        /** Keep the original user (and guild/channel) instead of running it as the desktop user. */
        asOriginalUser: z.boolean().default(false),
        /** New seed (-1 = random); the original seed when absent. */
        seed: z.number().int().min(-1).optional(),
        delivery: DeliverySchema.optional(),
      })
      .strict(),
    JobSchema,
    'Queue a job again with the same workflow, prompt and parameters.',
  ),
  'jobs.uploadInput': method(
    z
      .object({
        filename: z.string().min(1).max(255),
        /** The image, base64 (at most 25 MB decoded). */
        dataBase64: z.string().min(1).max(36_000_000),
      })
      .strict(),
    z.object({ path: z.string(), filename: z.string(), bytes: z.number().int() }),
    'Keep an input image for a job (drag & drop in Generate).',
  ),
  'queue.pause': method(
    z.object({ paused: z.boolean() }).strict(),
    z.object({ paused: z.boolean() }),
    'Pause or resume the whole queue (running jobs finish).',
  ),
};

export const jobsEvents = {
  /** Every state change of a job (created, submitted, running, collecting, ended). */
  'job.changed': JobSchema,
  /** Progress ticks of a job not over (at most a few per second per job). */
  'job.progress': JobProgressViewSchema,
};
