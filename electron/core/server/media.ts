/**
 * Library media over HTTP: `GET /media/file/:id` and `GET /media/thumb/:id`, looked up through the library's
 * `resolveMedia`, streamed with the right type, cache headers and single byte ranges (so videos can seek).
 * Token auth is the server's `onRequest` hook, like every other route.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MediaKind, ResolveMedia } from '@core/library/library';

const ID = /^[1-9][0-9]{0,14}$/;

export function registerMediaRoutes(app: FastifyInstance, resolveMedia: ResolveMedia): void {
  for (const kind of ['file', 'thumb'] as const) {
    app.get<{ Params: { id: string } }>(`/media/${kind}/:id`, (req, reply) => serve(kind, req, reply, resolveMedia));
  }
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(message);
}

async function serve(
  kind: MediaKind,
  req: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  resolveMedia: ResolveMedia,
): Promise<FastifyReply> {
  const { id } = req.params;
  if (!ID.test(id)) return notFound(reply, `"${id.slice(0, 40)}" is not an output id.`);
  const media = resolveMedia(kind, Number(id));
  if (!media) {
    return notFound(
      reply,
      kind === 'thumb' ? `Output ${id} has no thumbnail (yet).` : `Output ${id} is not in the library.`,
    );
  }
  let size: number;
  let mtime: Date;
  try {
    const info = await stat(media.path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
    mtime = info.mtime;
  } catch {
    return notFound(
      reply,
      `The ${kind === 'thumb' ? 'thumbnail' : 'file'} of output ${id} is missing from the library folder.`,
    );
  }
  const etag = `"${size.toString(36)}-${Math.floor(mtime.getTime()).toString(36)}"`;
  void reply
    .header('Content-Type', media.mime)
    .header('ETag', etag)
    .header('Last-Modified', mtime.toUTCString())
    // An id never points at another file (ids are not reused), so the browser may keep it.
    .header('Cache-Control', 'private, max-age=31536000, immutable')
    .header('Accept-Ranges', 'bytes')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(basename(media.path))}`);
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();

  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  if (range) {
    const [start, end] = range;
    return reply
      .code(206)
      .header('Content-Range', `bytes ${start}-${end}/${size}`)
      .header('Content-Length', end - start + 1)
      .send(createReadStream(media.path, { start, end }));
  }
  return reply.header('Content-Length', size).send(size === 0 ? '' : createReadStream(media.path));
}

/** One `bytes=` range as [start, end] inclusive; null = send everything (absent, malformed or several ranges). */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
