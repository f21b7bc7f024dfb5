import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { LibraryChanged } from '@shared/api/library';
import { collectedBytes, collectedPng, makeJob, nextEvent, useLibrarySetups } from './helpers';

const setup = useLibrarySetups();

describe('library thumbnails', () => {
  it('makes a WebP of at most 320 px from a real 1024×1024 PNG, records it and announces library.changed', async () => {
    const { library, store, events } = setup();
    const job = makeJob(store);
    const files = [
      await collectedPng(library, job.id, 'big.png', 1024, 1024),
      await collectedPng(library, job.id, 'wide.png', 1024, 512),
    ];
    const seen: LibraryChanged[] = [];
    events.on('library.changed', (c) => seen.push(c));
    const outputs = await library.ingest(job, files);
    await library.thumbnailsIdle();

    const square = store.outputs.get(outputs[0]!.id)!;
    const wide = store.outputs.get(outputs[1]!.id)!;
    expect(seen).toEqual([
      { id: square.id, thumbnailPath: square.thumbnailPath },
      { id: wide.id, thumbnailPath: wide.thumbnailPath },
    ]);
    for (const [o, size] of [
      [square, [320, 320]],
      [wide, [320, 160]],
    ] as const) {
      const meta = await sharp(o.thumbnailPath!).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', ...size]);
    }
    expect(library.resolveMedia('thumb', square.id)).toEqual({ path: square.thumbnailPath, mime: 'image/webp' });
    expect(library.resolveMedia('thumb', String(square.id))).toEqual({
      path: square.thumbnailPath,
      mime: 'image/webp',
    });
    expect(library.resolveMedia('file', 'nope')).toBeNull();
  });

  it('waits while a job’s results are being collected, then catches up; a steady stream still gets one every 20 results', async () => {
    const { library, store } = setup();
    const job = makeJob(store);
    const release = library.holdThumbnails();
    const [first] = await library.ingest(job, [await collectedPng(library, job.id, 'held.png', 64, 64)]);
    // Held: it stays in the queue, not being made.
    expect(library.thumbnailsPending()).toBe(1);
    expect(store.outputs.get(first!.id)!.thumbnailPath).toBeNull();
    release();
    release(); // twice is harmless
    await library.thumbnailsIdle();
    expect(store.outputs.get(first!.id)!.thumbnailPath).not.toBeNull();

    const steady = library.holdThumbnails();
    const job2 = makeJob(store);
    const [second] = await library.ingest(job2, [await collectedPng(library, job2.id, 'stream.png', 64, 64)]);
    for (let i = 0; i < 20; i++) library.holdThumbnails()();
    await library.thumbnailsIdle();
    expect(store.outputs.get(second!.id)!.thumbnailPath).not.toBeNull();
    steady();
  });

  it('survives a broken image and goes on with the next one', async () => {
    const { library, store, events } = setup();
    const job = makeJob(store);
    const broken = collectedBytes(library, job.id, 'broken.png', Buffer.from('\x89PNG\r\n\x1a\n not really'), 'image');
    const good = await collectedPng(library, job.id, 'good.png', 64, 64);
    const outputs = await library.ingest(job, [broken, good]);
    const changed = await nextEvent(events, 'library.changed');
    expect(changed.id).toBe(outputs[1]!.id);
    await library.thumbnailsIdle();
    expect(store.outputs.get(outputs[0]!.id)!.thumbnailPath).toBeNull();
    expect(outputs[0]!.width).toBeNull();
  });

  it('gives a video no thumbnail without ffmpeg (the UI shows an icon)', async () => {
    const { library, store } = setup();
    const job = makeJob(store);
    const [video] = await library.ingest(job, [
      collectedBytes(library, job.id, 'clip.mp4', Buffer.alloc(100), 'video'),
    ]);
    await library.thumbnailsIdle();
    expect(library.ffmpegPath).toBeNull();
    expect(store.outputs.get(video!.id)!.thumbnailPath).toBeNull();
    expect(library.resolveMedia('thumb', video!.id)).toBeNull();
  });

  it('makes thumbnails again at start for outputs whose thumbnail is missing, and cleans up half-done incoming folders', async () => {
    const { library, store, events, reopen } = setup();
    const job = makeJob(store);
    const [out] = await library.ingest(job, [await collectedPng(library, job.id, 'a.png', 200, 100)]);
    const made = await nextEvent(events, 'library.changed');
    await library.stop();
    rmSync(made.thumbnailPath!);
    const leftover = join(library.incomingDir('crashed-job'), 'half.png');
    writeFileSync(leftover, 'partial');

    const again = reopen();
    const remade = nextEvent(events, 'library.changed');
    await again.start();
    expect((await remade).id).toBe(out!.id);
    expect(existsSync(made.thumbnailPath!)).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    await again.thumbnailsIdle();
  });

  it('stop() abandons queued thumbnails; they are made at the next start', async () => {
    const { library, store, events, reopen } = setup();
    const job = makeJob(store);
    const files = await Promise.all([1, 2, 3, 4].map((n) => collectedPng(library, job.id, `${n}.png`, 300, 300)));
    const outputs = await library.ingest(job, files);
    await library.stop();
    const missing = outputs.filter((o) => store.outputs.get(o.id)!.thumbnailPath === null).map((o) => o.id);
    expect(missing.length).toBeGreaterThan(0);

    const again = reopen();
    const seen = new Set<number>();
    const all = new Promise<void>((resolve) =>
      events.on('library.changed', (c) => {
        seen.add(c.id);
        if (missing.every((id) => seen.has(id))) resolve();
      }),
    );
    await again.start();
    await all;
    for (const o of outputs) expect(store.outputs.get(o.id)!.thumbnailPath).not.toBeNull();
  });
});
