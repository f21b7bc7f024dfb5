import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Output } from '@shared/library';
import { collectedBytes, collectedPng, makeJob, nextEvent, useLibrarySetups } from './helpers';

const setup = useLibrarySetups();

describe('library ingest', () => {
  it('moves a job’s files into a per-day folder with readable names, records dimensions and the job, and announces them', async () => {
    const { library, store, events, libraryDir } = setup();
    const job = makeJob(store, { workflow: 'SDXL txt2img', params: { seed: 987654321 } });
    const files = [
      await collectedPng(library, job.id, 'ComfyUI_00001_.png', 64, 48),
      await collectedPng(library, job.id, 'ComfyUI_00002_.png', 32, 32),
      collectedBytes(library, job.id, 'clip_00001.mp4', Buffer.alloc(2048, 1), 'video'),
      collectedBytes(library, job.id, 'workflow.json', '{}', 'other'),
    ];
    const added = nextEvent(events, 'library.added');
    const outputs = await library.ingest(job, files);

    expect(outputs).toHaveLength(3);
    expect(await added).toEqual(outputs);
    const day = join(libraryDir, '2026-03-14');
    expect(outputs.map((o) => dirname(o.filePath))).toEqual([day, day, day]);
    expect(outputs.map((o) => basename(o.filePath))).toEqual([
      '093005-sdxl-txt2img-987654321-1.png',
      '093005-sdxl-txt2img-987654321-2.png',
      '093005-sdxl-txt2img-987654321-3.mp4',
    ]);
    for (const o of outputs) expect(existsSync(o.filePath)).toBe(true);
    expect(outputs.map((o) => [o.kind, o.mime, o.width, o.height])).toEqual([
      ['image', 'image/png', 64, 48],
      ['image', 'image/png', 32, 32],
      ['video', 'video/mp4', null, null],
    ]);
    expect(outputs[0]).toMatchObject({
      jobId: job.id,
      userId: 'user-1',
      guildId: 'guild-1',
      workflow: 'SDXL txt2img',
      prompt: 'a red fox in the snow',
      negative: 'blurry',
      seed: 987654321,
      bytes: files[0]!.bytes,
      favourite: false,
      thumbnailPath: null,
    });
    expect(outputs[2]!.bytes).toBe(2048);
    // The incoming folder (with the skipped JSON) is gone; the job's outputs can be read back.
    expect(existsSync(dirname(files[0]!.path))).toBe(false);
    expect(library.byJob(job.id)).toEqual(outputs);
    expect(library.get(outputs[1]!.id)).toEqual(outputs[1]);
  });

  it('never overwrites: same second, workflow and seed get -2, and an existing file keeps its content', async () => {
    const { library, store, libraryDir } = setup();
    const day = join(libraryDir, '2026-03-14');
    const first = await library.ingest(makeJob(store), [await collectedPng(library, 'job-a', 'a.png', 8, 8)]);
    expect(basename(first[0]!.filePath)).toBe('093005-sdxl-txt2img-1234-1.png');

    writeFileSync(join(day, '093005-sdxl-txt2img-1234-1-2.png'), 'someone else’s file');
    const job = makeJob(store);
    const second = await library.ingest(job, [await collectedPng(library, job.id, 'a.png', 8, 8)]);
    expect(basename(second[0]!.filePath)).toBe('093005-sdxl-txt2img-1234-1-3.png');
    expect(readFileSync(join(day, '093005-sdxl-txt2img-1234-1-2.png'), 'utf8')).toBe('someone else’s file');
    expect(readdirSync(day).sort()).toEqual([
      '093005-sdxl-txt2img-1234-1-2.png',
      '093005-sdxl-txt2img-1234-1-3.png',
      '093005-sdxl-txt2img-1234-1.png',
    ]);
  });

  it('makes the day folder again when it was deleted while running', async () => {
    const { library, store, libraryDir } = setup();
    await library.ingest(makeJob(store), [await collectedPng(library, 'job-x', 'a.png', 8, 8)]);
    rmSync(join(libraryDir, '2026-03-14'), { recursive: true });
    const job = makeJob(store);
    const [out] = await library.ingest(job, [await collectedPng(library, job.id, 'a.png', 8, 8)]);
    expect(existsSync(out!.filePath)).toBe(true);
  });

  it('takes the next day’s folder when the clock passes midnight, and names without a usable seed', async () => {
    const { library, store, clock, libraryDir } = setup();
    clock.advance(15 * 3600_000); // 2026-03-15 00:30:05 local
    const job = makeJob(store, { workflow: 'Upscale ×4', params: { seed: -1 } });
    const [out] = await library.ingest(job, [await collectedPng(library, job.id, 'u.png', 16, 16)]);
    expect(out!.filePath).toBe(join(libraryDir, '2026-03-15', '003005-upscale-4-1.png'));
    expect(out!.seed).toBeNull();
  });

  it('puts the files back and throws when the row cannot be written, so the call can be retried', async () => {
    const { library, store } = setup();
    const job = { ...makeJob(store), id: 'not-in-the-database' };
    const file = await collectedPng(library, job.id, 'x.png', 8, 8);
    await expect(library.ingest(job, [file])).rejects.toThrow(/FOREIGN KEY/);
    expect(existsSync(file.path)).toBe(true);
    expect(library.byJob(job.id)).toEqual([]);
  });

  it('finds outputs by prompt words and filters, newest first, with a total', async () => {
    const { library, store, clock } = setup();
    const ingestOne = async (patch: Parameters<typeof makeJob>[1]): Promise<Output> => {
      clock.advance(60_000);
      const job = makeJob(store, patch);
      const [o] = await library.ingest(job, [await collectedPng(library, job.id, 'o.png', 8, 8)]);
      return o!;
    };
    const fox = await ingestOne({ prompt: 'a red fox in the snow' });
    const panda = await ingestOne({ prompt: 'red panda eating bamboo', userId: 'user-2', guildId: null });
    const castle = await ingestOne({ prompt: 'castle at dusk', negative: 'red', workflow: 'flux-txt2img' });
    const owl = await ingestOne({ prompt: 'snowy owl', workflow: 'flux-txt2img', userId: 'user-2' });

    const ids = (q: Parameters<typeof library.search>[0]) => library.search(q).items.map((o) => o.id);
    expect(ids({ text: 'red' })).toEqual([castle.id, panda.id, fox.id]);
    expect(ids({ text: 'snow' })).toEqual([owl.id, fox.id]);
    expect(ids({ text: 'RED Fox' })).toEqual([fox.id]);
    expect(ids({ text: 'red', userId: 'user-2' })).toEqual([panda.id]);
    expect(ids({ workflow: 'flux-txt2img' })).toEqual([owl.id, castle.id]);
    expect(ids({ guildId: 'guild-1', text: 'red' })).toEqual([castle.id, fox.id]);
    expect(ids({ kind: 'video' })).toEqual([]);
    expect(ids({ from: panda.createdAt, to: castle.createdAt })).toEqual([castle.id, panda.id]);
    expect(library.setFavourite(panda.id, true)?.favourite).toBe(true);
    expect(ids({ favourite: true })).toEqual([panda.id]);
    expect(ids({ favourite: false })).toEqual([owl.id, castle.id, fox.id]);

    const page1 = library.search({ limit: 2 });
    expect(page1).toMatchObject({ total: 4, totalCapped: false });
    const last = page1.items[1]!;
    expect(ids({ limit: 2, after: { createdAt: last.createdAt, id: last.id } })).toEqual([panda.id, fox.id]);
    expect(library.search({ text: 'red', userId: 'user-1' }).total).toBe(2);
    expect(library.stats()).toEqual({ count: 4, bytes: fox.bytes + panda.bytes + castle.bytes + owl.bytes });
  });
});
