import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import { libraryHandlers } from '@core/api/library-handlers';
import { collectedPng, makeJob, nextEvent, useLibrarySetups } from './helpers';
import { OWNER_CTX } from '@test/helpers/actors';

const setup = useLibrarySetups();

const ctx = OWNER_CTX;

describe('library delete and favourites', () => {
  it('deletes the row, the file and the thumbnail together and announces library.removed', async () => {
    const { library, store, events } = setup();
    const job = makeJob(store);
    const outputs = await library.ingest(job, [
      await collectedPng(library, job.id, 'a.png', 64, 64),
      await collectedPng(library, job.id, 'b.png', 64, 64),
    ]);
    await library.thumbnailsIdle();
    const [a, b] = outputs.map((o) => store.outputs.get(o.id)!);
    expect(existsSync(a!.thumbnailPath!)).toBe(true);

    const removed = nextEvent(events, 'library.removed');
    expect(await library.remove(a!.id)).toBe(true);
    expect(await removed).toEqual({ ids: [a!.id] });
    expect(store.outputs.get(a!.id)).toBeNull();
    expect(existsSync(a!.filePath)).toBe(false);
    expect(existsSync(a!.thumbnailPath!)).toBe(false);
    expect(library.search({ text: 'fox' }).items.map((o) => o.id)).toEqual([b!.id]);
    expect(library.resolveMedia('file', a!.id)).toBeNull();
    // Gone already: not an error, nothing announced.
    expect(await library.remove(a!.id)).toBe(false);

    // A file someone deleted by hand does not stop the row from going.
    rmSync(b!.filePath);
    expect(await library.removeMany([b!.id, 999])).toEqual([b!.id]);
    expect(library.stats()).toEqual({ count: 0, bytes: 0 });
  });

  it('a thumbnail being made while its output is deleted is not left behind', async () => {
    const { library, store, libraryDir } = setup();
    const job = makeJob(store);
    const [out] = await library.ingest(job, [await collectedPng(library, job.id, 'a.png', 1024, 1024)]);
    await library.remove(out!.id);
    await library.thumbnailsIdle();
    const thumb = libraryDir;
    expect(store.outputs.get(out!.id)).toBeNull();
    expect(existsSync(`${thumb}/.thumbs/2026-03-14/${out!.id}.webp`)).toBe(false);
  });

  it('API handlers: search, get, favourite (with library.changed), delete, stats, readable not_found', async () => {
    const { library, store, events } = setup();
    const api = libraryHandlers({ library, job: (id) => store.jobs.get(id) });
    const job = makeJob(store, { prompt: 'lighthouse in a storm' });
    const [out] = await library.ingest(job, [await collectedPng(library, job.id, 'a.png', 64, 64)]);

    expect(await api['library.search']({ text: 'storm', limit: 100 }, ctx)).toEqual({
      items: [out],
      total: 1,
      totalCapped: false,
    });
    expect(await api['library.get']({ id: out!.id }, ctx)).toEqual(out);
    const changed = nextEvent(events, 'library.changed', (c) => c.favourite !== undefined);
    expect((await api['library.favourite']({ id: out!.id, favourite: true }, ctx)).favourite).toBe(true);
    expect(await changed).toEqual({ id: out!.id, favourite: true });
    expect(await api['library.stats']({}, ctx)).toEqual({ count: 1, bytes: out!.bytes });
    expect(await api['library.delete']({ ids: [out!.id, out!.id + 1] }, ctx)).toEqual({ removed: [out!.id] });

    const missing = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err;
      }
      return null;
    };
    for (const err of [
      missing(() => api['library.get']({ id: out!.id }, ctx)),
      missing(() => api['library.favourite']({ id: out!.id, favourite: false }, ctx)),
    ]) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('not_found');
      expect((err as ApiError).message).toBe(`Output ${out!.id} is not in the library (it may have been deleted).`);
    }
  });
});
