/**
 * The outbox of Discord result deliveries that failed: one row per job, retried when the bot (re)connects.
 * The `discord_outbox` table (migration 003).
 */
import type { Db } from './db';

export interface OutboxEntry {
  jobId: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  job_id: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Give up on a delivery after this many failed attempts (the desktop keeps the files). */
export const MAX_DELIVERY_ATTEMPTS = 10;

export class OutboxRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Record a failed attempt (creating the entry). */
  failed(jobId: string, error: string): OutboxEntry {
    const at = this.now();
    const row = this.db
      .prepare(
        `INSERT INTO discord_outbox (job_id, attempts, last_error, created_at, updated_at) VALUES (?, 1, ?, ?, ?)
         ON CONFLICT(job_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, updated_at = excluded.updated_at
         RETURNING *`,
      )
      .get(jobId, error.slice(0, 1000), at, at) as Row;
    return toEntry(row);
  }

  get(jobId: string): OutboxEntry | null {
    const row = this.db.prepare('SELECT * FROM discord_outbox WHERE job_id = ?').get(jobId) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  /** Entries still worth retrying, oldest first. */
  pending(limit = 100): OutboxEntry[] {
    return (
      this.db
        .prepare('SELECT * FROM discord_outbox WHERE attempts < ? ORDER BY created_at, job_id LIMIT ?')
        .all(MAX_DELIVERY_ATTEMPTS, limit) as Row[]
    ).map(toEntry);
  }

  remove(jobId: string): void {
    this.db.prepare('DELETE FROM discord_outbox WHERE job_id = ?').run(jobId);
  }

  count(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM discord_outbox WHERE attempts < ?').get(MAX_DELIVERY_ATTEMPTS) as {
        n: number;
      }
    ).n;
  }
}

const toEntry = (r: Row): OutboxEntry => ({
  jobId: r.job_id,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
