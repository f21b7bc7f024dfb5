import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/api';
import { imageTypeOf, InputStore, safeName } from '@core/jobs/inputs';
import { tempDirs } from '@test/helpers/temp-dir';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** Just the PNG signature and the start of IHDR: looks like a PNG, is not an image. */
const SIGNATURE_ONLY = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let PNG: Buffer;
beforeAll(async () => {
  PNG = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
});

describe('InputStore', () => {
  it('keeps real images under a unique name and remembers the display name', async () => {
    const root = dirs.make();
    const store = new InputStore(join(root, 'inputs'), [join(root, 'library')]);
    const a = await store.saveBase64('cat.png', PNG.toString('base64'));
    const b = await store.saveBase64('cat.png', `data:image/png;base64,${PNG.toString('base64')}`);
    expect(a.path).not.toBe(b.path);
    expect(a.filename).toBe('cat.png');
    expect(a.bytes).toBe(PNG.length);
    expect(store.check(a.path)).toBe(a.path);
  });

  it('refuses what is not an image, empty files and bad base64, with the file named', async () => {
    const store = new InputStore(join(dirs.make(), 'inputs'), []);
    await expect(store.saveBase64('notes.txt', Buffer.from('hello').toString('base64'))).rejects.toThrow(
      /"notes.txt" is not an image/,
    );
    await expect(store.saveBase64('x.png', '!!!')).rejects.toThrow(/not valid base64/);
    await expect(store.save('empty.png', new Uint8Array())).rejects.toThrow(/empty/);
    await expect(store.save('fake.png', SIGNATURE_ONLY)).rejects.toThrow(
      /"fake.png" looks like a PNG but cannot be read as an image/,
    );
    const big = Buffer.alloc(25 * 1024 * 1024 + 1);
    SIGNATURE_ONLY.copy(big);
    await expect(store.save('huge.png', big)).rejects.toSatisfy(
      (e: unknown) => e instanceof ApiError && e.code === 'limit',
    );
  });

  it('only lets jobs name files in the inputs or library folder', async () => {
    const root = dirs.make();
    const store = new InputStore(join(root, 'inputs'), [join(root, 'library')]);
    const outside = join(root, 'secret.png');
    writeFileSync(outside, PNG);
    expect(() => store.check(outside)).toThrow(/not in ComfyDesk's inputs or library folder/);
    expect(() => store.check(join(root, 'inputs', '..', 'secret.png'))).toThrow(/not in ComfyDesk/);
    expect(() => store.check(join(root, 'library', 'gone.png'))).toThrow(/does not exist/);
  });

  it('recognises image signatures and cleans names', () => {
    expect(imageTypeOf(SIGNATURE_ONLY)?.mime).toBe('image/png');
    expect(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.ext).toBe('.jpg');
    expect(imageTypeOf(Buffer.from('RIFF0000WEBPVP8 '))?.mime).toBe('image/webp');
    expect(imageTypeOf(Buffer.from('GIF89a'))?.mime).toBe('image/gif');
    expect(imageTypeOf(Buffer.from('%PDF-1.4'))).toBeNull();
    expect(safeName('../../etc/pa:ss?wd.png')).toBe('pa_ss_wd.png');
  });
});
