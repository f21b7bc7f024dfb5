/**
 * Job ids are UUIDv7 (RFC 9562): a millisecond timestamp first, then a counter for ids made in the same
 * millisecond, then random bits. Sorting ids sorts jobs by creation, which the fair order relies on to keep each
 * user's jobs first in, first out even when several arrive in the same millisecond.
 */
import { randomBytes } from 'node:crypto';

export function uuidv7Factory(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(0, Math.floor(now()));
    if (ms <= lastMs) {
      counter += 1;
      if (counter > 0xfff) {
        // 4096 ids in one millisecond: borrow the next millisecond so the order still holds.
        lastMs += 1;
        counter = 0;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      counter = 0;
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8); // version 7 + counter high bits
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f); // RFC 4122 variant
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
