/**
 * Is this file a healthy ComfyDesk database? SQLite's `PRAGMA quick_check` (the b-trees, pages and records are
 * well formed), then: a ComfyDesk database (its migrations table and core tables), and a schema this version
 * knows (no migration it has never heard of). Every answer is a sentence a person can act on.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { appliedMigrations, openRawDatabase, type Db } from '@core/store/db';
import type { Migration } from '@core/store/migrations';

const SQLITE_HEADER = 'SQLite format 3\u0000';
/** Tables every ComfyDesk database has had since its first version. */
const CORE_TABLES = ['schema_migrations', 'users', 'guilds', 'templates', 'jobs', 'outputs', 'settings'];

export type Verdict = { ok: true; schemaVersion: number } | { ok: false; reason: string };

/** SQLite's own words for a failing database, shortened. */
function sqliteReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'SQLITE_NOTADB') return 'it is not a SQLite database (or its first page is damaged)';
  if (e.code === 'SQLITE_CORRUPT' || e.code === 'SQLITE_CORRUPT_INDEX') return `it is damaged (${e.message ?? e.code})`;
  return e.message ?? String(err);
}

/** Does the file start like a SQLite database? (null when it does, else why not.) */
export function headerProblem(file: string): string | null {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return 'it is not a file';
    size = stat.size;
  } catch {
    return 'the file does not exist';
  }
  if (size === 0) return 'the file is empty';
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const read = readSync(fd, head, 0, 16, 0);
    if (read < 16 || head.toString('latin1') !== SQLITE_HEADER) return 'it is not a SQLite database';
  } finally {
    closeSync(fd);
  }
  return null;
}

/** `PRAGMA quick_check` on an open database: null when it passes, else the first problems it found. */
export function quickCheckProblem(db: Db): string | null {
  try {
    const rows = db.pragma('quick_check(10)') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((p) => p !== 'ok');
    if (problems.length === 0) return null;
    return `it fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`;
  } catch (err) {
    return sqliteReason(err);
  }
}

/** A ComfyDesk database of a schema this version knows: null when it is, else why not. */
export function schemaProblem(db: Db, known: readonly Migration[]): { problem: string | null; version: number } {
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name),
  );
  if (!tables.has('schema_migrations')) {
    return { problem: 'it is a SQLite database, but not a ComfyDesk one (it has no ComfyDesk tables)', version: 0 };
  }
  const applied = appliedMigrations(db);
  const version = applied.reduce((max, m) => Math.max(max, m.version), 0);
  const latest = known.reduce((max, m) => Math.max(max, m.version), 0);
  if (version > latest) {
    return {
      problem: `it was made by a newer ComfyDesk (database version ${version}; this version knows up to ${latest}): update ComfyDesk first`,
      version,
    };
  }
  const byVersion = new Map(known.map((m) => [m.version, m.name]));
  for (const m of applied) {
    if (byVersion.get(m.version) !== m.name) {
      return {
        problem: `it is not a ComfyDesk database: its step ${m.version} is "${m.name}", ComfyDesk's is "${byVersion.get(m.version) ?? 'none'}"`,
        version,
      };
    }
  }
  const missing = CORE_TABLES.filter((t) => !tables.has(t));
  if (applied.length === 0 || missing.length > 0) {
    return {
      problem: `it is not a complete ComfyDesk database (missing: ${missing.join(', ') || 'its first version'})`,
      version,
    };
  }
  return { problem: null, version };
}

/**
 * Everything a restore needs to know about a candidate file, checked on a connection of its own (read-write: a
 * copy the caller owns, since SQLite may need to recover a journal).
 */
export function inspectDatabase(file: string, known: readonly Migration[]): Verdict {
  const header = headerProblem(file);
  if (header) return { ok: false, reason: header };
  let db: Db | null = null;
  try {
    db = openRawDatabase(file, { fileMustExist: true });
    const damaged = quickCheckProblem(db);
    if (damaged) return { ok: false, reason: damaged };
    const { problem, version } = schemaProblem(db, known);
    if (problem) return { ok: false, reason: problem };
    return { ok: true, schemaVersion: version };
  } catch (err) {
    return { ok: false, reason: sqliteReason(err) };
  } finally {
    db?.close();
  }
}

/**
 * The check at start of the live database: `quick_check` only (a fresh or empty file is fine; migrations make it a
 * ComfyDesk database). Returns the open connection so the caller can back it up before migrating.
 */
export function checkLiveDatabase(file: string): { ok: true; db: Db } | { ok: false; reason: string } {
  const header = headerProblem(file);
  if (header && header !== 'the file is empty') return { ok: false, reason: header };
  let db: Db | null = null;
  try {
    db = openRawDatabase(file, { fileMustExist: true });
    const damaged = quickCheckProblem(db);
    if (damaged) {
      db.close();
      return { ok: false, reason: damaged };
    }
    return { ok: true, db };
  } catch (err) {
    db?.close();
    return { ok: false, reason: sqliteReason(err) };
  }
}

export { sqliteReason };
