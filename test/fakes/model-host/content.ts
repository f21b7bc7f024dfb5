/**
 * The bytes of a hosted file, made up on the fly: a pseudo-random block (xorshift32 from the file's seed) repeated,
 * so any range of any size is served without storing the file, and the same seed always gives the same bytes.
 * The block length is not a power of two, so a resume at a wrong offset changes the hash.
 */
import { createHash } from 'node:crypto';

export const BLOCK_BYTES = 1024 * 1024 + 13;

const blocks = new Map<number, Buffer>();

/** The block of a seed, twice in a row (any slice of up to BLOCK_BYTES is one contiguous view). */
function doubledBlock(seed: number): Buffer {
  let block = blocks.get(seed);
  if (block) return block;
  block = Buffer.allocUnsafe(BLOCK_BYTES * 2);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < BLOCK_BYTES; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    block[i] = x & 0xff;
    if (i + 1 < BLOCK_BYTES) block[i + 1] = (x >>> 8) & 0xff;
    if (i + 2 < BLOCK_BYTES) block[i + 2] = (x >>> 16) & 0xff;
    if (i + 3 < BLOCK_BYTES) block[i + 3] = (x >>> 24) & 0xff;
  }
  block.copy(block, BLOCK_BYTES, 0, BLOCK_BYTES);
  blocks.set(seed, block);
  return block;
}

export class Content {
  private readonly block: Buffer;
  private hash: string | null = null;

  constructor(
    readonly seed: number,
    readonly size: number,
    /** Serve this byte flipped: what the host sends no longer matches its published hash. */
    readonly corruptAt: number | null = null,
  ) {
    this.block = doubledBlock(seed);
  }

  /** Up to `max` bytes from `offset` (at most one block; a view, copied only where a byte is corrupted). */
  slice(offset: number, max: number): Buffer {
    const n = Math.min(max, BLOCK_BYTES, this.size - offset);
    const start = offset % BLOCK_BYTES;
    const view = this.block.subarray(start, start + n);
    if (this.corruptAt === null || this.corruptAt < offset || this.corruptAt >= offset + n) return view;
    const copy = Buffer.from(view);
    copy[this.corruptAt - offset]! ^= 0xff;
    return copy;
  }

  /** The whole file, for small files in tests. */
  bytes(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    for (let pos = 0; pos < this.size;) {
      const chunk = this.slice(pos, this.size - pos);
      chunk.copy(out, pos);
      pos += chunk.length;
    }
    return out;
  }

  /** SHA-256 of the right bytes (what the host publishes), computed once. */
  sha256(): string {
    if (this.hash) return this.hash;
    const h = createHash('sha256');
    for (let pos = 0; pos < this.size;) {
      const n = Math.min(BLOCK_BYTES, this.size - pos);
      const start = pos % BLOCK_BYTES;
      h.update(this.block.subarray(start, start + n));
      pos += n;
    }
    this.hash = h.digest('hex');
    return this.hash;
  }
}

/** A stable seed for a path. */
export function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
