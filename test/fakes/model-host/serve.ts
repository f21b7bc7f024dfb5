/**
 * Serving one file's bytes as a download host does (RFC 9110 §14 ranges): `Range: bytes=a-b | a- | -n` gives 206
 * with `Content-Range`, an unsatisfiable range 416 with `Content-Range: bytes *\/size`, several ranges or a bad
 * header the whole file (200); `If-Range` with a validator that is not the current one (ETag, strong comparison,
 * or Last-Modified) the whole file too. Sending can be cut, held or paced for tests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Content } from './content';

export interface Representation {
  content: Content;
  etag: string | null;
  lastModified: string | null;
  disposition: string | null;
  contentType: string;
}

/** What a test asked this response to do with its body. */
export interface SendControl {
  /** Destroy the connection once this many body bytes were handed to the socket. */
  cutAfter?: number;
  /** Stop after this many body bytes until `release` resolves (or the client goes away). */
  holdAt?: number;
  onHeld?: () => Promise<void>;
  /** Send at most this many bytes per `intervalMs`. */
  pace?: { chunkBytes: number; intervalMs: number };
}

export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** How to answer a Range header for a file of `size` bytes. */
export function answerRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Whether an If-Range validator names the current representation (ETags compared strongly). */
export function ifRangeMatches(value: string | undefined, rep: Representation): boolean {
  if (value === undefined) return true;
  const v = value.trim();
  if (v.startsWith('"') || v.startsWith('W/')) return rep.etag !== null && !v.startsWith('W/') && v === rep.etag;
  return rep.lastModified !== null && v === rep.lastModified;
}

/** Answer a GET for the file; resolves with the body bytes handed to the socket. */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  rep: Representation,
  control: SendControl,
): Promise<{ status: number; bytes: number }> {
  const size = rep.content.size;
  const rangeHeader = typeof req.headers.range === 'string' ? req.headers.range : undefined;
  const ifRange = typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : undefined;
  const range = ifRangeMatches(ifRange, rep) ? answerRange(rangeHeader, size) : ({ kind: 'full' } as const);
  const headers: Record<string, string | number> = {
    'accept-ranges': 'bytes',
    'content-type': rep.contentType,
    ...(rep.etag ? { etag: rep.etag } : {}),
    ...(rep.lastModified ? { 'last-modified': rep.lastModified } : {}),
    ...(rep.disposition ? { 'content-disposition': rep.disposition } : {}),
  };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 });
    res.end();
    return { status: 416, bytes: 0 };
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  const status = range.kind === 'partial' ? 206 : 200;
  res.writeHead(status, {
    ...headers,
    'content-length': end - start + 1,
    ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  let sent = 0;
  let closed = false;
  res.once('close', () => (closed = true));
  /** Hand a chunk to the socket; `flushed`: wait until it left the process (before a cut). */
  const write = (chunk: Buffer, flushed: boolean): Promise<void> | null => {
    if (flushed) return new Promise((resolve) => res.write(chunk, () => resolve()));
    if (res.write(chunk)) return null;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done).on('close', done);
    });
  };
  for (let pos = start; pos <= end && !closed;) {
    let max = end - pos + 1;
    if (control.cutAfter !== undefined) max = Math.min(max, control.cutAfter - sent);
    if (control.holdAt !== undefined && sent < control.holdAt) max = Math.min(max, control.holdAt - sent);
    if (control.pace) max = Math.min(max, control.pace.chunkBytes);
    if (max > 0) {
      const chunk = rep.content.slice(pos, max);
      const wait = write(chunk, control.cutAfter !== undefined && sent + chunk.length >= control.cutAfter);
      if (wait) await wait;
      sent += chunk.length;
      pos += chunk.length;
    }
    if (control.cutAfter !== undefined && sent >= control.cutAfter) {
      res.socket?.destroy();
      return { status, bytes: sent };
    }
    if (control.holdAt !== undefined && sent === control.holdAt && control.onHeld) {
      const release = control.onHeld();
      control.onHeld = undefined;
      await Promise.race([release, new Promise((r) => res.once('close', r))]);
    }
    if (control.pace && !closed) await new Promise((r) => setTimeout(r, control.pace!.intervalMs));
  }
  if (!closed) res.end();
  return { status, bytes: sent };
}
