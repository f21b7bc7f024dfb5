/**
 * The database check at start and restoring backups, through the host the shells run: a damaged database does
 * not start a half-broken app, the newest good backup is restored, files that are not ComfyDesk databases are
 * refused with the reason, and a restore of a running core restarts it behind the same API and events.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ApiError, type EventPayload } from '@shared/api';
import { loadConfig } from '@core/config';
import { createCoreHost, type CoreHost } from '@core/host';
import { MemorySecretStore } from '@core/secrets';
import { openDatabase, openRawDatabase } from '@core/store/db';
import { migrations } from '@core/store/migrations';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';
import { corrupt } from './helpers';

type Defer = (fn: () => unknown) => void;

function host(dataDir: string, defer: Defer, clock = new FakeClock()): CoreHost {
  const h = createCoreHost({
    config: loadConfig({ dataDir, env: {} }),
    mode: 'headless',
    clock,
    secrets: new MemorySecretStore(),
    discoverUrls: [],
  });
  defer(() => h.stop());
  return h;
}

const LATEST = Math.max(...migrations.map((m) => m.version));

const saveTemplate = (h: CoreHost, name: string) =>
  h.api.call('templates.save', { name, workflow: 'sdxl-txt2img', prompt: `${name} prompt` });
const templateNames = async (h: CoreHost) =>
  (await h.api.call('templates.list', {})).map((t: { name: string }) => t.name).sort();

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('integrity at start and restore', () => {
  it('a corrupted database is found at start: the app does not start half-broken, the last backup is restored and the damaged file kept aside', async ({
    tempDir,
    defer,
  }) => {
    const original = tempDir();
    const first = host(original, defer);
    await first.start();
    await saveTemplate(first, 'kept');
    const backup = await first.api.call('data.backupNow', {});
    await saveTemplate(first, 'after the backup');
    await first.stop();

    // A copy of the data folder whose database gets bytes overwritten.
    const copy = tempDir();
    cpSync(original, copy, { recursive: true });
    corrupt(join(copy, 'comfydesk.db'));

    const h = host(copy, defer);
    await h.start();
    expect(h.state()).toBe('damaged');
    expect(h.core()).toBeNull();
    const status = await h.api.call('data.status', {});
    expect(status.database).toBe('damaged');
    expect(status.problem).toMatch(/cannot be used: it (fails SQLite's integrity check|is damaged|is not a SQLite)/);
    expect(status.candidate?.name).toBe(backup.name);
    // Nothing else runs on a damaged database; every other call says why.
    const refused = await refusal(h.api.call('templates.list', {}));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toMatch(/did not start: The database .* cannot be used/);
    expect((await h.api.call('app.info', {})).dataDir).toBe(copy);

    const restarted: EventPayload<'data.restarted'>[] = [];
    h.events.on('data.restarted', (e) => restarted.push(e));
    const result = await h.api.call('data.restore', { from: 'newest' });
    expect(result).toMatchObject({ restoredFrom: backup.name, safetyBackup: null, schemaVersion: LATEST });
    expect(result.damagedFile).toMatch(/damaged[\\/]comfydesk-\d{8}T\d{6}Z\.db$/);
    expect(existsSync(result.damagedFile!)).toBe(true);
    expect(restarted.map((e) => e.reason)).toEqual(['restore']);
    expect(h.state()).toBe('ok');
    expect(await templateNames(h)).toEqual(['kept']);
    expect((await h.api.call('data.status', {})).database).toBe('ok');
  });

  it('skips a backup that fails its own check and restores the newest good one', async ({ tempDir, defer }) => {
    const dir = tempDir();
    const first = host(dir, defer);
    await first.start();
    await saveTemplate(first, 'one');
    const good = await first.api.call('data.backupNow', {});
    await saveTemplate(first, 'two');
    const bad = await first.core()!.data.backup('daily');
    await first.stop();
    corrupt(join(dir, 'backups', bad.name));
    corrupt(join(dir, 'comfydesk.db'));

    const h = host(dir, defer);
    await h.start();
    expect((await h.api.call('data.status', {})).candidate?.name).toBe(good.name);
    expect((await h.api.call('data.restore', { from: 'newest' })).restoredFrom).toBe(good.name);
    expect(await templateNames(h)).toEqual(['one']);
  });

  it('refuses files that are not ComfyDesk databases, with the reason, and changes nothing', async ({
    tempDir,
    defer,
  }) => {
    const dir = tempDir();
    const h = host(dir, defer);
    await h.start();
    await saveTemplate(h, 'mine');
    const other = tempDir();

    const text = join(other, 'notes.db');
    writeFileSync(text, 'these are my notes, not a database');
    const foreign = join(other, 'foreign.db');
    const db = openRawDatabase(foreign);
    db.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    const newer = join(other, 'newer.db');
    const n = openDatabase(newer);
    n.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from-the-future', 1)").run();
    n.close();
    const broken = join(other, 'broken.db');
    const b = openDatabase(broken, { migrations });
    b.exec(`CREATE TABLE filler (x TEXT); ${'INSERT INTO filler VALUES (randomblob(3000));'.repeat(60)}`);
    b.close();
    corrupt(broken);

    const cases: [string, RegExp][] = [
      [text, /notes\.db cannot be restored: it is not a SQLite database\./],
      [foreign, /foreign\.db cannot be restored: it is a SQLite database, but not a ComfyDesk one/],
      [newer, new RegExp(`made by a newer ComfyDesk \\(database version 99; this version knows up to ${LATEST}\\)`)],
      [broken, /broken\.db cannot be restored: it (fails SQLite's integrity check|is damaged|is not a SQLite)/],
      [join(other, 'missing.db'), /the file does not exist/],
      [join(dir, 'comfydesk.db'), /it is the database ComfyDesk is using right now/],
    ];
    for (const [path, reason] of cases) {
      const err = await refusal(h.api.call('data.restore', { from: 'file', path }));
      expect(err.code, path).toBe('bad_request');
      expect(err.message, path).toMatch(reason);
    }
    expect(h.state()).toBe('ok');
    expect(await templateNames(h)).toEqual(['mine']);
    expect(readdirSync(dir).filter((f) => f.includes('restoring'))).toEqual([]);
    expect((await h.api.call('data.status', {})).backups).toEqual([]);
    // A backup name that is not one is refused by the contract.
    expect(
      (await h.api.dispatch('data.restore', { from: 'backup', name: '../comfydesk.db' }, { caller: 'test' })).ok,
    ).toBe(false);
  });

  it('restores a chosen backup on a running core: the current state is backed up first, the core restarts behind the same API and events', async ({
    tempDir,
    defer,
  }) => {
    const clock = new FakeClock();
    const h = host(tempDir(), defer, clock);
    await h.start();
    const before = h.core();
    await saveTemplate(h, 'first');
    const backup = await h.api.call('data.backupNow', {});
    clock.advance(1000);
    await saveTemplate(h, 'second');
    const seen: string[] = [];
    h.events.on('templates.changed', (e) => seen.push(e.template?.name ?? ''));

    const result = await h.api.call('data.restore', { from: 'backup', name: backup.name });
    expect(result.safetyBackup).toMatch(/-pre-restore\.db$/);
    expect(h.core()).not.toBe(before);
    expect(await templateNames(h)).toEqual(['first']);
    // Events of the new core reach the same bus.
    await saveTemplate(h, 'third');
    expect(seen).toEqual(['third']);

    // And back: the safety backup holds the state before the restore.
    await h.api.call('data.restore', { from: 'backup', name: result.safetyBackup! });
    expect(await templateNames(h)).toEqual(['first', 'second']);
  });

  it('starting fresh is offered only for a damaged database, and keeps it aside', async ({ tempDir, defer }) => {
    const dir = tempDir();
    const first = host(dir, defer);
    await first.start();
    const refused = await refusal(first.api.call('data.startFresh', {}));
    expect(refused.code).toBe('conflict');
    await saveTemplate(first, 'lost');
    await first.stop();
    corrupt(join(dir, 'comfydesk.db'));

    const h = host(dir, defer);
    await h.start();
    expect((await h.api.call('data.status', {})).candidate).toBeNull();
    const missing = await refusal(h.api.call('data.restore', { from: 'newest' }));
    expect(missing.message).toMatch(/no backups/i);
    const { damagedFile } = await h.api.call('data.startFresh', {});
    expect(existsSync(damagedFile)).toBe(true);
    expect(h.state()).toBe('ok');
    expect(await templateNames(h)).toEqual([]);
  });
});
