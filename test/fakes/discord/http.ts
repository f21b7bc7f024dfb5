/**
 * The HTTP side: `/api/v10/...` REST (parse JSON or multipart `files[n]` + `payload_json`, check the bot
 * token, apply rate limits, run the route, record the call) and the fake CDN that serves uploaded files and
 * interaction attachments under signed URLs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContext } from './context';
import { FakeHttpError, unauthorized } from './errors';
import type { RecordedFile } from './recorder';
import { Router, majorParameter, type RouteContext } from './router';

export const API_PREFIX = '/api/v10';
const MAX_BODY = 256 * 1024 * 1024;

/** A canned answer for the next matching request(s), registered with `fake.inject()`. */
export interface Injection {
  method?: string;
  path?: RegExp | string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get this answer (default 1). */
  times?: number;
}

export class RestHandler {
  readonly router = new Router();
  private readonly injections: Array<Injection & { left: number }> = [];
  cdnHits = 0;

  constructor(private readonly ctx: FakeContext) {}

  inject(injection: Injection): void {
    this.injections.push({ ...injection, left: injection.times ?? 1 });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (
      req.method === 'GET' &&
      (url.pathname.startsWith('/attachments/') || url.pathname.startsWith('/ephemeral-attachments/'))
    ) {
      this.serveCdn(url, res);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = lowerHeaders(req);
    const at = this.ctx.clock.now();
    const raw = await readBody(req);
    const decoded = safeDecode(url.pathname);
    const path = decoded.startsWith(API_PREFIX) ? decoded.slice(API_PREFIX.length) || '/' : decoded;
    const query = Object.fromEntries(url.searchParams.entries());
    let json: unknown;
    let files: RecordedFile[] = [];
    let route = '(unmatched)';
    let params: Record<string, string> = {};
    let status = 500;
    let body: unknown;
    let outHeaders: Record<string, string> = {};
    try {
      ({ json, files } = await parseRequestBody(headers['content-type'] ?? '', raw));
      if (!url.pathname.startsWith(API_PREFIX)) throw new FakeHttpError(404, { message: '404: Not Found', code: 0 });
      const match = this.router.match(method, path);
      if (!match) {
        throw this.router.pathExists(path)
          ? new FakeHttpError(405, { message: '405: Method Not Allowed', code: 0 })
          : new FakeHttpError(404, { message: '404: Not Found', code: 0 });
      }
      route = match.def.pattern;
      params = match.params;
      const token = /^Bot (.+)$/.exec(headers.authorization ?? '')?.[1];
      if (match.def.auth === 'bot' && token !== this.ctx.settings.token) throw unauthorized();
      outHeaders = this.ctx.limiter.check({
        method,
        route,
        // Interaction callbacks have a bucket per interaction (they bypass discord.js's queues, §5.5).
        major: path.startsWith('/interactions/') ? (params.interaction_id ?? 'global') : majorParameter(path),
        editKey: match.def.editKey ? match.def.editKey(params) : null,
        interactionRoute: match.def.auth === 'none',
        globalKey: token ?? null,
      });
      const injected = this.takeInjection(method, path);
      if (injected)
        throw new FakeHttpError(injected.status, (injected.body ?? {}) as Record<string, unknown>, injected.headers);
      const ctx: RouteContext = { method, path, route, params, query, headers, json, files };
      const result = await match.def.handler(ctx);
      status = result.status;
      body = result.body;
      outHeaders = { ...outHeaders, ...result.headers };
    } catch (error) {
      if (error instanceof FakeHttpError) {
        status = error.status;
        body = error.body;
        outHeaders = { ...outHeaders, ...error.headers };
      } else {
        this.ctx.log.error('fake discord route failed', { path, error: String(error) });
        status = 500;
        body = { message: '500: Internal Server Error', code: 0 };
      }
    }
    const errorCode =
      status >= 400 && body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number'
        ? (body as { code: number }).code
        : undefined;
    const responseHeaders = send(res, status, body, outHeaders);
    this.ctx.recorder.record({
      at,
      method,
      path,
      route,
      params,
      query,
      headers,
      json,
      files,
      status,
      response: body,
      responseHeaders,
      errorCode,
    });
  }

  private takeInjection(method: string, path: string): Injection | undefined {
    const found = this.injections.find(
      (i) =>
        i.left > 0 &&
        (!i.method || i.method.toUpperCase() === method) &&
        (i.path === undefined || (typeof i.path === 'string' ? path.includes(i.path) : i.path.test(path))),
    );
    if (found) found.left -= 1;
    return found;
  }

  private serveCdn(url: URL, res: ServerResponse): void {
    this.cdnHits += 1;
    const file = this.ctx.state.cdn.get(url.pathname);
    // §2.2: signed URLs stop working after `ex`.
    if (!file || this.ctx.clock.now() > file.expiresAt) {
      send(res, 404, 'This content is no longer available.', { 'Content-Type': 'text/plain' });
      return;
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': String(file.bytes.length) });
    res.end(file.bytes);
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseRequestBody(contentType: string, raw: Buffer): Promise<{ json: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { json: undefined, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw new FakeHttpError(400, { message: 'Invalid Form Body', code: 50035 });
    }
    const files: RecordedFile[] = [];
    let json: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') json = parseJson(value);
        continue;
      }
      const bytes = Buffer.from(await value.arrayBuffer());
      files.push({
        field,
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes,
        size: bytes.length,
      });
    }
    return { json, files };
  }
  return { json: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FakeHttpError(400, { message: 'The request body contains invalid JSON.', code: 50109 });
  }
}

/** Write the answer; returns the headers sent. */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): Record<string, string> {
  let all = headers;
  let payload: string | undefined;
  if (status !== 204 && body !== undefined) {
    const text = typeof body === 'string';
    all = { 'Content-Type': text ? 'text/plain' : 'application/json', ...headers };
    payload = text ? body : JSON.stringify(body);
  }
  res.writeHead(status, all);
  res.end(payload);
  return all;
}
