/**
 * GPU time as the jobs table records it: each job's `exec_ms` (every run of it, counted when the run ended:
 * `exec_at`). A job belongs to a period by when its GPU time was counted, or, for a job that never ran, by when
 * it ended; jobs that never ran and did not fail (cancelled while waiting) are not usage.
 */
import type { Db } from './db';

export interface UsageTotals {
  gpuMs: number;
  jobs: number;
  failed: number;
}

export interface UsageFilter {
  since: number;
  until: number;
  userId?: string | undefined;
  /** A server's jobs; null: the desktop's own (no server); absent: every job. */
  guildId?: string | null | undefined;
}

const USED_AT = 'COALESCE(j.exec_at, j.ended_at)';
const COUNTED = "(j.exec_ms IS NOT NULL OR j.status = 'failed')";
const TOTALS = `COALESCE(SUM(j.exec_ms), 0) AS gpuMs, COUNT(*) AS jobs,
  COALESCE(SUM(CASE WHEN j.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed`;

function where(f: UsageFilter): { sql: string; args: Record<string, unknown> } {
  const parts = [`${USED_AT} >= @since`, `${USED_AT} < @until`, COUNTED];
  const args: Record<string, unknown> = { since: f.since, until: f.until };
  if (f.userId !== undefined) {
    parts.push('j.user_id = @userId');
    args.userId = f.userId;
  }
  if (f.guildId === null) parts.push('j.guild_id IS NULL');
  else if (f.guildId !== undefined) {
    parts.push('j.guild_id = @guildId');
    args.guildId = f.guildId;
  }
  return { sql: parts.join(' AND '), args };
}

export class UsageRepo {
  constructor(private readonly db: Db) {}

  /** GPU time, jobs and failures matching the filter. */
  totals(f: UsageFilter): UsageTotals {
    const w = where(f);
    return this.db.prepare(`SELECT ${TOTALS} FROM jobs j WHERE ${w.sql}`).get(w.args) as UsageTotals;
  }

  /** Per user, most GPU time first, with the name each was last seen with. */
  byUser(f: UsageFilter, limit = 1000): Array<UsageTotals & { userId: string; userName: string }> {
    const w = where(f);
    return this.db
      .prepare(
        `SELECT j.user_id AS userId, COALESCE(u.name, j.user_id) AS userName, ${TOTALS}
         FROM jobs j LEFT JOIN users u ON u.id = j.user_id WHERE ${w.sql}
         GROUP BY j.user_id ORDER BY gpuMs DESC, jobs DESC, j.user_id LIMIT @limit`,
      )
      .all({ ...w.args, limit }) as Array<UsageTotals & { userId: string; userName: string }>;
  }

  /** Per server (null: the desktop's own jobs), most GPU time first. */
  byGuild(f: UsageFilter): Array<UsageTotals & { guildId: string | null; name: string }> {
    const w = where(f);
    return this.db
      .prepare(
        `SELECT j.guild_id AS guildId, COALESCE(g.name, j.guild_id, 'Desktop') AS name, ${TOTALS}
         FROM jobs j LEFT JOIN guilds g ON g.id = j.guild_id WHERE ${w.sql}
         GROUP BY j.guild_id ORDER BY gpuMs DESC, jobs DESC`,
      )
      .all(w.args) as Array<UsageTotals & { guildId: string | null; name: string }>;
  }

  /** Per workflow, most GPU time first. */
  byWorkflow(f: UsageFilter): Array<UsageTotals & { workflow: string }> {
    const w = where(f);
    return this.db
      .prepare(
        `SELECT j.workflow AS workflow, ${TOTALS} FROM jobs j WHERE ${w.sql}
         GROUP BY j.workflow ORDER BY gpuMs DESC, jobs DESC`,
      )
      .all(w.args) as Array<UsageTotals & { workflow: string }>;
  }

  /** Each counted job's time, GPU time and whether it failed (for per-day sums in a time zone). */
  points(f: UsageFilter): Array<{ at: number; ms: number; failed: number }> {
    const w = where(f);
    return this.db
      .prepare(
        `SELECT ${USED_AT} AS at, COALESCE(j.exec_ms, 0) AS ms, CASE WHEN j.status = 'failed' THEN 1 ELSE 0 END AS failed
         FROM jobs j WHERE ${w.sql} ORDER BY at`,
      )
      .all(w.args) as Array<{ at: number; ms: number; failed: number }>;
  }

  /** Every run counted since `since` (for the scheduler's window at start), oldest first. */
  runsSince(since: number): Array<{ userId: string; ms: number; at: number }> {
    return this.db
      .prepare(
        `SELECT user_id AS userId, exec_ms AS ms, exec_at AS at FROM jobs
         WHERE exec_at IS NOT NULL AND exec_at >= ? AND exec_ms > 0 ORDER BY exec_at`,
      )
      .all(since) as Array<{ userId: string; ms: number; at: number }>;
  }
}
