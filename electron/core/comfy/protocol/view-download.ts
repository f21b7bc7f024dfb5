/**
 * Reading ComfyUI HTTP answers for ComfyClient (client.ts): a bounded text body, and GET /view streamed to a
 * file (temporary name, then renamed, so a half-downloaded file never appears under the real name).
 */
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import type { AnswerReader } from './answers';
import { ComfyError, toNetworkError } from './errors';
import type { FileRef } from './http-schemas';

/** Downloads announced at this size or less are written in one go; larger ones (videos) are streamed to disk. */
const BUFFERED_DOWNLOAD_MAX = 32 * 1024 * 1024;

/** What downloadView needs from the client: the server, its pool and its timeouts. */
export interface ViewSource {
  url: string;
  pool: Dispatcher;
  /** Request path of GET /view with this query (prefix and /api included). */
  path: string;
  headersMs: number;
  bodyMs: number;
  answers: AnswerReader;
  /** Sent with the request (a reverse proxy's Authorization). */
  headers?: Record<string, string>;
}

/** Stream one output file to `destPath`. Never holds a large file in memory. */
export async function downloadView(src: ViewSource, ref: FileRef, destPath: string): Promise<{ bytes: number }> {
  const req = 'GET /view';
  const { url } = src;
  let res: Dispatcher.ResponseData;
  try {
    res = await src.pool.request({
      method: 'GET',
      path: src.path,
      ...(src.headers ? { headers: src.headers } : {}),
      headersTimeout: src.headersMs,
      bodyTimeout: src.bodyMs,
    });
  } catch (err) {
    throw toNetworkError(err, url, req, src.headersMs);
  }
  if (res.statusCode !== 200) {
    const text = await readText(res, 64 * 1024, url, req).catch(() => '');
    if (res.statusCode === 404) {
      throw new ComfyError('rejected', `ComfyUI at ${url} has no file "${ref.filename}" (${ref.type}).`, {
        url,
        request: req,
        status: 404,
        body: text,
      });
    }
    src.answers.expectOk({ status: res.statusCode, text }, req);
  }
  // ComfyUI serves files with their own type; a web page here is a proxy's login or error page, not the output.
  const type = String(res.headers['content-type'] ?? '');
  if (/^text\/html\b/i.test(type)) {
    discard(res);
    throw new ComfyError(
      'invalid-response',
      `ComfyUI at ${url} answered with a web page instead of the file "${ref.filename}" (a proxy in between?).`,
      {
        url,
        request: req,
        status: res.statusCode,
      },
    );
  }
  const tmp = `${destPath}.${randomBytes(6).toString('hex')}.part`;
  const length = Number(res.headers['content-length']);
  try {
    if (Number.isFinite(length) && length >= 0 && length <= BUFFERED_DOWNLOAD_MAX) {
      // A typical image: one write instead of dozens of small ones (videos and unknown sizes are streamed).
      const chunks: Buffer[] = [];
      let got = 0;
      for await (const chunk of res.body) {
        got += (chunk as Buffer).length;
        if (got > length)
          throw new ComfyError(
            'invalid-response',
            `ComfyUI at ${url} sent more than the ${length} bytes it announced for "${ref.filename}".`,
            { url, request: req },
          );
        chunks.push(chunk as Buffer);
      }
      await writeFile(tmp, Buffer.concat(chunks, got), { flag: 'wx' });
      await rename(tmp, destPath);
      return { bytes: got };
    }
    await pipeline(res.body, createWriteStream(tmp, { flags: 'wx' }));
    const { size } = await stat(tmp);
    await rename(tmp, destPath);
    return { bytes: size };
  } catch (err) {
    res.body.destroy();
    await unlink(tmp).catch(() => undefined);
    if (err instanceof ComfyError || isFsError(err)) throw err;
    throw toNetworkError(err, url, req, src.bodyMs);
  }
}

/** Drop an answer's body unread (undici reports the abort as an error event: it must have a listener). */
function discard(res: Dispatcher.ResponseData): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/** The body as text, refusing (and dropping the connection) past `limit` bytes. */
export async function readText(
  res: Dispatcher.ResponseData,
  limit: number,
  url: string,
  request: string,
): Promise<string> {
  const tooLarge = () => {
    discard(res);
    const mb = Math.round((limit / 1048576) * 10) / 10;
    return new ComfyError(
      'invalid-response',
      `ComfyUI at ${url} sent an answer to ${request} larger than ${mb} MB; ComfyDesk does not read that much.`,
      {
        url,
        request,
        status: res.statusCode,
      },
    );
  };
  if (Number(res.headers['content-length']) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isFsError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E(EXIST|NOENT|ACCES|PERM|NOSPC|ROFS|ISDIR|NOTDIR|MFILE)$/.test(code);
}
