import { z } from 'zod';
import { ParamValueSchema } from './params';
import { DeliverySchema } from './settings';

/** A job's life: queued → submitted → running → collecting → done | failed | cancelled. */
export const JobStatusSchema = z.enum(['queued', 'submitted', 'running', 'collecting', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const ENDED_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled'];
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'submitted', 'running', 'collecting'];

export const JobSourceSchema = z.enum(['discord', 'desktop']);
export type JobSource = z.infer<typeof JobSourceSchema>;

/** An image given to a job: uploaded to a backend under `name`, kept locally at `path`. */
export const JobInputSchema = z.object({
  /** Which LoadImage slot (0-based) this image fills. */
  slot: z.number().int().min(0).max(7),
  path: z.string().min(1),
  /** Original file name, for display. */
  filename: z.string().min(1),
});
export type JobInput = z.infer<typeof JobInputSchema>;

/** Discord message ids of a job: its progress message and its result message(s). */
export const JobMessagesSchema = z.object({
  progress: z.string().optional(),
  results: z.array(z.string()).optional(),
  interactionToken: z.string().optional(),
  applicationId: z.string().optional(),
});
export type JobMessages = z.infer<typeof JobMessagesSchema>;

/** The LoRA a job applies: a file of the backend's `loras` folder and its strength. */
export const JobLoraSchema = z.object({ name: z.string().min(1), strength: z.number() });
export type JobLora = z.infer<typeof JobLoraSchema>;

export const JobSchema = z.object({
  id: z.string(),
  /** The short number people read and type (`#1287`); unique, never reused. */
  number: z.number().int().positive(),
  source: JobSourceSchema,
  userId: z.string(),
  guildId: z.string().nullable(),
  channelId: z.string().nullable(),
  workflow: z.string(),
  /**
   * The request resolved once, at submit: every manifest parameter's value (random seeds already drawn inside
   * their range), the LoRA, and the model file chosen for each of the workflow's model settings. Dispatch,
   * recovery and reruns map exactly these into the graph.
   */
  params: z.record(z.string(), ParamValueSchema),
  lora: JobLoraSchema.nullable(),
  models: z.record(z.string(), z.string()),
  inputs: z.array(JobInputSchema),
  prompt: z.string(),
  negative: z.string(),
  status: JobStatusSchema,
  backendId: z.string().nullable(),
  promptId: z.string().nullable(),
  /** 0..100 */
  progress: z.number().min(0).max(100),
  error: z.string().nullable(),
  /** For a failed job: what would help (get the missing file, free VRAM…), not always "try again". */
  errorHint: z.string().nullable(),
  delivery: DeliverySchema,
  messages: JobMessagesSchema,
  attempts: z.number().int().nonnegative(),
  /**
   * GPU time it used on ComfyUI in ms (ComfyUI's `execution_start` to the end of the prompt), every run counted:
   * a failed or interrupted run too, and both runs of a job retried once. Null until it ran.
   */
  execMs: z.number().int().nonnegative().nullable(),
  /** Its owner's share of the GPU when it was submitted (their server roles' weight; 1 by default). */
  shareWeight: z.number().positive(),
  priority: z.number().int(),
  parentJobId: z.string().nullable(),
  createdAt: z.number(),
  submittedAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  updatedAt: z.number(),
});
export type Job = z.infer<typeof JobSchema>;
