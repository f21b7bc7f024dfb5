import { OutputQuerySchema, type Output, type OutputKind, type OutputQuery } from '../../../shared/library';
import type { Db } from './db';
import { bool } from './json';

interface OutputRow {
  id: number;
  job_id: string;
  file_path: string;
  kind: OutputKind;
  mime: string;
  width: number | null;
  height: number | null;
  bytes: number;
  thumbnail_path: string | null;
  favourite: number;
  user_id: string;
  guild_id: string | null;
  workflow: string;
  prompt: string;
  negative: string;
  seed: number | null;
  created_at: number;
}

const toOutput = (r: OutputRow): Output => ({
  id: r.id,
  jobId: r.job_id,
  filePath: r.file_path,
  kind: r.kind,
  mime: r.mime,
  width: r.width,
  height: r.height,
  bytes: r.bytes,
  thumbnailPath: r.thumbnail_path,
  favourite: bool(r.favourite),
  userId: r.user_id,
  guildId: r.guild_id,
  workflow: r.workflow,
  prompt: r.prompt,
  negative: r.negative,
  seed: r.seed,
  createdAt: r.created_at,
});

export type NewOutput = Omit<Output, 'id' | 'favourite' | 'thumbnailPath' | 'createdAt'> & {
  thumbnailPath?: string | null;
  createdAt?: number;
};

/**
 * Turn what a user typed into an FTS5 query: every word must match (as a prefix), quotes neutralised so no
 * input can form FTS syntax.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean)
    .slice(0, 16);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
}

export class OutputsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  add(output: NewOutput): Output {
    const info = this.db
      .prepare(
        `INSERT INTO outputs (job_id, file_path, kind, mime, width, height, bytes, thumbnail_path, user_id, guild_id,
           workflow, prompt, negative, seed, created_at)
         VALUES (@jobId, @filePath, @kind, @mime, @width, @height, @bytes, @thumbnailPath, @userId, @guildId,
           @workflow, @prompt, @negative, @seed, @createdAt)`,
      )
      .run({ ...output, thumbnailPath: output.thumbnailPath ?? null, createdAt: output.createdAt ?? this.now() });
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): Output | null {
    const row = this.db.prepare('SELECT * FROM outputs WHERE id = ?').get(id) as OutputRow | undefined;
    return row ? toOutput(row) : null;
  }

  byJob(jobId: string): Output[] {
    return (this.db.prepare('SELECT * FROM outputs WHERE job_id = ? ORDER BY id').all(jobId) as OutputRow[]).map(toOutput);
  }

  setThumbnail(id: number, thumbnailPath: string): void {
    this.db.prepare('UPDATE outputs SET thumbnail_path = ? WHERE id = ?').run(thumbnailPath, id);
  }

  setFavourite(id: number, favourite: boolean): boolean {
    return this.db.prepare('UPDATE outputs SET favourite = ? WHERE id = ?').run(favourite ? 1 : 0, id).changes > 0;
  }

  /** Remove the row (the FTS index follows by trigger). Returns the removed output for file clean-up. */
  remove(id: number): Output | null {
    const found = this.get(id);
    if (found) this.db.prepare('DELETE FROM outputs WHERE id = ?').run(id);
    return found;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outputs').get() as { n: number }).n;
  }

  /** Newest first, keyset-paginated, full text over prompt/negative plus filters. */
  search(query: OutputQuery = {}): Output[] {
    const q = OutputQuerySchema.parse(query);
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    const fts = q.text ? ftsQuery(q.text) : null;
    if (fts) {
      where.push('o.id IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH @fts)');
      params.fts = fts;
    }
    const add = (clause: string, key: string, value: unknown) => {
      where.push(clause);
      params[key] = value;
    };
    if (q.userId) add('o.user_id = @userId', 'userId', q.userId);
    if (q.guildId) add('o.guild_id = @guildId', 'guildId', q.guildId);
    if (q.workflow) add('o.workflow = @workflow', 'workflow', q.workflow);
    if (q.kind) add('o.kind = @kind', 'kind', q.kind);
    if (q.favourite !== undefined) add('o.favourite = @favourite', 'favourite', q.favourite ? 1 : 0);
    if (q.from !== undefined) add('o.created_at >= @from', 'from', q.from);
    if (q.to !== undefined) add('o.created_at <= @to', 'to', q.to);
    if (q.after) {
      where.push('(o.created_at < @afterCreated OR (o.created_at = @afterCreated AND o.id < @afterId))');
      params.afterCreated = q.after.createdAt;
      params.afterId = q.after.id;
    }
    const sql = `SELECT o.* FROM outputs o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY o.created_at DESC, o.id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as OutputRow[]).map(toOutput);
  }
}
