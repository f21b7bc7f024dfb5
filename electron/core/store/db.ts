/**
 * The one database handle: better-sqlite3 with WAL and foreign keys, numbered migrations applied in a
 * transaction at open.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  migrations?: Migration[];
  now?: () => number;
}

/** Names a better-sqlite3 addon to load instead of the module's own (set by electron/main/native-modules.ts). */
export const SQLITE_BINDING_ENV = 'COMFYDESK_SQLITE_BINDING';

/**
 * A plain connection: no pragmas, no migrations (the integrity check, backups and restore look at files with it).
 * The desktop shell points COMFYDESK_SQLITE_BINDING at a better-sqlite3 build for Electron's ABI in development
 * (see README, "Native modules"); plain Node (tests, headless) and the packaged app use the module's own build.
 */
export function openRawDatabase(file: string, options: { readonly?: boolean; fileMustExist?: boolean } = {}): Db {
  const nativeBinding = process.env[SQLITE_BINDING_ENV];
  return new Database(file, { ...options, ...(nativeBinding ? { nativeBinding } : {}) });
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = openRawDatabase(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations ?? allMigrations, options.now ?? Date.now);
  } catch (err) {
    db.close();
    throw err;
  }
  cacheStatements(db);
  return db;
}

/**
 * Repositories write their SQL inline (`db.prepare(sql).get(...)`), which is clear to read; compiling the same
 * SQL again on every call is not free, so prepared statements are kept per SQL text (the hot paths of the jobs
 * engine and the gallery run a handful of statements thousands of times). Statements are only ever used with
 * run/get/all, which makes reuse safe.
 */
const STATEMENT_CACHE_LIMIT = 1_000;
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, ReturnType<Db['prepare']>>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db['prepare'];
}

/** Apply the migrations the database has not seen yet, each in its own transaction. Returns versions applied. */
export function migrate(db: Db, migrations: Migration[], now: () => number = Date.now): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const done: number[] = [];
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now(),
      );
    })();
    done.push(m.version);
  }
  return done;
}

/** The migrations this database has applied (empty when it has none, or no migrations table at all). */
export function appliedMigrations(db: Db): { version: number; name: string }[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
  }[];
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
