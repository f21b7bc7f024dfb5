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

  /** Add several outputs in one transaction (all or none). */
  addMany(outputs: readonly NewOutput[]): Output[] {
    return this.db.transaction(() => outputs.map((o) => this.add(o)))();
  }

  /** Returns false when the output no longer exists. */
  setThumbnail(id: number, thumbnailPath: string | null): boolean {
    return this.db.prepare('UPDATE outputs SET thumbnail_path = ? WHERE id = ?').run(thumbnailPath, id).changes > 0;
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

  /** Remove several rows in one transaction; returns the ones that existed (for file clean-up). */
  removeMany(ids: readonly number[]): Output[] {
    return this.db.transaction(() => ids.map((id) => this.remove(id)).filter((o): o is Output => o !== null))();
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outputs').get() as { n: number }).n;
  }

  /** How many outputs and their total size. */
  stats(): { count: number; bytes: number } {
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outputs').get() as { n: number; b: number };
    return { count: row.n, bytes: row.b };
  }

  /** Every output in id order, a page at a time (for background scans such as missing thumbnails). */
  scan(afterId: number, limit: number): Output[] {
    return (this.db.prepare('SELECT * FROM outputs WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as OutputRow[]).map(toOutput);
  }

  /** Newest first, keyset-paginated, full text over prompt/negative plus filters. */
  search(query: OutputQuery = {}): Output[] {
    const q = OutputQuerySchema.parse(query);
    return this.items(q, this.textPlan(q, 0));
  }

  /**
   * How many outputs match the query's text and filters (ignoring `after` and `limit`), counting at most
   * `cap` + 1 rows so a broad query stays cheap: `capped` says the real number is larger than `cap`.
   */
  countMatching(query: OutputQuery = {}, cap = 10_000): { total: number; capped: boolean } {
    const q = OutputQuerySchema.parse(query);
    return this.total(q, this.textPlan(q, cap + 1), cap);
  }

  /** One gallery page and the (capped) number of matches, sharing the text look-up. */
  page(query: OutputQuery = {}, cap = 10_000): { items: Output[]; total: number; capped: boolean } {
    const q = OutputQuerySchema.parse(query);
    const plan = this.textPlan(q, cap + 1);
    return { items: this.items(q, plan), ...this.total(q, plan, cap) };
  }

  private items(q: ParsedQuery, plan: TextPlan): Output[] {
    const { where, params } = filterFor(q, true, plan.dense);
    const sql = `SELECT o.* FROM outputs o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY o.created_at DESC, o.id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all({ ...params, limit: q.limit }) as OutputRow[]).map(toOutput);
  }

  private total(q: ParsedQuery, plan: TextPlan, cap: number): { total: number; capped: boolean } {
    const textOnly = plan.matches !== null && !hasFilters(q);
    let n: number;
    if (textOnly) n = plan.matches!;
    else {
      const { where, params } = filterFor(q, false, plan.dense);
      const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outputs o ${where.length ? `WHERE ${where.join(' AND ')}` : ''} LIMIT @cap)`;
      n = (this.db.prepare(sql).get({ ...params, cap: cap + 1 }) as { n: number }).n;
    }
    return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
  }

  /**
   * Query shape for text search. A rare word is best served by reading its few matches from the FTS index
   * and sorting them; a common word (thousands of matches) by walking a newest-first index and keeping rows
   * whose id is in the match set, which stops after one page instead of sorting every match. Counts the
   * matches up to `atLeast` (or the density threshold, whichever is larger).
   */
  private textPlan(q: ParsedQuery, atLeast: number): TextPlan {
    const fts = q.text ? ftsQuery(q.text) : null;
    if (!fts) return { dense: false, matches: null };
    const size = (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM outputs').get() as { n: number }).n;
    const threshold = Math.max(500, Math.floor(size / DENSE_RATIO));
    const matches = (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ? LIMIT ?)')
        .get(fts, Math.max(threshold, atLeast)) as { n: number }
    ).n;
    return { dense: matches >= threshold, matches };
  }
}

interface TextPlan {
  /** The text matches many outputs: walk a time index and filter, rather than sort every match. */
  dense: boolean;
  /** FTS matches counted (up to the limit asked), null without text. */
  matches: number | null;
}

type ParsedQuery = ReturnType<typeof OutputQuerySchema.parse>;

/** A text that matches at least 1 in DENSE_RATIO outputs is "dense" (see `ftsIsDense`). */
const DENSE_RATIO = 50;

function hasFilters(q: ParsedQuery): boolean {
  return (
    !!q.userId || !!q.guildId || !!q.workflow || !!q.kind || q.favourite !== undefined || q.from !== undefined || q.to !== undefined
  );
}

/** The WHERE clauses (over alias `o`) and named parameters for a gallery query. */
function filterFor(q: ParsedQuery, withAfter: boolean, denseText: boolean): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (clause: string, key: string, value: unknown) => {
    where.push(clause);
    params[key] = value;
  };
  const fts = q.text ? ftsQuery(q.text) : null;
  // `+o.id` keeps SQLite from driving the query from the match set, so it walks a newest-first index instead.
  if (fts) add(`${denseText ? '+o.id' : 'o.id'} IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH @fts)`, 'fts', fts);
  if (q.userId) add('o.user_id = @userId', 'userId', q.userId);
  if (q.guildId) add('o.guild_id = @guildId', 'guildId', q.guildId);
  if (q.workflow) add('o.workflow = @workflow', 'workflow', q.workflow);
  if (q.kind) add('o.kind = @kind', 'kind', q.kind);
  if (q.favourite !== undefined) add('o.favourite = @favourite', 'favourite', q.favourite ? 1 : 0);
  if (q.from !== undefined) add('o.created_at >= @from', 'from', q.from);
  if (q.to !== undefined) add('o.created_at <= @to', 'to', q.to);
  if (withAfter && q.after) {
    where.push('(o.created_at < @afterCreated OR (o.created_at = @afterCreated AND o.id < @afterId))');
    params.afterCreated = q.after.createdAt;
    params.afterId = q.after.id;
  }
  return { where, params };
}
