/**
 * Restoring a database: a candidate file is copied beside the live one and checked there (a ComfyDesk database,
 * a schema this version knows, `quick_check` passes), so nothing changes until it is known good; the swap then
 * replaces the live file (after the core closed it) or keeps a damaged one aside.
 */
import { copyFileSync, existsSync, mkdirSync, realpathSync, renameSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { refusal } from '@shared/api';
import { openRawDatabase } from '@core/store/db';
import type { Migration } from '@core/store/migrations';
import { removeDatabaseFiles, SIDECARS, stamp } from './backups';
import { headerProblem, inspectDatabase } from './integrity';

/** Where a candidate is copied and checked before it replaces the live database. */
export const stagingFile = (dbFile: string): string => `${dbFile}.restoring`;

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/**
 * Copy `source` next to the live database and check the copy. Returns the staged file and its schema version;
 * throws a refusal that says why the file cannot be used (and leaves nothing behind).
 */
export function stageCandidate(
  source: string,
  dbFile: string,
  known: readonly Migration[],
): { staged: string; schemaVersion: number } {
  const name = basename(source);
  const refuse = (why: string) =>
    refusal('bad_request', 'Cannot restore this file', `${name} cannot be restored: ${why}.`, 'Choose another backup.');
  if (samePath(source, dbFile)) throw refuse('it is the database ComfyDesk is using right now');
  if (!existsSync(source)) throw refuse('the file does not exist');
  // Nothing that is not a SQLite file is copied (it could be anything, of any size).
  const header = headerProblem(source);
  if (header) throw refuse(header);
  const staged = stagingFile(dbFile);
  removeDatabaseFiles(staged);
  try {
    // The candidate is not a live database (ours are closed and self-contained; a copied comfydesk.db may carry
    // its -wal, which holds committed data): a copy of its files is exact.
    copyFileSync(source, staged);
    for (const suffix of ['-wal'])
      if (existsSync(`${source}${suffix}`)) copyFileSync(`${source}${suffix}`, `${staged}${suffix}`);
  } catch (err) {
    removeDatabaseFiles(staged);
    throw refuse(`it could not be read (${(err as Error).message})`);
  }
  const verdict = inspectDatabase(staged, known);
  if (!verdict.ok) {
    removeDatabaseFiles(staged);
    throw refuse(verdict.reason);
  }
  try {
    const db = openRawDatabase(staged, { fileMustExist: true });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
  } catch (err) {
    removeDatabaseFiles(staged);
    throw refuse(`it could not be prepared (${(err as Error).message})`);
  }
  return { staged, schemaVersion: verdict.schemaVersion };
}

/** Move the database (and its sidecars) into `<data dir>/damaged/`; returns where it went. */
export function keepAside(dbFile: string, now: number): string {
  const dir = join(dirname(dbFile), 'damaged');
  mkdirSync(dir, { recursive: true });
  const stem = basename(dbFile).replace(/\.db$/, '');
  let target = join(dir, `${stem}-${stamp(now)}.db`);
  for (let n = 2; existsSync(target); n++) target = join(dir, `${stem}-${stamp(now)}-${n}.db`);
  for (const suffix of ['', ...SIDECARS]) {
    if (existsSync(`${dbFile}${suffix}`)) renameSync(`${dbFile}${suffix}`, `${target}${suffix}`);
  }
  return target;
}

/** Put the staged file in place of the (closed) live database. The old one is removed: a backup holds it. */
export function swapIn(staged: string, dbFile: string): void {
  removeDatabaseFiles(dbFile);
  renameSync(staged, dbFile);
}
