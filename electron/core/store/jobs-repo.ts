import { z } from 'zod';
import {
  ENDED_STATUSES,
  JobInputSchema,
  JobLoraSchema,
  JobMessagesSchema,
  type Job,
  type JobInput,
  type JobLora,
  type JobMessages,
  type JobSource,
  type JobStatus,
} from '@shared/jobs';
import { ParamValueSchema, type ParamValue } from '@shared/params';
import type { Delivery } from '@shared/settings';
import type { Db } from './db';
import { readJson, toJson } from './json';

interface JobRow {
  id: string;
  number: number;
  exec_ms: number | null;
  share_weight: number;
  source: JobSource;
  user_id: string;
  guild_id: string | null;
  channel_id: string | null;
  workflow: string;
  params: string;
  lora: string | null;
  models: string;
  inputs: string;
  prompt: string;
  negative: string;
  status: JobStatus;
  backend_id: string | null;
  prompt_id: string | null;
  progress: number;
  error: string | null;
  error_hint: string | null;
  delivery: Delivery;
  message_ids: string;
  attempts: number;
  priority: number;
  parent_job_id: string | null;
  created_at: number;
  submitted_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

// The JSON columns' schemas, made once (a job row is read often: the queue, the gallery, the bot).
const ParamsSchema = z.record(z.string(), ParamValueSchema);
const ModelsSchema = z.record(z.string(), z.string());
const InputsSchema = z.array(JobInputSchema);
const LoraSchema = JobLoraSchema.nullable();

const toJob = (r: JobRow): Job => ({
  id: r.id,
  number: r.number,
  source: r.source,
  userId: r.user_id,
  guildId: r.guild_id,
  channelId: r.channel_id,
  workflow: r.workflow,
  params: readJson(ParamsSchema, r.params, {}),
  lora: r.lora === null ? null : readJson(LoraSchema, r.lora, null),
  models: readJson(ModelsSchema, r.models, {}),
  inputs: readJson(InputsSchema, r.inputs, []),
  prompt: r.prompt,
  negative: r.negative,
  status: r.status,
  backendId: r.backend_id,
  promptId: r.prompt_id,
  progress: r.progress,
  error: r.error,
  errorHint: r.error_hint,
  delivery: r.delivery,
  messages: readJson(JobMessagesSchema, r.message_ids, {}),
  attempts: r.attempts,
  execMs: r.exec_ms,
  shareWeight: r.share_weight,
  priority: r.priority,
  parentJobId: r.parent_job_id,
  createdAt: r.created_at,
  submittedAt: r.submitted_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  updatedAt: r.updated_at,
});

export interface NewJob {
  id: string;
  source: JobSource;
  userId: string;
  guildId?: string | null;
  channelId?: string | null;
  workflow: string;
  params: Record<string, ParamValue>;
  lora?: JobLora | null;
  models?: Record<string, string>;
  inputs?: JobInput[];
  prompt?: string;
  negative?: string;
  delivery?: Delivery;
  priority?: number;
  parentJobId?: string | null;
  /** The owner's share weight (their server roles'); 1 when absent. */
  shareWeight?: number;
}

/** Fields a transition may set alongside the new status. */
export interface TransitionPatch {
  backendId?: string | null;
  promptId?: string | null;
  progress?: number;
  error?: string | null;
  errorHint?: string | null;
  attempts?: number;
}

export class JobEndedError extends Error {
  constructor(id: string, status: JobStatus) {
    super(`Job ${id} has already ended (${status}) and cannot change.`);
    this.name = 'JobEndedError';
  }
}

const isEnded = (s: JobStatus) => ENDED_STATUSES.includes(s);

export class JobsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Store a new job as queued (with its first transition) before anything is sent anywhere. */
  create(job: NewJob): Job {
    const at = this.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO jobs (id, number, source, user_id, guild_id, channel_id, workflow, params, lora, models, inputs,
             prompt, negative, status, delivery, priority, parent_job_id, share_weight, created_at, updated_at)
           VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM jobs), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?,
             ?, ?, ?, ?)`,
        )
        .run(
          job.id,
          job.source,
          job.userId,
          job.guildId ?? null,
          job.channelId ?? null,
          job.workflow,
          toJson(job.params),
          job.lora ? toJson(job.lora) : null,
          toJson(job.models ?? {}),
          toJson(job.inputs ?? []),
          job.prompt ?? '',
          job.negative ?? '',
          job.delivery ?? 'channel',
          job.priority ?? 0,
          job.parentJobId ?? null,
          job.shareWeight ?? 1,
          at,
          at,
        );
      this.db
        .prepare('INSERT INTO job_transitions (job_id, from_state, to_state, reason, at) VALUES (?, NULL, ?, ?, ?)')
        .run(job.id, 'queued', 'created', at);
    })();
    return this.get(job.id)!;
  }

  get(id: string): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  byPromptId(promptId: string): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE prompt_id = ?').get(promptId) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /**
   * Move a job to `to` in one transaction, recording the transition. `from` (when given) must match the
   * current status, so two racing writers cannot both win. Ended jobs never change again.
   */
  transition(
    id: string,
    to: JobStatus,
    patch: TransitionPatch = {},
    options: { from?: JobStatus[]; reason?: string } = {},
  ): Job {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) throw new Error(`Job ${id} does not exist.`);
      if (isEnded(current.status)) throw new JobEndedError(id, current.status);
      if (options.from && !options.from.includes(current.status)) {
        throw new Error(`Job ${id} is ${current.status}, expected ${options.from.join(' or ')}.`);
      }
      const at = this.now();
      const sets: string[] = ['status = @status', 'updated_at = @at'];
      const params: Record<string, unknown> = { id, status: to, at };
      if (to === 'submitted' && current.submittedAt === null) sets.push('submitted_at = @at');
      if (to === 'running' && current.startedAt === null) sets.push('started_at = @at');
      if (isEnded(to)) sets.push('ended_at = @at');
      if (to === 'done') sets.push('progress = 100');
      if (to === 'queued') sets.push('submitted_at = NULL', 'started_at = NULL');
      for (const [key, column] of [
        ['backendId', 'backend_id'],
        ['promptId', 'prompt_id'],
        ['progress', 'progress'],
        ['error', 'error'],
        ['errorHint', 'error_hint'],
        ['attempts', 'attempts'],
      ] as const) {
        if (patch[key] !== undefined && !(key === 'progress' && to === 'done')) {
          sets.push(`${column} = @${key}`);
          params[key] = patch[key];
        }
      }
      this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(params);
      this.db
        .prepare('INSERT INTO job_transitions (job_id, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?)')
        .run(id, current.status, to, options.reason ?? null, at);
      return this.get(id)!;
    })();
  }

  /** Progress ticks are not transitions: no history row, and ignored once the job ended. */
  setProgress(id: string, progress: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND status IN ('submitted', 'running', 'collecting')`,
      )
      .run(Math.max(0, Math.min(100, progress)), this.now(), id);
  }

  /**
   * Count GPU time a run of the job used on ComfyUI (`execution_start` to the end of the prompt), at `at` (when
   * the run ended): added to what earlier runs of it used (a run retried after a fault counts both).
   */
  addExecMs(id: string, ms: number, at: number): void {
    this.db
      .prepare('UPDATE jobs SET exec_ms = COALESCE(exec_ms, 0) + ?, exec_at = ? WHERE id = ?')
      .run(Math.max(0, Math.round(ms)), at, id);
  }

  /** The newest finished runs with a measured GPU time of one whole run (for wait estimates), newest first. */
  recentRuns(limit: number): Job[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM jobs WHERE status = 'done' AND exec_ms IS NOT NULL AND attempts = 0 ORDER BY ended_at DESC LIMIT ?",
        )
        .all(limit) as JobRow[]
    ).map(toJob);
  }

  /** The job with this short number. */
  byNumber(number: number): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE number = ?').get(number) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  setMessages(id: string, messages: JobMessages): void {
    const current = this.get(id);
    if (!current) return;
    this.db
      .prepare('UPDATE jobs SET message_ids = ?, updated_at = ? WHERE id = ?')
      .run(toJson({ ...current.messages, ...messages }), this.now(), id);
  }

  transitions(id: string): { from: JobStatus | null; to: JobStatus; reason: string | null; at: number }[] {
    return (
      this.db
        .prepare('SELECT from_state, to_state, reason, at FROM job_transitions WHERE job_id = ? ORDER BY id')
        .all(id) as {
        from_state: JobStatus | null;
        to_state: JobStatus;
        reason: string | null;
        at: number;
      }[]
    ).map((r) => ({ from: r.from_state, to: r.to_state, reason: r.reason, at: r.at }));
  }

  /** Jobs in any of these states, oldest first. */
  byStatus(statuses: readonly JobStatus[], limit = 10_000): Job[] {
    const marks = statuses.map(() => '?').join(', ');
    return (
      this.db
        .prepare(`SELECT * FROM jobs WHERE status IN (${marks}) ORDER BY created_at, id LIMIT ?`)
        .all(...statuses, limit) as JobRow[]
    ).map(toJob);
  }

  /** A user's jobs, newest first, optionally filtered by status. */
  byUser(userId: string, options: { statuses?: readonly JobStatus[]; limit?: number } = {}): Job[] {
    const statuses = options.statuses ?? [];
    const filter = statuses.length ? `AND status IN (${statuses.map(() => '?').join(', ')})` : '';
    return (
      this.db
        .prepare(`SELECT * FROM jobs WHERE user_id = ? ${filter} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(userId, ...statuses, options.limit ?? 50) as JobRow[]
    ).map(toJob);
  }

  /** Jobs newest first, filtered by status, user and guild. */
  list(filter: { statuses?: readonly JobStatus[]; userId?: string; guildId?: string; limit?: number } = {}): Job[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.statuses?.length) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      args.push(...filter.statuses);
    }
    if (filter.userId) {
      where.push('user_id = ?');
      args.push(filter.userId);
    }
    if (filter.guildId) {
      where.push('guild_id = ?');
      args.push(filter.guildId);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 50) as JobRow[]).map(toJob);
  }

  countActiveByUser(userId: string): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM jobs WHERE user_id = ? AND status IN ('queued', 'submitted', 'running', 'collecting')`,
      )
      .get(userId) as { n: number };
    return row.n;
  }

  /**
   * Jobs per status. Pass the statuses you need (e.g. ACTIVE_STATUSES): the index then reads only those rows
   * instead of every job ever made; the others count 0.
   */
  countByStatus(statuses?: readonly JobStatus[]): Record<JobStatus, number> {
    const out: Record<JobStatus, number> = {
      queued: 0,
      submitted: 0,
      running: 0,
      collecting: 0,
      done: 0,
      failed: 0,
      cancelled: 0,
    };
    const where = statuses ? `WHERE status IN (${statuses.map(() => '?').join(', ')})` : '';
    for (const row of this.db
      .prepare(`SELECT status, COUNT(*) AS n FROM jobs ${where} GROUP BY status`)
      .all(...(statuses ?? [])) as { status: JobStatus; n: number }[]) {
      out[row.status] = row.n;
    }
    return out;
  }

  /** Recently ended jobs, newest first. */
  recentEnded(limit = 50): Job[] {
    // Walks the jobs_ended index from the newest end and stops at the jobs not over (no end yet); `+status` keeps
    // SQLite from scanning by status instead.
    return (
      this.db
        .prepare(
          `SELECT * FROM jobs WHERE ended_at IS NOT NULL AND +status IN ('done', 'failed', 'cancelled')
           ORDER BY ended_at DESC, id DESC LIMIT ?`,
        )
        .all(limit) as JobRow[]
    ).map(toJob);
  }
}
