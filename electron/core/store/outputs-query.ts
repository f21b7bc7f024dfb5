/**
 * Gallery queries over `outputs`: full text (FTS5) plus filters, newest first with keyset pages, and a capped
 * total. SQLite cannot know how many rows an FTS match or a filter value selects, and a wrong guess turns a
 * 1 ms page into a 100 ms scan, so this picks the access path itself from cheap, cached row counts:
 *   - read the text's matches from the FTS index and sort the survivors (few matches), or
 *   - walk one of the newest-first indexes (outputs_created, outputs_<filter>_created) and stop after a page
 *     (common words, broad filters).
 */
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { OutputQuerySchema } from '@shared/library';
import type { Db } from './db';

type Statement = Database.Statement<unknown[], unknown>;

export type ParsedOutputQuery = z.output<typeof OutputQuerySchema>;

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

/** Equality filters and the newest-first index each one has (migration 001). */
const EQUALITY = [
  { key: 'userId', column: 'user_id', index: 'outputs_user_created' },
  { key: 'guildId', column: 'guild_id', index: 'outputs_guild_created' },
  { key: 'workflow', column: 'workflow', index: 'outputs_workflow_created' },
  { key: 'kind', column: 'kind', index: 'outputs_kind_created' },
  { key: 'favourite', column: 'favourite', index: 'outputs_favourite_created' },
] as const;

/** Row counts are taken up to this many; beyond it a set is simply "large". */
const COUNT_CAP = 25_000;
/** A cached count is reused while the table has not grown or shrunk by more than this share. */
const CACHE_DRIFT = 0.02;
const CACHE_SIZE = 512;

interface Filter {
  column: string;
  index: string;
  value: unknown;
  rows: number;
}

type Driver = { kind: 'fts' } | { kind: 'index'; index: string; column: string | null };

interface Shape {
  fts: string | null;
  /** FTS matches, counted up to COUNT_CAP. */
  matches: number;
  filters: Filter[];
  /** Rows inside from/to (up to COUNT_CAP), null without a date range. */
  rangeRows: number | null;
  size: number;
}

export class GalleryQueries {
  private readonly counts = new Map<string, { n: number; size: number }>();
  private readonly statements = new Map<string, Statement>();
  private readonly totals = new Map<string, { changes: number; result: { total: number; capped: boolean } }>();

  constructor(private readonly db: Db) {}

  /** One page of rows, newest first. */
  items(q: ParsedOutputQuery): unknown[] {
    const shape = this.shape(q);
    const driver = this.pickForItems(shape, q.limit);
    const { sql, params } = this.build(q, shape, driver, true);
    return this.prepare(`${sql} ORDER BY o.created_at DESC, o.id DESC LIMIT @limit`).all({ ...params, limit: q.limit });
  }

