/**
 * Real image bytes for the fake: PNG outputs (with the `prompt`/`extra_pnginfo` text chunks SaveImage
 * writes, section 4), JPEG live previews, a small animated WebP. Colours are deterministic from the seed.
 */
import sharp, { type Sharp } from 'sharp';
import { scenePng } from './scenes';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** A colour from a seed (and an index), stable across runs. */
export function colorFor(seed: number, index = 0): Rgb {
  let x = (Math.trunc(Math.abs(seed)) % 0x7fffffff) ^ Math.imul(index + 1, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x ^= x >>> 16;
  return { r: x & 0xff, g: (x >>> 8) & 0xff, b: (x >>> 16) & 0xff };
}

function clampSize(n: number): number {
  return Math.max(1, Math.min(4096, Math.round(n)));
}

/** A solid image with a lighter band, so sizes and seeds are visible. */
function base(width: number, height: number, color: Rgb): Sharp {
  const w = clampSize(width);
  const h = clampSize(height);
  const band = Buffer.from(
    `<svg width="${w}" height="${h}"><rect x="0" y="${Math.floor(h / 3)}" width="${w}" height="${Math.max(1, Math.floor(h / 3))}" fill="rgb(${255 - color.r},${255 - color.g},${255 - color.b})"/></svg>`,
  );
  return sharp({ create: { width: w, height: h, channels: 3, background: color } }).composite([{ input: band }]);
}

// --- PNG text chunks ---------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([typeBytes, data])), 0);
  return Buffer.concat([len, typeBytes, data, crc]);
}

/** PIL's PngInfo.add_text: tEXt when the text is Latin-1, else an uncompressed iTXt (UTF-8). */
function textChunk(keyword: string, text: string): Buffer {
  const key = Buffer.from(keyword, 'latin1');
  // eslint-disable-next-line no-control-regex -- the PNG tEXt chunk is latin1: any char above 0xff needs iTXt
  if (!/[^\u0000-\u00ff]/.test(text)) {
    return chunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(text, 'latin1')]));
  }
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, text
  return chunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** Insert text chunks right after IHDR (8-byte signature + 25-byte IHDR chunk). */
export function withPngText(png: Buffer, texts: Record<string, string>): Buffer {
  const entries = Object.entries(texts);
  if (entries.length === 0) return png;
  const cut = 8 + 25;
  return Buffer.concat([png.subarray(0, cut), ...entries.map(([k, v]) => textChunk(k, v)), png.subarray(cut)]);
}

/** Read the tEXt and uncompressed iTXt chunks of a PNG (used by tests to check metadata). */
export function readPngText(png: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 8;
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    const data = png.subarray(pos + 8, pos + 8 + len);
    const zero = data.indexOf(0);
    if (type === 'tEXt' && zero > 0) {
      out[data.subarray(0, zero).toString('latin1')] = data.subarray(zero + 1).toString('latin1');
    }
    if (type === 'iTXt' && zero > 0 && data[zero + 1] === 0) {
      // Skip compression flag + method, then the language tag and translated keyword (both \0-terminated).
      const lang = data.indexOf(0, zero + 3);
      const translated = lang >= 0 ? data.indexOf(0, lang + 1) : -1;
      if (translated >= 0)
        out[data.subarray(0, zero).toString('latin1')] = data.subarray(translated + 1).toString('utf8');
    }
    if (type === 'IEND') break;
    pos += 12 + len;
  }
  return out;
}

// --- Generators ---------------------------------------------------------------------------------------------

const noiseCache = new Map<string, Promise<Buffer>>();

/** Random pixels (incompressible, like a real image's detail), cached per size. */
function noisePng(width: number, height: number): Promise<Buffer> {
  const w = clampSize(width);
  const h = clampSize(height);
  const key = `${w}x${h}`;
  let png = noiseCache.get(key);
  if (!png) {
    const raw = Buffer.alloc(w * h * 3);
    let x = 2463534242;
    for (let i = 0; i < raw.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      raw[i] = x & 0xff;
    }
    png = sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    noiseCache.set(key, png);
  }
  return png;
}

export async function makePng(
  width: number,
  height: number,
  seed: number,
  index: number,
  texts: Record<string, string>,
  detail: 'solid' | 'noise' | 'scene' = 'solid',
): Promise<Buffer> {
  const png =
    detail === 'noise'
      ? await noisePng(width, height)
      : detail === 'scene'
        ? await scenePng(seed + index * 7919, clampSize(width), clampSize(height))
        : await base(width, height, colorFor(seed, index)).png({ compressionLevel: 4 }).toBuffer();
  return withPngText(png, texts);
}

/** A live preview: JPEG, shrunk to fit 512 (`--preview-size` default), shade moving with the step. */
export async function makePreviewJpeg(width: number, height: number, seed: number, step: number): Promise<Buffer> {
  const scale = Math.min(1, 512 / Math.max(width, height));
  return base(width * scale, height * scale, colorFor(seed, step + 1000))
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A small real animated WebP (SaveAnimatedWEBP). */
export async function makeAnimatedWebp(
  width: number,
  height: number,
  seed: number,
  frames: number,
  fps: number,
): Promise<Buffer> {
  const n = Math.max(1, Math.min(frames, 8));
  const w = clampSize(Math.min(width, 256));
  const h = clampSize(Math.min(height, 256));
  const pngs = await Promise.all(Array.from({ length: n }, (_, i) => base(w, h, colorFor(seed, i)).png().toBuffer()));
  const delay = Math.max(1, Math.round(1000 / Math.max(0.01, fps)));
  return sharp(pngs, { join: { animated: true } })
    .webp({ loop: 0, delay: Array.from({ length: n }, () => delay) })
    .toBuffer();
}

/**
 * A minimal ISO-BMFF file (an `ftyp` box followed by an empty `free` box) for video outputs. It has the
 * right signature for sniffing but no frames: no video encoder is available to the test double.
 */
export function makeVideoStub(): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 24]),
    Buffer.from('ftypisom', 'latin1'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2', 'latin1'),
  ]);
  const free = Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('free', 'latin1')]);
  return Buffer.concat([ftyp, free]);
}
