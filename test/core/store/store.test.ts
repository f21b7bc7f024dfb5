import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate, openDatabase, schemaVersion } from '@core/store/db';
import { migrations } from '@core/store/migrations';
import { openStore, type Store } from '@core/store';
import { JobEndedError } from '@core/store/jobs-repo';
import { ftsQuery } from '@core/store/outputs-repo';
import { SettingsRepo } from '@core/store/settings-repo';
import { FakeClock } from '@test/helpers/fake-clock';
import { tempDirs } from '@test/helpers/temp-dir';

const dirs = tempDirs();
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  dirs.cleanup();
});

function store(clock = new FakeClock()): { s: Store; clock: FakeClock; file: string } {
  const file = join(dirs.make(), 'test.db');
  const s = openStore(file, clock);
  stores.push(s);
  return { s, clock, file };
}

describe('migrations', () => {
  it('create the whole schema on an empty database, with WAL and foreign keys', () => {
    const file = join(dirs.make(), 'm.db');
    const db = openDatabase(file);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    for (const t of [
      'users',
      'guilds',
      'guild_roles',
      'templates',
      'jobs',
      'job_transitions',
      'outputs',
      'outputs_fts',
      'settings',
      'backends',
    ]) {
      expect(tables).toContain(t);
    }
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    for (const i of ['jobs_status_created', 'jobs_user_created', 'outputs_created', 'outputs_user_created'])
      expect(indexes).toContain(i);
    db.close();
  });

  it('are idempotent: re-opening and re-running applies nothing twice', () => {
    const file = join(dirs.make(), 'm.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(migrate(db, migrations)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      migrations.length,
    );
    db.close();
  });

  it('roll back a failing migration as a whole', () => {
    const file = join(dirs.make(), 'm.db');
    const db = openDatabase(file);
    const bad = { version: 999, name: 'bad', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' };
    expect(() => migrate(db, [...migrations, bad])).toThrow(/no_such_table/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });
});

describe('repositories', () => {
  it('users: upsert and default delivery', () => {
    const { s } = store();
    s.users.upsert('111', 'alice');
    expect(s.users.upsert('111', 'Alice').name).toBe('Alice');
    expect(s.users.setDefaultDelivery('111', 'dm')?.defaultDelivery).toBe('dm');
    expect(s.users.get('nobody')).toBeNull();
  });

  it('guilds: settings, limits, banned words and roles', () => {
    const { s } = store();
    s.guilds.upsert('g1', 'Friends');
    s.guilds.setSettings('g1', { uploadLimitBytes: 25 * 1024 * 1024, defaultDelivery: 'dm' });
    s.guilds.setLimits('g1', { perUserQueue: 2, userRate: { count: 5, windowSec: 60 } });
    s.guilds.setBannedWords('g1', ['Spoiler ', 'spoiler', 'gore']);
    s.guilds.setRoles('g1', 'generator', ['r1', 'r2']);
    s.guilds.setRoles('g1', 'admin', ['r3']);
    s.guilds.setRoles('g1', 'generator', ['r2']);
    const g = s.guilds.get('g1')!;
    expect(g.settings.uploadLimitBytes).toBe(25 * 1024 * 1024);
    expect(g.limits.userRate).toEqual({ count: 5, windowSec: 60 });
    expect(g.bannedWords).toEqual(['gore', 'spoiler']);
    expect(s.guilds.roles('g1')).toEqual([
      { roleId: 'r3', level: 'admin' },
      { roleId: 'r2', level: 'generator' },
    ]);
    s.guilds.remove('g1');
    expect(s.guilds.roles('g1')).toEqual([]);
  });

  it('templates: save replaces by name, visibility by owner and shared guild', () => {
    const { s } = store();
    s.users.upsert('u1', 'a');
    s.users.upsert('u2', 'b');
    s.guilds.upsert('g1', 'G');
    const draft = {
      ownerId: 'u1',
      guildId: 'g1',
      shared: true,
      name: 'cats',
      prompt: 'a cat',
      negative: '',
      params: { steps: 20 },
      workflow: 'sdxl-txt2img',
    };
    const t1 = s.templates.save(draft);
    const t2 = s.templates.save({ ...draft, prompt: 'a fat cat' });
    expect(t2.id).toBe(t1.id);
    expect(t2.prompt).toBe('a fat cat');
    expect(t2.params).toEqual({ steps: 20 });
    s.templates.save({ ...draft, name: 'mine', shared: false });
    expect(s.templates.visibleTo('u2', 'g1').map((t) => t.name)).toEqual(['cats']);
    expect(s.templates.visibleTo('u2', 'other').map((t) => t.name)).toEqual([]);
    expect(s.templates.visibleTo('u1', 'g1').map((t) => t.name)).toEqual(['cats', 'mine']);
    expect(s.templates.remove(t1.id)).toBe(true);
    expect(s.templates.get(t1.id)).toBeNull();
  });

  it('jobs: created queued, transitions recorded with timestamps, ended jobs never change', () => {
    const { s, clock } = store();
    s.users.upsert('u1', 'a');
    const job = s.jobs.create({
      id: 'j1',
      source: 'discord',
      userId: 'u1',
      guildId: 'g',
      channelId: 'c',
      workflow: 'sdxl-txt2img',
      params: { seed: 5 },
      prompt: 'a cat',
    });
    expect(job.status).toBe('queued');
    clock.advance(10);
    s.jobs.transition('j1', 'submitted', { backendId: null, promptId: 'p1' }, { from: ['queued'] });
    clock.advance(10);
    s.jobs.transition('j1', 'running', {}, { from: ['submitted'] });
    s.jobs.setProgress('j1', 42.5);
    expect(s.jobs.get('j1')!.progress).toBe(42.5);
    expect(s.jobs.byPromptId('p1')!.id).toBe('j1');
    expect(() => s.jobs.transition('j1', 'running', {}, { from: ['queued'] })).toThrow(/expected queued/);
    clock.advance(10);
    const done = s.jobs.transition('j1', 'done');
    expect(done.progress).toBe(100);
    expect(done.endedAt).toBe(clock.now());
    expect(done.startedAt).toBeLessThan(done.endedAt!);
    expect(() => s.jobs.transition('j1', 'failed', { error: 'x' })).toThrow(JobEndedError);
    s.jobs.setProgress('j1', 3);
    expect(s.jobs.get('j1')!.progress).toBe(100);
    expect(s.jobs.transitions('j1').map((t) => t.to)).toEqual(['queued', 'submitted', 'running', 'done']);
    expect(s.jobs.countByStatus().done).toBe(1);
    expect(s.jobs.recentEnded().map((j) => j.id)).toEqual(['j1']);
  });

  it('jobs: queries by status and user, active counts, messages', () => {
    const { s, clock } = store();
    s.users.upsert('u1', 'a');
    s.users.upsert('u2', 'b');
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      s.jobs.create({ id: `a${i}`, source: 'discord', userId: 'u1', workflow: 'w', params: {} });
    }
    s.jobs.create({ id: 'b0', source: 'desktop', userId: 'u2', workflow: 'w', params: {}, priority: 1 });
    s.jobs.transition('a0', 'cancelled');
    expect(s.jobs.countActiveByUser('u1')).toBe(2);
    expect(s.jobs.byStatus(['queued']).map((j) => j.id)).toEqual(['a1', 'a2', 'b0']);
    expect(s.jobs.byUser('u1').map((j) => j.id)).toEqual(['a2', 'a1', 'a0']);
    expect(s.jobs.byUser('u1', { statuses: ['cancelled'] }).map((j) => j.id)).toEqual(['a0']);
    s.jobs.setMessages('a1', { progress: 'm1' });
    s.jobs.setMessages('a1', { results: ['m2'] });
    expect(s.jobs.get('a1')!.messages).toEqual({ progress: 'm1', results: ['m2'] });
  });

  it('jobs: foreign keys refuse a job for an unknown user', () => {
    const { s } = store();
    expect(() => s.jobs.create({ id: 'x', source: 'discord', userId: 'ghost', workflow: 'w', params: {} })).toThrow(
      /FOREIGN KEY/,
    );
  });

  it('outputs: add, full-text search with filters and keyset pages, favourite, delete', () => {
    const { s, clock } = store();
    s.users.upsert('u1', 'a');
    s.jobs.create({ id: 'j', source: 'desktop', userId: 'u1', workflow: 'sdxl-txt2img', params: {} });
    const prompts = ['a red fox in snow', 'a blue whale', 'red panda eating', 'café crème latte art'];
    const added = prompts.map((prompt, i) => {
      clock.advance(1000);
      return s.outputs.add({
        jobId: 'j',
        filePath: `/lib/${i}.png`,
        kind: i === 1 ? 'video' : 'image',
        mime: 'image/png',
        width: 64,
        height: 64,
        bytes: 100,
        userId: 'u1',
        guildId: i % 2 ? 'g1' : null,
        workflow: 'sdxl-txt2img',
        prompt,
        negative: 'blurry',
        seed: i,
      });
    });
    expect(s.outputs.search({ text: 'red' }).map((o) => o.prompt)).toEqual(['red panda eating', 'a red fox in snow']);
    expect(s.outputs.search({ text: 'cafe' }).map((o) => o.id)).toEqual([added[3]!.id]);
    expect(s.outputs.search({ text: 'pan' }).length).toBe(1);
    expect(s.outputs.search({ text: '"); DROP TABLE outputs; --' })).toEqual([]);
    expect(s.outputs.search({ kind: 'video' }).map((o) => o.id)).toEqual([added[1]!.id]);
    expect(s.outputs.search({ guildId: 'g1' }).length).toBe(2);
    const page1 = s.outputs.search({ limit: 2 });
    const last = page1.at(-1)!;
    const page2 = s.outputs.search({ limit: 2, after: { createdAt: last.createdAt, id: last.id } });
    expect([...page1, ...page2].map((o) => o.id)).toEqual(added.map((o) => o.id).reverse());
    s.outputs.setFavourite(added[0]!.id, true);
    expect(s.outputs.search({ favourite: true }).map((o) => o.id)).toEqual([added[0]!.id]);
    s.outputs.setThumbnail(added[0]!.id, '/thumbs/0.webp');
    expect(s.outputs.get(added[0]!.id)!.thumbnailPath).toBe('/thumbs/0.webp');
    expect(s.outputs.remove(added[0]!.id)?.filePath).toBe('/lib/0.png');
    expect(s.outputs.search({ text: 'fox' })).toEqual([]);
    expect(s.outputs.byJob('j').length).toBe(3);
  });

  it('fts query builder neutralises syntax', () => {
    expect(ftsQuery('Red  FOX')).toBe('"red"* "fox"*');
    expect(ftsQuery('NEAR(a b) OR c*')).toBe('"near"* "a"* "b"* "or"* "c"*');
    expect(ftsQuery('   ')).toBeNull();
  });

  it('settings: defaults, patch merge, corrupt row falls back, internal values', () => {
    const { s } = store();
    expect(s.settings.get().queue.perUserLimit).toBe(3);
    const next = s.settings.update({
      queue: { perUserLimit: 5 },
      theme: 'light',
      models: { 'models.sdxl.checkpoint': 'x.safetensors' },
    });
    expect(next.queue).toMatchObject({ perUserLimit: 5, globalLimit: 100 });
    expect(s.settings.get().theme).toBe('light');
    s.settings.update({ models: { 'models.flux.unet': 'f.safetensors' } });
    expect(Object.keys(s.settings.get().models).sort()).toEqual(['models.flux.unet', 'models.sdxl.checkpoint']);
    // A row corrupted on disk (written behind the repository's back) is read as the default by the next run.
    s.db.prepare("UPDATE settings SET value = '\"nonsense\"' WHERE key = 'queue'").run();
    expect(new SettingsRepo(s.db, () => 0).get().queue.perUserLimit).toBe(3);
    s.settings.setValue('lastComfyUrl', 'http://127.0.0.1:8188');
    expect(s.settings.getValue('lastComfyUrl', z.string())).toBe('http://127.0.0.1:8188');
  });

  it('backends: ensure by url keeps one row and a stable client id', () => {
    const { s } = store();
    const a = s.backends.ensure('http://127.0.0.1:8188', 'local');
    const b = s.backends.ensure('http://127.0.0.1:8188', 'local');
    expect(b.id).toBe(a.id);
    expect(b.clientId).toBe(a.clientId);
    expect(a.clientId).toMatch(/^comfydesk-/);
    s.backends.setEnabled(a.id, false);
    expect(s.backends.get(a.id)!.enabled).toBe(false);
    s.backends.touch(a.id);
    expect(s.backends.get(a.id)!.lastSeen).not.toBeNull();
    expect(s.backends.list().length).toBe(1);
  });
});
