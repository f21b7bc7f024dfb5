import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputQuerySchema, type OutputQuery } from '@shared/library';
import { openStore } from '@core/store';
import { ftsQuery, GalleryQueries } from '@core/store/outputs-query';
import { seedOutputs, WORKFLOWS } from '../../../bench/library-seed';
import { dirs } from './helpers';

afterEach(() => dirs.cleanup());

/** The plain query with no hints: SQLite's answer is right whichever path it takes, just maybe slow. */
function reference(db: ReturnType<typeof openStore>['db'], q: OutputQuery): { ids: number[]; total: number } {
  const p = OutputQuerySchema.parse(q);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  const fts = p.text ? ftsQuery(p.text) : null;
  if (fts) add('id IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ?)', fts);
  if (p.userId) add('user_id = ?', p.userId);
  if (p.guildId) add('guild_id = ?', p.guildId);
  if (p.workflow) add('workflow = ?', p.workflow);
  if (p.kind) add('kind = ?', p.kind);
  if (p.favourite !== undefined) add('favourite = ?', p.favourite ? 1 : 0);
  if (p.from !== undefined) add('created_at >= ?', p.from);
  if (p.to !== undefined) add('created_at <= ?', p.to);
  const all = (
    db
      .prepare(
        `SELECT id, created_at FROM outputs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC`,
      )
      .all(...params) as {
      id: number;
      created_at: number;
    }[]
  ).filter(
    (r) => !p.after || r.created_at < p.after.createdAt || (r.created_at === p.after.createdAt && r.id < p.after.id),
  );
  const total = db
    .prepare(`SELECT COUNT(*) AS n FROM outputs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
    .get(...params) as { n: number };
  return { ids: all.slice(0, p.limit).map((r) => r.id), total: total.n };
}

describe('gallery query paths', () => {
  it('every access path it picks returns exactly what the plain query returns', () => {
    const store = openStore(join(dirs.make(), 'db.sqlite'), { now: () => Date.UTC(2026, 0, 1) });
    const seed = seedOutputs(store.db, 6000, Date.UTC(2026, 0, 1), 5);
    // Several outputs share a timestamp (4 per job), so keyset pages must break ties by id.
    const mid = store.db.prepare('SELECT created_at AS createdAt, id FROM outputs WHERE id = 3002').get() as {
      createdAt: number;
      id: number;
    };
    const day = 24 * 3600_000;
    const queries: OutputQuery[] = [
      {},
      { limit: 7, after: mid },
      { text: seed.commonWord },
      { text: seed.rareWord },
      { text: 'ghost' },
      { text: `${seed.commonWord} cat` },
      { text: 'nothingmatchesthis' },
      { text: seed.commonWord, userId: seed.users[0] },
      { text: seed.rareWord, userId: seed.users[0] },
      { text: seed.commonWord, workflow: 'wan22-i2v', kind: 'image' },
      { text: 'cat', workflow: WORKFLOWS[0], kind: 'image', after: mid },
      { workflow: 'wan22-i2v', kind: 'video', limit: 20 },
      { userId: seed.users[39], favourite: false },
      { favourite: true },
      { guildId: 'g2', from: seed.oldest + 100 * day, to: seed.oldest + 130 * day },
      { text: seed.commonWord, from: seed.oldest + 10 * day, to: seed.oldest + 12 * day },
      { text: 'cat', guildId: 'g1', favourite: false, after: mid, limit: 50 },
    ];
    const gallery = new GalleryQueries(store.db);
    const paths = new Set<string>();
    for (const q of queries) {
      const parsed = OutputQuerySchema.parse(q);
      const want = reference(store.db, q);
      const got = (gallery.items(parsed) as { id: number }[]).map((r) => r.id);
      expect(got, JSON.stringify(q)).toEqual(want.ids);
      for (const cap of [1000, 10]) {
        const total = gallery.total(parsed, cap);
        expect(total, `${JSON.stringify(q)} cap ${cap}`).toEqual(
          want.total > cap ? { total: cap, capped: true } : { total: want.total, capped: false },
        );
        const plan = gallery.explain(parsed, cap);
        paths.add(plan.items).add(plan.count);
      }
    }
    // The queries above drive every kind of path: the FTS matches, the time index and filter indexes.
    expect(paths).toContain('fts');
    expect(paths).toContain('outputs_created');
    expect([...paths].some((p) => /^outputs_(user|guild|workflow|kind|favourite)_created$/.test(p))).toBe(true);
    store.close();
  });

  it('a remembered total follows any change to the database, even a cascade from deleting a job', () => {
    const store = openStore(join(dirs.make(), 'db.sqlite'), { now: () => Date.UTC(2026, 0, 1) });
    const seed = seedOutputs(store.db, 2000, Date.UTC(2026, 0, 1), 9);
    const gallery = new GalleryQueries(store.db);
    const q = OutputQuerySchema.parse({ text: seed.commonWord, userId: seed.users[0] });
    const before = gallery.total(q, 100_000);
    expect(gallery.total(q, 100_000)).toEqual(before);
    const job = store.db
      .prepare(
        'SELECT job_id AS id, COUNT(*) AS n FROM outputs WHERE id IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ?) AND user_id = ? GROUP BY job_id LIMIT 1',
      )
      .get(ftsQuery(seed.commonWord), seed.users[0]) as { id: string; n: number };
    store.db.prepare('DELETE FROM jobs WHERE id = ?').run(job.id);
    expect(gallery.total(q, 100_000)).toEqual({ total: before.total - job.n, capped: false });
    store.close();
  });
});
