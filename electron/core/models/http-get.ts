/**
 * One download request: GET with redirects followed by hand (Hugging Face answers 302 to its CDN, CivitAI to its
 * storage), the Authorization header sent to the original host only — a token never reaches a CDN or any other
 * host a redirect points at — and a connect, headers and idle-body timeout on every hop.
 */
import { Agent, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';

export interface DownloadTimeouts {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** Until the response headers arrive. */
  headersMs: number;
  /** Longest silence while the body streams. */
  bodyMs: number;
}

export const DEFAULT_DOWNLOAD_TIMEOUTS: DownloadTimeouts = { connectMs: 15_000, headersMs: 30_000, bodyMs: 60_000 };

/** The agent downloads share (keep-alive across resumes; 1 MiB body buffer for throughput). */
export function downloadAgent(timeouts: DownloadTimeouts): Agent {
  return new Agent({
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: 10_000,
  });
}

export interface OpenedResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Readable & { dump(opts?: { limit: number }): Promise<void> };
  /** The address that answered (after redirects). */
  url: URL;
  /** Whether the Authorization header went with the answering request. */
  authorized: boolean;
}

export interface OpenOptions {
  dispatcher: Dispatcher;
  timeouts: DownloadTimeouts;
  /** Range, If-Range… (sent on every hop). */
  headers: Record<string, string>;
  /** `Bearer …` for the original host, or null. */
  authorization: string | null;
  signal: AbortSignal;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** GET `start`, following redirects. The caller reads (or dumps) the body of the answer. */
export async function openFollowing(start: URL, o: OpenOptions): Promise<OpenedResponse> {
  const max = o.maxRedirects ?? 10;
  let url = start;
  // Once a redirect left the original host (or its scheme), the token stays behind for good.
  let left = false;
  for (let hop = 0; ; hop++) {
    left ||= url.host !== start.host || url.protocol !== start.protocol;
    const authorized = o.authorization !== null && !left;
    const res = await o.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: {
        'user-agent': 'ComfyDesk',
        'accept-encoding': 'identity',
        ...o.headers,
        ...(authorized ? { authorization: o.authorization! } : {}),
      },
      signal: o.signal,
      headersTimeout: o.timeouts.headersMs,
      bodyTimeout: o.timeouts.bodyMs,
      highWaterMark: 1024 * 1024,
    });
    const headers = flatHeaders(res.headers);
    const location = headers['location'];
    if (REDIRECTS.has(res.statusCode) && location) {
      await res.body.dump().catch(() => {});
      if (hop >= max) throw new RedirectLoopError(start);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RedirectLoopError(start);
      url = next;
      continue;
    }
    return { status: res.statusCode, headers, body: res.body, url, authorized };
  }
}

/** Too many redirects, or one to something that is not http(s). */
export class RedirectLoopError extends Error {
  override readonly name = 'RedirectLoopError';
  constructor(readonly start: URL) {
    super(`too many redirects from ${start.host}`);
  }
}

/** `bytes 100-199/1000` → {start: 100, end: 199, total: 1000} (total null for `*`). */
export function parseContentRange(
  value: string | undefined,
): { start: number; end: number; total: number | null } | null {
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec((value ?? '').trim());
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === '*' ? null : Number(m[3]);
  if (end < start || (total !== null && end >= total)) return null;
  return { start, end, total };
}

/** A Content-Length header as a number, or null. */
export function contentLength(headers: Record<string, string>): number | null {
  const v = headers['content-length'];
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
}
