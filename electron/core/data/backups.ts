/**
 * Database backups in `<data dir>/backups/`: SQLite's online backup through better-sqlite3's `backup()` on the
 * live connection (never a file copy of a WAL database), written under a temporary name and renamed when complete,
 * then made a self-contained file (rollback journal, no -wal/-shm beside it). Named by UTC time and reason; the
 * oldest beyond the kept number go.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BACKUP_NAME, type Backup, type BackupReason } from '@shared/api/data';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { openRawDatabase, type Db } from '@core/store/db';

const PARTIAL = '.partial-';
/** Pages copied per step of the online backup; the event loop runs between steps. */
const PAGES_PER_STEP = 256;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20260314T093000Z` for a time (UTC, to the second). */
export function stamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

function parseStamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** A backup's name parts, or null when the name is not one of ours. */
export function parseBackupName(name: string): { createdAt: number; reason: BackupReason; seq: number } | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  return { createdAt: parseStamp(m[1]!), reason: m[2] as BackupReason, seq: m[3] ? Number(m[3]) : 1 };
}

/** The sidecar files SQLite may keep beside a database. */
export const SIDECARS = ['-wal', '-shm', '-journal'];

export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', ...SIDECARS]) rmSync(`${file}${suffix}`, { force: true });
}

export class Backups {
  /** One backup at a time (the daily one, "Back up now" and the one before a restore may meet). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly logger: Logger,
    /** Pages copied per step (tests make it small to interleave writes with a backup). */
    private readonly pagesPerStep = PAGES_PER_STEP,
  ) {}

  /** Newest first. */
  list(): Backup[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const found: (Backup & { seq: number })[] = [];
    for (const name of names) {
      const parsed = parseBackupName(name);
      if (!parsed) continue;
      try {
        found.push({
          name,
          reason: parsed.reason,
          createdAt: parsed.createdAt,
          bytes: statSync(this.path(name)).size,
          seq: parsed.seq,
        });
      } catch {
        // removed while listing
      }
    }
    found.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
    return found.map(({ seq: _seq, ...b }) => b);
  }

  newest(): Backup | null {
    return this.list()[0] ?? null;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Back up the database behind `db` (the live connection); resolves once the file is complete. */
  create(db: Db, reason: BackupReason): Promise<Backup> {
    const run = this.chain.then(() => this.write(db, reason));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no backup is being written. */
  idle(): Promise<unknown> {
    return this.chain;
  }

  /** Keep the newest `keep` backups; returns the names removed. */
  prune(keep: number): string[] {
    const old = this.list().slice(keep);
    for (const b of old) removeDatabaseFiles(this.path(b.name));
    if (old.length) this.logger.info('old backups removed', { count: old.length });
    return old.map((b) => b.name);
  }

  /** Half-written backups a crash left behind. */
  removePartials(): void {
    try {
      for (const name of readdirSync(this.dir)) if (name.startsWith(PARTIAL)) removeDatabaseFiles(this.path(name));
    } catch {
      // no folder yet
    }
  }

  private freeName(reason: BackupReason): string {
    const base = `comfydesk-${stamp(this.clock.now())}-${reason}`;
    const taken = new Set(this.list().map((b) => b.name));
    for (let n = 1; ; n++) {
      const name = n === 1 ? `${base}.db` : `${base}-${n}.db`;
      if (!taken.has(name)) return name;
    }
  }

  private async write(db: Db, reason: BackupReason): Promise<Backup> {
    mkdirSync(this.dir, { recursive: true });
    const name = this.freeName(reason);
    const partial = this.path(`${PARTIAL}${name}`);
    const started = performance.now();
    try {
      removeDatabaseFiles(partial);
      await db.backup(partial, { progress: () => this.pagesPerStep });
      // A backup of a WAL database is a WAL database: make it a single file people can copy.
      const copy = openRawDatabase(partial, { fileMustExist: true });
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      renameSync(partial, this.path(name));
    } catch (err) {
      removeDatabaseFiles(partial);
      throw err;
    }
    const parsed = parseBackupName(name)!;
    const backup: Backup = { name, reason, createdAt: parsed.createdAt, bytes: statSync(this.path(name)).size };
    this.logger.info('database backed up', {
      name,
      reason,
      bytes: backup.bytes,
      ms: Math.round(performance.now() - started),
    });
    return backup;
  }
}
