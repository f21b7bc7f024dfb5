/**
 * The ffmpeg paths (video thumbnails, video fitting) against a stand-in `ffmpeg` script: it answers the probe
 * with a Duration banner, a frame request with a PNG, and an encode with a file whose size follows the
 * requested height, so the arguments we pass and the files we read back are checked without real ffmpeg.
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '@core/library/ffmpeg';
import { fitToLimit } from '@core/library/fit';
import { Library } from '@core/library/library';
import { nullLogger } from '@core/log';
import { collectedBytes, dirs, makeJob, useLibrarySetups } from './helpers';

const setup = useLibrarySetups();

async function fakeFfmpeg(dir: string): Promise<string> {
  const frame = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  const path = join(dir, 'ffmpeg');
  writeFileSync(
    path,
    `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
if (args.includes('image2pipe')) {
  process.stdout.write(Buffer.from('${frame.toString('base64')}', 'base64'));
  process.exit(0);
}
if (!args.includes('-c:v')) {
  process.stderr.write('Input #0, mov,mp4\\n  Duration: 00:00:04.00, start: 0.000000, bitrate: 100 kb/s\\n  Stream #0:0: Video: h264\\nAt least one output file must be specified\\n');
  process.exit(1);
}
const height = Number(/min\\((\\d+)/.exec(args[args.indexOf('-vf') + 1])[1]);
fs.writeFileSync(args[args.length - 1], Buffer.alloc(height * 100));
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('with ffmpeg on PATH', () => {
  it('is found on PATH', async () => {
    const dir = dirs.make();
    const ffmpeg = await fakeFfmpeg(dir);
    expect(findOnPath('ffmpeg', { PATH: `/nonexistent:${dir}` })).toBe(ffmpeg);
    expect(findOnPath('ffmpeg', { PATH: '/nonexistent' })).toBeNull();
  });

  it('makes a video thumbnail from its first frame', async () => {
    const s = setup();
    const ffmpeg = await fakeFfmpeg(s.dir);
    const library = new Library({
      libraryDir: s.libraryDir,
      store: s.store.outputs,
      clock: s.clock,
      logger: nullLogger,
      events: s.events,
      ffmpegPath: ffmpeg,
    });
    const job = makeJob(s.store, { workflow: 'wan22-i2v' });
    const [video] = await library.ingest(job, [
      collectedBytes(library, job.id, 'clip.mp4', Buffer.alloc(5000), 'video'),
    ]);
    await library.thumbnailsIdle();
    const thumb = s.store.outputs.get(video!.id)!.thumbnailPath!;
    const meta = await sharp(thumb).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 180]);
    await library.stop();
  });

  it('re-encodes a video to fit, stepping down the height', async () => {
    const dir = dirs.make();
    const ffmpeg = await fakeFfmpeg(dir);
    const original = join(dir, 'clip.mp4');
    writeFileSync(original, Buffer.alloc(50_000));
    const r = await fitToLimit(original, 40_000, { cacheDir: join(dir, 'cache'), ffmpegPath: ffmpeg });
    expect(r).toMatchObject({ bytes: 36_000, mime: 'video/mp4', transformed: expect.stringContaining('360p') });
    expect(statSync(original).size).toBe(50_000);
    expect(await fitToLimit(original, 1_000, { cacheDir: join(dir, 'cache'), ffmpegPath: ffmpeg })).toMatchObject({
      tooLarge: true,
      bytes: 50_000,
    });
  });
});
