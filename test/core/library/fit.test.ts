import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { fitToLimit, isTooLarge, pruneFitCache, type Fitted } from '@core/library/fit';
import { dirs, noise, writePng } from './helpers';

afterEach(() => dirs.cleanup());

const MB = 1024 * 1024;

function fitted(r: Awaited<ReturnType<typeof fitToLimit>>): Fitted {
  if (isTooLarge(r)) throw new Error(`expected a fit, got: ${r.reason}`);
  return r;
}

describe('fitToLimit', () => {
  it('turns a 4 MB PNG into a JPEG under 1 MB in the cache folder, leaving the original alone', async () => {
    const dir = dirs.make();
    const original = join(dir, 'big.png');
    const bytes = await writePng(original, 1280, 1280, { noise: true });
    expect(bytes).toBeGreaterThan(4 * MB);
    const before = statSync(original);
    const cacheDir = join(dir, 'cache');

    const r = fitted(await fitToLimit(original, MB, { cacheDir }));
    expect(r.mime === 'image/jpeg' || r.mime === 'image/webp').toBe(true);
    expect(r.bytes).toBeLessThanOrEqual(MB);
    expect(statSync(r.path).size).toBe(r.bytes);
    expect(dirname(r.path)).toBe(cacheDir);
    expect(r.transformed).toMatch(/JPEG|WebP/);
    const meta = await sharp(r.path).metadata();
    expect(meta.format === 'jpeg' || meta.format === 'webp').toBe(true);
    const after = statSync(original);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);

    // Asked again: the cached copy is reused, nothing new is written.
    const files = readdirSync(cacheDir);
    expect(await fitToLimit(original, MB, { cacheDir })).toEqual(r);
    expect(readdirSync(cacheDir)).toEqual(files);
  });

  it('downscales when re-encoding alone is not enough', async () => {
    const dir = dirs.make();
    const original = join(dir, 'big.png');
    await writePng(original, 1280, 1280, { noise: true });
    const r = fitted(await fitToLimit(original, 200 * 1024, { cacheDir: join(dir, 'cache') }));
    expect(r.bytes).toBeLessThanOrEqual(200 * 1024);
    expect(r.transformed).toMatch(/^downscaled to \d+% \(\d+×\d+\)/);
    expect((await sharp(r.path).metadata()).width).toBeLessThan(1280);
  });

  it('keeps transparency by using WebP for a PNG with real alpha', async () => {
    const dir = dirs.make();
    const original = join(dir, 'alpha.png');
    await writePng(original, 900, 900, { noise: true, alpha: true });
    const r = fitted(await fitToLimit(original, MB, { cacheDir: join(dir, 'cache') }));
    expect(r.mime).toBe('image/webp');
    expect((await sharp(r.path).metadata()).hasAlpha).toBe(true);
  });

  it('returns the original untouched when it already fits', async () => {
    const dir = dirs.make();
    const original = join(dir, 'small.png');
    const bytes = await writePng(original, 64, 64);
    expect(await fitToLimit(original, MB, { cacheDir: join(dir, 'cache') })).toEqual({
      path: original,
      bytes,
      mime: 'image/png',
      transformed: null,
    });
  });

  it('says tooLarge, with a reason, when nothing fits', async () => {
    const dir = dirs.make();
    const original = join(dir, 'big.png');
    const bytes = await writePng(original, 1280, 1280, { noise: true });
    const r = await fitToLimit(original, 1000, { cacheDir: join(dir, 'cache') });
    expect(r).toEqual({
      tooLarge: true,
      bytes,
      reason: expect.stringMatching(/even at 25% size the image does not fit the 1 KB limit/),
    });
  });

  it('re-encodes and downscales an animated WebP, keeping it animated', async () => {
    const dir = dirs.make();
    const frames = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const raw = noise(256 * 256 * 3, i + 1);
        return sharp(raw, { raw: { width: 256, height: 256, channels: 3 } })
          .blur(1)
          .png()
          .toBuffer();
      }),
    );
    const original = join(dir, 'anim.webp');
    writeFileSync(
      original,
      await sharp(frames, { join: { animated: true } })
        .webp({ lossless: true })
        .toBuffer(),
    );
    const size = statSync(original).size;
    const r = fitted(await fitToLimit(original, Math.floor(size / 4), { cacheDir: join(dir, 'cache') }));
    expect(r.mime).toBe('image/webp');
    expect(r.bytes).toBeLessThanOrEqual(size / 4);
    expect((await sharp(r.path, { animated: true }).metadata()).pages).toBe(4);
  });

  it('says tooLarge for a video when ffmpeg is not available', async () => {
    const dir = dirs.make();
    const original = join(dir, 'clip.mp4');
    writeFileSync(original, Buffer.alloc(50_000));
    expect(await fitToLimit(original, 10_000, { cacheDir: join(dir, 'cache'), ffmpegPath: null })).toEqual({
      tooLarge: true,
      bytes: 50_000,
      reason: expect.stringContaining('ffmpeg is not installed'),
    });
  });

  it('prunes derived files older than the given age, keeping recent ones', async () => {
    const cacheDir = dirs.make();
    writeFileSync(join(cacheDir, 'old.jpg'), 'x');
    writeFileSync(join(cacheDir, 'new.jpg'), 'y');
    const now = statSync(join(cacheDir, 'new.jpg')).mtimeMs;
    const eightDaysAgo = new Date(now - 8 * 24 * 3600_000);
    utimesSync(join(cacheDir, 'old.jpg'), eightDaysAgo, eightDaysAgo);
    expect(await pruneFitCache(cacheDir, 7 * 24 * 3600_000, now)).toBe(1);
    expect(readdirSync(cacheDir)).toEqual(['new.jpg']);
    expect(await pruneFitCache(join(cacheDir, 'missing'), 1, now)).toBe(0);
  });
});
