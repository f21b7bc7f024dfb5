/**
 * A ComfyUI PNG carries its workflow in text chunks (tEXt, iTXt, zTXt); its pixels are of no use to an import. Only
 * the signature, the header and those chunks are sent to the core, so a large image imports as fast as a small one
 * and stays within the message size limit.
 */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEEP = new Set(['IHDR', 'tEXt', 'iTXt', 'zTXt', 'IEND']);

export function isPngBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The PNG with only its header and text chunks (the bytes as they are when it is not a PNG). */
export function pngMetadataOnly(bytes: Uint8Array): Uint8Array {
  if (!isPngBytes(bytes)) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    const end = pos + 12 + length;
    if (end > bytes.length) break;
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (KEEP.has(type)) parts.push(bytes.subarray(pos, end));
    if (type === 'IEND') break;
    pos = end;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Base64 of bytes, in slices (a spread of a whole file would overflow the call stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
