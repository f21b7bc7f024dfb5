/**
 * ComfyUI writes the API graph of a run into its PNG outputs as a `prompt` text chunk (tEXt, or iTXt which may
 * be zlib-compressed). Reading it lets a user drop a ComfyUI image to import the workflow that made it.
 */
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(SIGNATURE);
}

/** The text chunks of a PNG, keyword -> text. Stops at IEND or at the first truncated chunk. */
export function pngTextChunks(bytes: Uint8Array): Map<string, string> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  if (!isPng(buf)) return out;
  let pos = 8;
  while (pos + 12 <= buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    const end = start + length;
    if (end + 4 > buf.length) break;
    const data = buf.subarray(start, end);
    if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0) out.set(data.toString('latin1', 0, zero), data.toString('latin1', zero + 1));
    } else if (type === 'iTXt') {
      const text = readItxt(data);
      if (text) out.set(text[0], text[1]);
    } else if (type === 'IEND') {
      break;
    }
    pos = end + 4;
  }
  return out;
}

function readItxt(data: Buffer): [string, string] | null {
  const k = data.indexOf(0);
  if (k <= 0 || k + 3 > data.length) return null;
  const keyword = data.toString('latin1', 0, k);
  const compressed = data[k + 1] === 1;
  const lang = data.indexOf(0, k + 3);
  if (lang < 0) return null;
  const translated = data.indexOf(0, lang + 1);
  if (translated < 0) return null;
  const body = data.subarray(translated + 1);
  try {
    return [keyword, (compressed ? inflateSync(body) : body).toString('utf8')];
  } catch {
    return null;
  }
}

/** The `prompt` chunk (API graph JSON text) of a ComfyUI PNG, if any. */
export function pngPromptText(bytes: Uint8Array): string | undefined {
  return pngTextChunks(bytes).get('prompt');
}
