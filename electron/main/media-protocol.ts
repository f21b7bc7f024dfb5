/**
 * Library media for the renderer without opening the file system to it: `comfydesk-media://media/file/<id>` and
 * `comfydesk-media://media/thumb/<id>` are looked up through the core's library (id → path + mime), confined to
 * the library and data folders, and streamed with HTTP range support (so videos can seek).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { Protocol } from 'electron';
import { MEDIA_BASE, MEDIA_SCHEME } from '@shared/ipc';
import type { MediaFile as MediaTarget, MediaKind } from '@core/library/library';

export { MEDIA_BASE, MEDIA_SCHEME };
/** What the core's library offers (core.library.resolveMedia, a pure look-up); null = no such output / thumbnail. */
export interface MediaResolver {
  resolveMedia(kind: MediaKind, id: string): MediaTarget | null | Promise<MediaTarget | null>;
}

export interface MediaServeOptions {
  /** The library (null answers 503). */
  resolver(): MediaResolver | null;
  /** Folders media may come from (library dir, data dir); anything resolving elsewhere is refused. */
  roots: readonly string[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MEDIA_HOST = new URL(MEDIA_BASE).host;

/** Must run before app 'ready': a standard, secure scheme that fetch and <video> streaming can use. */
export function registerMediaScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function parseMediaUrl(url: string): { kind: MediaKind; id: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:` || parsed.host !== MEDIA_HOST) return null;
  const match = /^\/(file|thumb)\/([^/]+)$/.exec(parsed.pathname);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return null;
  }
  return ID.test(id) ? { kind: match[1] as MediaKind, id } : null;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** The roots' real paths, resolved once each (a root that does not exist yet is tried again next time). */
const realRoots = new Map<string, string>();
async function realRoot(root: string): Promise<string | null> {
  let real = realRoots.get(root);
  if (real === undefined) {
    real = await realpath(root).catch(() => undefined);
    if (real === undefined) return null;
    realRoots.set(root, real);
  }
  return real;
}

async function insideRoots(path: string, roots: readonly string[]): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return null;
  }
  for (const root of roots) {
    const realRootPath = await realRoot(root);
    if (realRootPath === null) continue;
    const rel = relative(realRootPath, real);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return real;
  }
  return null;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → an inclusive range within size, or 'invalid'. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (!m[1] && !m[2])) return 'invalid';
  let start: number;
  let end: number;
  if (!m[1]) {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  return start > end || start >= size ? 'invalid' : { start, end };
}

function body(path: string, start: number, end: number): ReadableStream {
  return Readable.toWeb(createReadStream(path, { start, end })) as unknown as ReadableStream;
}

export async function serveMedia(request: Request, options: MediaServeOptions): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed');
  const target = parseMediaUrl(request.url);
  if (!target) return text(404, 'Not found');
  const resolver = options.resolver();
  if (!resolver) return text(503, 'The library is not available');
  let found: MediaTarget | null;
  try {
    found = await resolver.resolveMedia(target.kind, target.id);
  } catch {
    return text(500, 'The library could not look this up');
  }
  if (!found) return text(404, 'Not found');
  const path = await insideRoots(found.path, options.roots);
  if (!path) return text(404, 'Not found');
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return text(404, 'Not found');

  const headers: Record<string, string> = {
    'content-type': found.mime,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
  };
  const range = parseRange(request.headers.get('range'), info.size);
  if (range === 'invalid')
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${info.size}` } });
  const head = request.method === 'HEAD';
  if (!range) {
    headers['content-length'] = String(info.size);
    return new Response(head || info.size === 0 ? null : body(path, 0, info.size - 1), { status: 200, headers });
  }
  headers['content-length'] = String(range.end - range.start + 1);
  headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
  return new Response(head ? null : body(path, range.start, range.end), { status: 206, headers });
}

/** After app 'ready': answer the scheme on the default session. */
export function handleMediaProtocol(protocol: Pick<Protocol, 'handle'>, options: MediaServeOptions): void {
  protocol.handle(MEDIA_SCHEME, (request) => serveMedia(request, options));
}
