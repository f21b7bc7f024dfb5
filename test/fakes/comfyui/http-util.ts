/**
 * Small HTTP helpers for the fake: bounded body reading (aiohttp's client_max_size, comfyui-api.md
 * section 0 "Upload size"), JSON answers, multipart parsing with the platform's own FormData parser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; size: number };

/**
 * Read the whole body. Over `limit` the rest is drained and discarded (so the client always gets to read
 * the answer) and `{ok:false}` is returned: the caller answers 413.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= limit ? { ok: true, body: Buffer.concat(chunks) } : { ok: false, size }));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The action routes answer 200 with an empty body, not JSON (section 0, "Action responses"). */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** aiohttp's answer when `await request.json()` fails: an unhandled error, 500. */
export function sendServerError(res: ServerResponse): void {
  sendText(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');
}

export type JsonResult = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: Buffer): JsonResult {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface MultipartFile {
  filename: string;
  bytes: Buffer;
}
export type MultipartFields = Map<string, string | MultipartFile>;

/** Parse a multipart/form-data body with the WHATWG `Request.formData()` parser; null if malformed. */
export async function parseMultipart(body: Buffer, contentType: string): Promise<MultipartFields | null> {
  try {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
    const out: MultipartFields = new Map();
    for (const [key, value] of form) {
      if (typeof value === 'string') out.set(key, value);
      else out.set(key, { filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return out;
  } catch {
    return null;
  }
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.wav': 'audio/x-wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
};

/** Content-Type as Python's `mimetypes` gives it; html/js/css are forced to octet-stream. */
export function mimeFor(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const ext = dot >= 0 ? filename.slice(dot).toLowerCase() : '';
  return MIME[ext] ?? 'application/octet-stream';
}
