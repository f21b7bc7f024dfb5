/**
 * The reads retention and the orphan scan make over the outputs table: compact pages in gallery order or id
 * order, and which outputs are in use (by a template or an unfinished job) and so must stay.
 */
import { ACTIVE_STATUSES } from '@shared/jobs';
import type { Db } from './db';

export interface UpkeepRow {
  id: number;
  userId: string;
  guildId: string | null;
  bytes: number;
  createdAt: number;
  favourite: boolean;
}

export interface PathRow {
  id: number;
  filePath: string;
  thumbnailPath: string | null;
  createdAt: number;
}

const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Outputs in use: made by an unfinished job, given as an input image to one (`inputs[].path`), or named by a
 * template's parameters (any text value equal to the output's file).
 */
const IN_USE_SQL = /* sql */ `
  SELECT o.id FROM outputs o WHERE o.job_id IN (SELECT id FROM jobs WHERE status IN (${ACTIVE}))
  UNION
  SELECT o.id FROM outputs o JOIN (
    SELECT json_extract(i.value, '$.path') AS path FROM jobs, json_each(jobs.inputs) AS i WHERE jobs.status IN (${ACTIVE})
  ) used ON o.file_path = used.path
  UNION
  SELECT o.id FROM outputs o JOIN (
    SELECT p.value AS path FROM templates, json_tree(templates.params) AS p WHERE p.type = 'text'
  ) used ON o.file_path = used.path`;

export class LibraryUpkeepRepo {
  constructor(private readonly db: Db) {}

  /** Outputs newest first, a page after `after` (exclusive). */
  newestFirst(after: { createdAt: number; id: number } | null, limit: number): UpkeepRow[] {
    const sql = `SELECT id, user_id, guild_id, bytes, created_at, favourite FROM outputs
      ${after ? 'WHERE (created_at, id) < (?, ?)' : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const args = after ? [after.createdAt, after.id, limit] : [limit];
    return (
      this.db.prepare(sql).all(...args) as {
        id: number;
        user_id: string;
        guild_id: string | null;
        bytes: number;
        created_at: number;
        favourite: number;
      }[]
    ).map((r) => ({
      id: r.id,
      userId: r.user_id,
      guildId: r.guild_id,
      bytes: r.bytes,
      createdAt: r.created_at,
      favourite: r.favourite === 1,
    }));
  }

  /** Ids of outputs in use (see IN_USE_SQL); favourites are a column of each row. */
  inUse(): Set<number> {
    return new Set((this.db.prepare(IN_USE_SQL).all() as { id: number }[]).map((r) => r.id));
  }

  /** Of these ids, those that still exist and may go now, and how many exist but must stay (favourite, in use). */
  removable(ids: readonly number[]): { ids: number[]; protected: number } {
    if (ids.length === 0) return { ids: [], protected: 0 };
    const inUse = this.inUse();
    const rows = this.db
      .prepare('SELECT id, favourite FROM outputs WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as { id: number; favourite: number }[];
    const allowed = rows.filter((r) => r.favourite === 0 && !inUse.has(r.id)).map((r) => r.id);
    return { ids: allowed, protected: rows.length - allowed.length };
  }

  /** Every output's files, in id order, a page at a time. */
  paths(afterId: number, limit: number): PathRow[] {
    return (
      this.db
        .prepare('SELECT id, file_path, thumbnail_path, created_at FROM outputs WHERE id > ? ORDER BY id LIMIT ?')
        .all(afterId, limit) as { id: number; file_path: string; thumbnail_path: string | null; created_at: number }[]
    ).map((r) => ({ id: r.id, filePath: r.file_path, thumbnailPath: r.thumbnail_path, createdAt: r.created_at }));
  }

  /** Whether an output with this id exists, or one names this thumbnail. */
  ownsThumbnail(id: number | null, path: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM outputs WHERE id = ? OR thumbnail_path = ? LIMIT 1').get(id ?? -1, path) !==
      undefined
    );
  }

  /** The file of an output moved (put back from the orphans folder). */
  setFilePath(id: number, filePath: string): boolean {
    return this.db.prepare('UPDATE outputs SET file_path = ? WHERE id = ?').run(filePath, id).changes > 0;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outputs').get() as { n: number }).n;
  }
}
