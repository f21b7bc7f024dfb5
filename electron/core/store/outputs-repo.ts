import { OutputQuerySchema, type Output, type OutputKind, type OutputQuery } from '@shared/library';
import type { Db } from './db';
import { bool } from './json';
import { ftsQuery, GalleryQueries } from './outputs-query';

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

export { ftsQuery };

export class OutputsRepo {
  private readonly gallery: GalleryQueries;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.gallery = new GalleryQueries(db);
  }

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

  /** Whether a row already points at this path (a file deleted by hand still holds its name). */
  hasFilePath(filePath: string): boolean {
    return this.db.prepare('SELECT 1 FROM outputs WHERE file_path = ?').get(filePath) !== undefined;
  }

  byJob(jobId: string): Output[] {
    return (this.db.prepare('SELECT * FROM outputs WHERE job_id = ? ORDER BY id').all(jobId) as OutputRow[]).map(
      toOutput,
    );
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

  /**
   * Remove several rows in one transaction; returns the ones that existed, in the order asked (for file clean-up).
   * Their files (and the `extraPaths` of each, its thumbnail) go into the trash in the same transaction: the caller
   * unlinks them and calls `untrash`; what a crash leaves there is finished at the next start.
   */
  removeMany(ids: readonly number[], extraPaths: (o: Output) => (string | null)[] = () => []): Output[] {
    if (ids.length === 0) return [];
    const list = JSON.stringify(ids);
    return this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT * FROM outputs WHERE id IN (SELECT value FROM json_each(?))')
        .all(list) as OutputRow[];
      if (rows.length === 0) return [];
      this.db.prepare('DELETE FROM outputs WHERE id IN (SELECT value FROM json_each(?))').run(list);
      const byId = new Map(rows.map((r) => [r.id, toOutput(r)]));
      const removed = [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
      const trash = this.db.prepare('INSERT OR IGNORE INTO library_trash (path, queued_at) VALUES (?, ?)');
      const at = this.now();
      for (const o of removed) for (const p of [o.filePath, ...extraPaths(o)]) if (p) trash.run(p, at);
      return removed;
    })();
  }

  /** Files whose rows were removed and that still wait to be unlinked (oldest first). */
  trashed(limit = 1000): string[] {
    return (
      this.db.prepare('SELECT path FROM library_trash ORDER BY queued_at, path LIMIT ?').all(limit) as {
        path: string;
      }[]
    ).map((r) => r.path);
  }

  /** These files are gone from disk: forget them. */
  untrash(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.db
      .prepare('DELETE FROM library_trash WHERE path IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(paths));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outputs').get() as { n: number }).n;
  }

  /** Who, where and which workflow the library's outputs come from, with names and counts (the gallery's filters). */
  facets(limit = 200): Record<'users' | 'guilds' | 'workflows', { id: string; name: string; count: number }[]> {
    const rows = (sql: string) => this.db.prepare(sql).all(limit) as { id: string; name: string; count: number }[];
    return {
      users: rows(`SELECT o.user_id AS id, COALESCE(u.name, o.user_id) AS name, COUNT(*) AS count
                   FROM outputs o LEFT JOIN users u ON u.id = o.user_id GROUP BY o.user_id ORDER BY count DESC, name LIMIT ?`),
      guilds: rows(`SELECT o.guild_id AS id, COALESCE(g.name, o.guild_id) AS name, COUNT(*) AS count
                    FROM outputs o LEFT JOIN guilds g ON g.id = o.guild_id WHERE o.guild_id IS NOT NULL
                    GROUP BY o.guild_id ORDER BY count DESC, name LIMIT ?`),
      workflows: rows(
        `SELECT workflow AS id, workflow AS name, COUNT(*) AS count FROM outputs GROUP BY workflow ORDER BY count DESC LIMIT ?`,
      ),
    };
  }

  /** How many outputs and their total size. */
  stats(): { count: number; bytes: number } {
    const row = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outputs').get() as {
      n: number;
      b: number;
    };
    return { count: row.n, bytes: row.b };
  }

  /** Every output in id order, a page at a time (for background scans such as missing thumbnails). */
  scan(afterId: number, limit: number): Output[] {
    return (
      this.db.prepare('SELECT * FROM outputs WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as OutputRow[]
    ).map(toOutput);
  }

  /** Newest first, keyset-paginated, full text over prompt/negative plus filters. */
  search(query: OutputQuery = {}): Output[] {
    return (this.gallery.items(OutputQuerySchema.parse(query)) as OutputRow[]).map(toOutput);
  }

  /**
   * One gallery page and how many outputs match the query's text and filters (ignoring `after` and `limit`),
   * counting at most `cap` + 1 rows so a broad query stays cheap: `capped` says the real number is larger.
   */
  page(query: OutputQuery = {}, cap = 10_000): { items: Output[]; total: number; capped: boolean } {
    const q = OutputQuerySchema.parse(query);
    const items = (this.gallery.items(q) as OutputRow[]).map(toOutput);
    // A short first page is every match: no need to count them again.
    if (!q.after && items.length < q.limit && items.length <= cap) return { items, total: items.length, capped: false };
    return { items, ...this.gallery.total(q, cap) };
  }
}
