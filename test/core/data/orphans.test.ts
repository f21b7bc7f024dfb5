/**
 * The orphan scan: files without rows go aside (never deleted), rows without files get their file back from
 * there or go, thumbnails of no output go, an unplugged library folder changes nothing, and the start of the core
 * runs it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect } from 'vitest';
import { FakeClock } from '@test/helpers/fake-clock';
import { it } from '@test/helpers/fixtures';
import { seedOutputs } from './helpers';

const NOW = Date.UTC(2026, 5, 1, 12);
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ createdAt: NOW - i * 3600_000 }));

describe('orphan scan', () => {
  it('fixes both ways: a stray file goes aside, a row without its file goes, a stray thumbnail goes', async ({
    startCore,
  }) => {
    const core = await startCore({ clock: new FakeClock(NOW) });
    const outputs = await seedOutputs(core, items(6));
    const lib = core.library.dir;
    // A picture nobody recorded, a recorded picture deleted by hand, a thumbnail of an output long gone.
    const stray = join(lib, '2026-05-30', 'found-it.png');
    mkdirSync(dirname(stray), { recursive: true });
    writeFileSync(stray, 'a picture');
    const deleted = outputs[2]!;
    rmSync(deleted.filePath);
    const oldThumb = join(core.library.thumbnailsDir, '2026-05-01', '424242.webp');
    mkdirSync(dirname(oldThumb), { recursive: true });
    writeFileSync(oldThumb, 'webp');
    // Not ours: left alone.
    writeFileSync(join(dirname(stray), 'notes.txt'), 'mine');
    writeFileSync(join(dirname(stray), '.DS_Store'), '');

    const report = await core.api.call('data.scanOrphans', {});
    expect(report).toMatchObject({
      filesWithoutRows: 1,
      filesMovedAside: 1,
      rowsWithoutFiles: 1,
      rowsRelinked: 0,
      rowsRemoved: 1,
      thumbnailsRemoved: 1,
      notFixed: null,
    });
    const aside = join(report.orphansDir, relative(lib, stray));
    expect(readFileSync(aside, 'utf8')).toBe('a picture');
    expect(existsSync(stray)).toBe(false);
    expect(core.store.outputs.get(deleted.id)).toBeNull();
    expect(existsSync(deleted.thumbnailPath!)).toBe(false);
    expect(existsSync(oldThumb)).toBe(false);
    expect(existsSync(join(dirname(stray), 'notes.txt'))).toBe(true);
    for (const o of outputs.filter((x) => x !== deleted)) expect(existsSync(o.filePath)).toBe(true);

    // Clean now.
    expect(await core.api.call('data.scanOrphans', {})).toMatchObject({
      filesWithoutRows: 0,
      rowsWithoutFiles: 0,
      thumbnailsRemoved: 0,
    });
    expect((await core.api.call('data.status', {})).lastOrphans?.filesWithoutRows).toBe(0);
  });

  it('a row whose file was moved aside gets it back (restoring a newer backup after an older one)', async ({
    startCore,
  }) => {
    const core = await startCore({ clock: new FakeClock(NOW) });
    const [output] = await seedOutputs(core, items(1));
    const aside = join(core.library.dir, 'orphans', relative(core.library.dir, output!.filePath));
    mkdirSync(dirname(aside), { recursive: true });
    renameSync(output!.filePath, aside);
    const report = await core.api.call('data.scanOrphans', {});
    expect(report).toMatchObject({ rowsWithoutFiles: 1, rowsRelinked: 1, rowsRemoved: 0 });
    expect(existsSync(output!.filePath)).toBe(true);
    expect(core.store.outputs.get(output!.id)).not.toBeNull();
  });

  it('changes nothing when most files are missing (the library folder looks unplugged)', async ({ startCore }) => {
    const core = await startCore({ clock: new FakeClock(NOW) });
    const outputs = await seedOutputs(core, items(30));
    for (const o of outputs) rmSync(o.filePath);
    const report = await core.api.call('data.scanOrphans', {});
    expect(report.rowsWithoutFiles).toBe(30);
    expect(report.rowsRemoved).toBe(0);
    expect(report.notFixed).toMatch(/30 of 30 outputs have no file .* looks unavailable/);
    expect(core.store.outputs.count()).toBe(30);
  });

  it('runs when the core starts, and reports what it fixed', async ({ startCore, dataDir }) => {
    const first = await startCore({ dataDir, clock: new FakeClock(NOW) });
    const outputs = await seedOutputs(first, items(3));
    await first.stop();
    rmSync(outputs[0]!.filePath);
    const stray = join(dirname(outputs[1]!.filePath), 'stray.webp');
    writeFileSync(stray, 'x');

    const again = await startCore({ dataDir, clock: new FakeClock(NOW) });
    await again.data.idle();
    const { lastOrphans } = await again.api.call('data.status', {});
    expect(lastOrphans).toMatchObject({ filesMovedAside: 1, rowsRemoved: 1 });
    expect(again.store.outputs.count()).toBe(2);
    expect(existsSync(stray)).toBe(false);
  });
});