  /**
   * How many rows match (ignoring `after`/`limit`), counting at most cap + 1. Remembered until the database
   * next changes, so scrolling through one search (keyset pages) counts once.
   */
  total(q: ParsedOutputQuery, cap: number): { total: number; capped: boolean } {
    const key = JSON.stringify([
      q.text ?? null,
      q.userId ?? null,
      q.guildId ?? null,
      q.workflow ?? null,
      q.kind ?? null,
      q.favourite ?? null,
      q.from ?? null,
      q.to ?? null,
      cap,
    ]);
    const changes = (this.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const hit = this.totals.get(key);
    if (hit && hit.changes === changes) return hit.result;
    const result = this.countTotal(q, cap);
    this.totals.set(key, { changes, result });
    if (this.totals.size > 64) this.totals.delete(this.totals.keys().next().value!);
    return result;
  }

  private countTotal(q: ParsedOutputQuery, cap: number): { total: number; capped: boolean } {
    const shape = this.shape(q);
    const only = shape.filters[0];
    let n: number;
    // Planning counts may be slightly stale (cached); a total is always counted fresh.
    if (shape.fts && shape.filters.length === 0 && shape.rangeRows === null) {
      n = (
        this.prepare('SELECT COUNT(*) AS n FROM (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ? LIMIT ?)').get(
          shape.fts,
          cap + 1,
        ) as { n: number }
      ).n;
    } else if (!shape.fts && only && shape.filters.length === 1 && shape.rangeRows === null) {
      n = (
        this.prepare(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outputs INDEXED BY ${only.index} WHERE ${only.column} = ? LIMIT ?)`,
        ).get(only.value, cap + 1) as { n: number }
      ).n;
    } else {
      const driver = this.pickForCount(shape, cap);
      const { sql, params } = this.build(q, shape, driver, false);
      n = (
        this.prepare(`SELECT COUNT(*) AS n FROM (${sql.replace('SELECT o.*', 'SELECT 1')} LIMIT @cap)`).get({
          ...params,
          cap: cap + 1,
        }) as { n: number }
      ).n;
    }
    return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
  }

  /** Which access path the page and the count would take (for tests and diagnostics). */
  explain(q: ParsedOutputQuery, cap: number): { items: string; count: string } {
    const shape = this.shape(q);
    const name = (d: Driver) => (d.kind === 'fts' ? 'fts' : d.index);
    return { items: name(this.pickForItems(shape, q.limit)), count: name(this.pickForCount(shape, cap)) };
  }

  // -- planning ------------------------------------------------------------------------------------------

  private shape(q: ParsedOutputQuery): Shape {
    const size = Math.max(1, (this.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM outputs').get() as { n: number }).n);
    const fts = q.text ? ftsQuery(q.text) : null;
    const matches = fts
      ? this.cachedCount(
          `fts\0${fts}`,
          size,
          'SELECT COUNT(*) AS n FROM (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ? LIMIT ?)',
          fts,
        )
      : 0;
    const filters: Filter[] = [];
    for (const f of EQUALITY) {
      const raw = q[f.key];
      if (raw === undefined || raw === '') continue;
      const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
      const rows = this.cachedCount(
        `${f.column}\0${String(value)}`,
        size,
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outputs INDEXED BY ${f.index} WHERE ${f.column} = ? LIMIT ?)`,
        value,
      );
      filters.push({ column: f.column, index: f.index, value, rows });
    }
    let rangeRows: number | null = null;
    if (q.from !== undefined || q.to !== undefined) {
      rangeRows = (
        this.prepare(
          'SELECT COUNT(*) AS n FROM (SELECT 1 FROM outputs INDEXED BY outputs_created WHERE created_at >= ? AND created_at <= ? LIMIT ?)',
        ).get(q.from ?? Number.MIN_SAFE_INTEGER, q.to ?? Number.MAX_SAFE_INTEGER, COUNT_CAP) as { n: number }
      ).n;
    }
    return { fts, matches, filters, rangeRows, size };
  }

  /** Cost of walking a newest-first index until `want` hits (or its end), for each index; and of the FTS path. */
  private candidates(s: Shape, want: number, sortWeight: number): { driver: Driver; cost: number }[] {
    const sel = (rows: number) => Math.min(1, rows / s.size);
    const rangeSel = s.rangeRows === null ? 1 : sel(s.rangeRows);
    const textSel = s.fts ? sel(s.matches) : 1;
    const all = s.filters.reduce((p, f) => p * sel(f.rows), 1);
    const walk = (rows: number, density: number) => (density <= 0 ? rows : Math.min(rows, want / density));
    const out: { driver: Driver; cost: number }[] = [
      {
        driver: { kind: 'index', index: 'outputs_created', column: null },
        cost: walk(s.rangeRows ?? s.size, all * textSel),
      },
    ];
    for (const f of s.filters) {
      const others = (all / Math.max(sel(f.rows), 1e-9)) * textSel;
      out.push({
        driver: { kind: 'index', index: f.index, column: f.column },
        cost: walk(f.rows * rangeSel, f.rows === 0 ? 0 : others),
      });
    }
    if (s.fts) out.push({ driver: { kind: 'fts' }, cost: s.matches + sortWeight * s.matches * all * rangeSel });
    return out;
  }

  private pickForItems(s: Shape, limit: number): Driver {
    return cheapest(this.candidates(s, limit, 2));
  }

  private pickForCount(s: Shape, cap: number): Driver {
    return cheapest(this.candidates(s, cap + 1, 0));
  }

  /** `SELECT o.* FROM outputs o ... WHERE ...` shaped so SQLite takes the chosen path. */
  private build(
    q: ParsedOutputQuery,
    s: Shape,
    driver: Driver,
    withAfter: boolean,
  ): { sql: string; params: Record<string, unknown> } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    // A unary + keeps SQLite from using a term to pick an index, so only the chosen path drives the query.
    const byIndex = driver.kind === 'index';
    if (s.fts) {
      where.push(`${byIndex ? '+o.id' : 'o.id'} IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH @fts)`);
      params.fts = s.fts;
    }
    s.filters.forEach((f, i) => {
      where.push(`${byIndex && driver.column === f.column ? '' : '+'}o.${f.column} = @f${i}`);
      params[`f${i}`] = f.value;
    });
    const time = byIndex ? 'o.created_at' : '+o.created_at';
    if (q.from !== undefined) {
      where.push(`${time} >= @from`);
      params.from = q.from;
    }
    if (q.to !== undefined) {
      where.push(`${time} <= @to`);
      params.to = q.to;
    }
    if (withAfter && q.after) {
      where.push(
        byIndex
          ? '(o.created_at, o.id) < (@afterCreated, @afterId)'
          : '(+o.created_at, +o.id) < (@afterCreated, @afterId)',
      );
      params.afterCreated = q.after.createdAt;
      params.afterId = q.after.id;
    }
    const from = byIndex ? `outputs o INDEXED BY ${driver.index}` : 'outputs o';
    return { sql: `SELECT o.* FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
  }

  private cachedCount(key: string, size: number, sql: string, value: unknown): number {
    const hit = key.startsWith('favourite\0') ? undefined : this.counts.get(key);
    if (hit && Math.abs(hit.size - size) <= Math.max(50, hit.size * CACHE_DRIFT)) {
      this.counts.delete(key);
      this.counts.set(key, hit);
      return hit.n;
    }
    const n = (this.prepare(sql).get(value, COUNT_CAP) as { n: number }).n;
    this.counts.set(key, { n, size });
    if (this.counts.size > CACHE_SIZE) this.counts.delete(this.counts.keys().next().value!);
    return n;
  }

  private prepare(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
      if (this.statements.size > 256) this.statements.delete(this.statements.keys().next().value!);
    }
    return st;
  }
}

function cheapest(list: { driver: Driver; cost: number }[]): Driver {
  return list.reduce((best, c) => (c.cost < best.cost ? c : best)).driver;
}
