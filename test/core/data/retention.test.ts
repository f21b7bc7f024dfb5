/**
 * Retention on a real library: favourites and outputs in use never go, the dry run and the real run agree,
 * files, thumbnails and rows go together (no orphans either way), a crash mid-way is finished at the next start,
 * and the rules run daily when switched on.
 */
import { existsSync } from 'node:fs';
import { describe, expect } from 'vitest';
import type { DataStatus } from '@shared/api/data';
import type { Core } from '@core/app';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';
import { filesOf, seedOutputs, type SeedItem } from './helpers';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 5, 1, 12);

/** 60 outputs over 60 days from three people, two servers and the desktop; every 7th a favourite. */
function library(): SeedItem[] {
  const who = [
    { userId: 'desktop', guildId: null },
    { userId: '100000000000000001', guildId: '900000000000000001' },
    { userId: '100000000000000002', guildId: '900000000000000002' },
  ];
  return Array.from({ length: 60 }, (_, i) => ({
    ...who[i % 3]!,
    createdAt: NOW - i * DAY - 60_000,
    favourite: i % 7 === 3,
    bytes: (1 + (i % 4)) * 50 * 1024 * 1024,
  }));
}

const until = (core: Core, test: (s: DataStatus) => boolean) =>
  new Promise<DataStatus>((resolve) => {
    const off = core.events.on('data.changed', (s) => {
      if (!test(s)) return;
      off();
      resolve(s);
    });
  });

