/** Backups: online, consistent while jobs are written, daily on the clock, before migrations, kept to the setting. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { DataStatus } from '@shared/api/data';
import type { Core } from '@core/app';
import { Backups } from '@core/data/backups';
import { quickCheckProblem } from '@core/data/integrity';
import { createCoreHost } from '@core/host';
import { loadConfig } from '@core/config';
import { nullLogger } from '@core/log';
import { MemorySecretStore } from '@core/secrets';
import { openDatabase, schemaVersion } from '@core/store/db';
import { migrations } from '@core/store/migrations';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';
import { readDatabase } from './helpers';

/** The next data.changed whose status passes `test`. */
const dataUntil = (core: Core, test: (s: DataStatus) => boolean) =>
  new Promise<void>((resolve) => {
    const off = core.events.on('data.changed', (status) => {
      if (!test(status)) return;
      off();
      resolve();
    });
  });

describe('database backups', () => {
  it('a backup taken while 200 jobs are being written opens, passes quick_check and holds every job committed before it began', async ({
    startCore,
    tempDir,
  }) => {
    const core = await startCore();
    await core.api.call('settings.set', { queue: { globalLimit: 1000, paused: true } });
    const submit = (i: number) => core.api.call('jobs.submit', { workflow: 'sdxl-txt2img', prompt: `job ${i}` });
    for (let i = 0; i < 60; i++) await submit(i);
    // One page per step: the backup takes many turns of the event loop, and the writes go on between them.
    const backups = new Backups(tempDir(), { now: () => Date.now() }, nullLogger, 1);
    let backup: Promise<{ name: string }> | null = null;
    let before: string[] = [];
    let writtenDuring = 0;
    let done = false;
    for (let i = 60; i < 200; i++) {
      if (i === 100) {
        before = core.store.jobs.list({ limit: 1000 }).map((j) => j.id);
        backup = backups.create(core.store.db, 'manual');
        void backup.then(() => (done = true));
      }
      await submit(i);
      if (backup && !done) writtenDuring++;
    }
    const made = await backup!;
    expect(before).toHaveLength(100);
    expect(writtenDuring).toBeGreaterThan(5);
    expect(core.store.jobs.list({ limit: 1000 })).toHaveLength(200);

    const file = backups.path(made.name);
    readDatabase(file, (db) => {
      expect(quickCheckProblem(db)).toBeNull();
      const ids = new Set((db.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id));
      expect(before.filter((id) => !ids.has(id))).toEqual([]);
      expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
    });
    // A single self-contained file: nothing beside it.
    expect(readdirSync(backups.dir)).toEqual([made.name]);
  });

  it('"Back up now" lists the backup; only the newest of them are kept, as the setting says', async ({ startCore }) => {
    const clock = new FakeClock();
    const core = await startCore({ clock });
    await core.api.call('settings.set', { backups: { keep: 2 } });
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      names.push((await core.api.call('data.backupNow', {})).name);
      clock.advance(1000);
    }
    const status = await core.api.call('data.status', {});
    expect(status.database).toBe('ok');
    expect(status.backups.map((b) => b.name)).toEqual([names[3], names[2]]);
    expect(status.backups[0]).toMatchObject({ reason: 'manual', createdAt: clock.now() - 1000 });
    expect(status.lastBackupAt).toBe(status.backups[0]!.createdAt);
    expect(existsSync(join(status.backupsDir, names[0]!))).toBe(false);
  });

  it('backs up once a day on the clock while daily backups are on', async ({ startCore }) => {
    const clock = new FakeClock();
    const core = await startCore({ clock });
    let changed = dataUntil(core, (s) => s.backups.length === 1);
    clock.advance(2 * 60_000);
    await changed;
    await core.data.idle();
    expect(core.data.backups.list().map((b) => b.reason)).toEqual(['daily']);
    clock.advance(12 * 3600_000);
    expect(core.data.backups.list()).toHaveLength(1);
    changed = dataUntil(core, (s) => s.backups.length === 2);
    clock.advance(12 * 3600_000);
    await changed;
    await core.data.idle();
    expect(core.data.backups.list().map((b) => b.reason)).toEqual(['daily', 'daily']);

    await core.api.call('settings.set', { backups: { daily: false } });
    clock.advance(3 * 24 * 3600_000);
    await core.data.idle();
    expect(core.data.backups.list()).toHaveLength(2);
  });

  it('backs the database up before a migration runs on it', async ({ tempDir }) => {
    const dataDir = tempDir();
    const latest = Math.max(...migrations.map((m) => m.version));
    const older = migrations.filter((m) => m.version <= 6);
    const db = openDatabase(join(dataDir, 'comfydesk.db'), { migrations: older });
    db.prepare("INSERT INTO users (id, name, created_at, updated_at) VALUES ('u1', 'before', 1, 1)").run();
    db.close();

    const host = createCoreHost({
      config: loadConfig({ dataDir, env: {} }),
      mode: 'headless',
      secrets: new MemorySecretStore(),
      discoverUrls: [],
    });
    await host.open();
    try {
      expect(host.state()).toBe('ok');
      const [backup] = host.core()!.data.backups.list();
      expect(backup?.reason).toBe('pre-migration');
      readDatabase(join(dataDir, 'backups', backup!.name), (copy) => {
        expect(schemaVersion(copy)).toBe(6);
        expect(copy.prepare('SELECT name FROM users').all()).toEqual([{ name: 'before' }]);
      });
      expect(schemaVersion(host.store.db)).toBe(latest);
    } finally {
      await host.stop();
    }
    // Opening it again (nothing to migrate) makes no new backup.
    const again = createCoreHost({
      config: loadConfig({ dataDir, env: {} }),
      mode: 'headless',
      secrets: new MemorySecretStore(),
      discoverUrls: [],
    });
    await again.open();
    expect(again.core()!.data.backups.list()).toHaveLength(1);
    await again.stop();
  });
});