describe('library retention', () => {
  it('never removes a favourite or an output in use; the dry run and the real run agree; no orphans after', async ({
    startCore,
  }) => {
    const clock = new FakeClock(NOW);
    const core = await startCore({ clock });
    const outputs = await seedOutputs(core, library());
    const favourites = outputs.filter((o) => o.favourite);
    // An unfinished job takes an old output as its input image; a template names another.
    const asInput = outputs[40]!;
    core.store.jobs.create({
      id: 'waiting',
      source: 'desktop',
      userId: 'desktop',
      workflow: 'qwen-edit',
      params: {},
      inputs: [{ slot: 0, path: asInput.filePath, filename: 'in.png' }],
    });
    const inTemplate = outputs[50]!;
    core.store.templates.save({
      ownerId: 'desktop',
      guildId: null,
      shared: false,
      name: 'with a picture',
      prompt: '',
      negative: '',
      params: { image: inTemplate.filePath },
      workflow: 'qwen-edit',
    });
    await core.api.call('settings.set', {
      retention: {
        rules: [
          { id: 'month', scope: 'all', olderThanDays: 30 },
          { id: 'alice', scope: 'guild:900000000000000001', keepLastPerUser: 5 },
          { id: 'desk', scope: 'desktop', maxGb: 1 },
        ],
      },
    });

    const dry = await core.api.call('data.retentionPreview', {});
    expect(dry.dryRun).toBe(true);
    expect(dry.count).toBeGreaterThan(20);
    expect(dry.kept).toBeGreaterThan(0);
    expect(dry.byRule.map((r) => r.ruleId)).toEqual(['month', 'alice', 'desk']);
    expect(dry.byRule.reduce((n, r) => n + r.count, 0)).toBe(dry.count);
    // Nothing went.
    expect(core.store.outputs.count()).toBe(60);
    expect(filesOf(outputs)).toEqual({ missingFiles: 0, missingThumbs: 0 });

    const removed: number[] = [];
    core.events.on('library.removed', (e) => removed.push(...e.ids));
    const run = await core.api.call('data.retentionRun', {});
    expect({ ...run, dryRun: true }).toEqual(dry);
    expect(removed).toHaveLength(dry.count);
    expect(core.store.outputs.count()).toBe(60 - dry.count);

    const gone = outputs.filter((o) => removed.includes(o.id));
    const left = outputs.filter((o) => !removed.includes(o.id));
    for (const o of [...favourites, asInput, inTemplate]) expect(removed, `output ${o.id}`).not.toContain(o.id);
    expect(gone.every((o) => !existsSync(o.filePath) && !existsSync(o.thumbnailPath!))).toBe(true);
    expect(filesOf(left)).toEqual({ missingFiles: 0, missingThumbs: 0 });
    expect(core.store.outputs.trashed()).toEqual([]);
    const scan = await core.api.call('data.scanOrphans', {});
    expect(scan).toMatchObject({ filesWithoutRows: 0, rowsWithoutFiles: 0, thumbnailsRemoved: 0 });

    // Nothing more to do now; the last run is remembered.
    expect((await core.api.call('data.retentionPreview', {})).count).toBe(0);
    expect((await core.api.call('data.status', {})).lastRetention).toEqual(run);
  });

  it('a dry run of unsaved rules previews them; a favourite made after the dry run still stays', async ({
    startCore,
  }) => {
    const core = await startCore({ clock: new FakeClock(NOW) });
    const outputs = await seedOutputs(core, library());
    const rules = [{ id: 'week', scope: 'all', olderThanDays: 7 }];
    const preview = await core.api.call('data.retentionPreview', { rules });
    expect(preview.count).toBeGreaterThan(40);
    expect((await core.api.call('data.retentionPreview', {})).count).toBe(0);

    await core.api.call('settings.set', { retention: { rules } });
    const late = outputs[44]!;
    expect(late.favourite).toBe(false);
    await core.api.call('library.favourite', { id: late.id, favourite: true });
    const run = await core.api.call('data.retentionRun', {});
    expect(run.count).toBe(preview.count - 1);
    expect(run.kept).toBe(preview.kept + 1);
    expect(core.store.outputs.get(late.id)).not.toBeNull();
  });

  it('finishes a deletion a crash interrupted at the next start (rows went, files were still there)', async ({
    startCore,
    dataDir,
  }) => {
    const first = await startCore({ dataDir, clock: new FakeClock(NOW) });
    const outputs = await seedOutputs(first, library().slice(0, 5));
    // The rows go (and their files into the trash) but the process dies before unlinking.
    first.store.outputs.removeMany([outputs[0]!.id, outputs[1]!.id], (o) => [o.thumbnailPath]);
    await first.stop();
    expect(existsSync(outputs[0]!.filePath)).toBe(true);

    const again = await startCore({ dataDir, clock: new FakeClock(NOW) });
    for (const o of outputs.slice(0, 2)) expect(existsSync(o.filePath) || existsSync(o.thumbnailPath!)).toBe(false);
    expect(filesOf(outputs.slice(2))).toEqual({ missingFiles: 0, missingThumbs: 0 });
    expect(again.store.outputs.trashed()).toEqual([]);
  });

  it('runs daily when switched on, and only then', async ({ startCore }) => {
    const clock = new FakeClock(NOW);
    const core = await startCore({ clock });
    await seedOutputs(core, library());
    await core.api.call('settings.set', { retention: { rules: [{ id: 'old', scope: 'all', olderThanDays: 40 }] } });
    clock.advance(2 * DAY);
    await core.data.idle();
    expect(core.store.outputs.count()).toBe(60);

    await core.api.call('settings.set', { retention: { daily: true } });
    const ran = until(core, (s) => s.lastRetention !== null);
    clock.advance(3600_000);
    const status = await ran;
    await core.data.idle();
    expect(status.lastRetention!.count).toBeGreaterThan(10);
    expect(core.store.outputs.count()).toBe(60 - status.lastRetention!.count);
  });

  it('one run at a time', async ({ startCore }) => {
    const core = await startCore({ clock: new FakeClock(NOW) });
    await seedOutputs(core, library());
    await core.api.call('settings.set', { retention: { rules: [{ id: 'old', scope: 'all', olderThanDays: 1 }] } });
    const first = core.api.call('data.retentionRun', {});
    const second = await core.api.dispatch('data.retentionRun', {}, { caller: 'test' });
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/right now/) },
    });
    expect((await first).count).toBeGreaterThan(40);
  });
});
