/**
 * A model download host for tests, on loopback: an origin (like huggingface.co) and a CDN on another port (like
 * Hugging Face's storage behind its 302s). Files are generated (deterministic bytes of any size, never stored).
 * It answers as real hosts do: ranges (206 / 416), ETag and Last-Modified with If-Range, Content-Disposition,
 * 401 for a gated file without the right Bearer token, a signed CDN address that refuses a second credential
 * (S3 answers 400 to an Authorization header on a presigned URL), and on demand: a connection cut in the middle,
 * bytes that do not match the published hash, a pause at a byte until released, slow sending, or no answer.
 *
 *   const host = await startModelHost();
 *   const f = host.add({ path: '/org/repo/resolve/main/m.safetensors', size: 4 << 20, viaCdn: true, token: 'hf_x' });
 *   host.cutNext(f.path, 1 << 20);   // the next answer for it breaks after 1 MiB
 *   ... download f.url ...
 *   host.requests / host.bytesServed(f.path)
 *   await host.close();
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Content, seedOf } from './content';
import { sendFile, type Representation, type SendControl } from './serve';

export interface HostedFileOptions {
  /** Path on the origin, e.g. `/org/repo/resolve/main/model.safetensors`. */
  path: string;
  size: number;
  /** Bytes come from this seed (default: from the path). */
  seed?: number;
  /** A gated file: needs `Authorization: Bearer <token>` at the origin (401 without, or with another). */
  token?: string;
  /** The origin answers 302 to a signed address on the CDN, which serves the bytes (Hugging Face's way). */
  viaCdn?: boolean;
  /** Content-Disposition sent with the bytes. */
  disposition?: string;
  /** Serve this byte flipped: the bytes no longer match the published hash. */
  corruptAt?: number;
  /** Send an ETag (default true) and a Last-Modified (default true). */
  etag?: boolean;
  lastModified?: boolean;
  /** Default application/octet-stream. */
  contentType?: string;
  /** Always answer this status with a short body instead of the file (404, 500, …). */
  status?: number;
  /** The CDN answers this status instead of the bytes (an expired or refused signed address). */
  cdnStatus?: number;
  /** Accept the request and never answer. */
  silent?: boolean;
}

export interface HostedFile {
  path: string;
  /** The download link at the origin. */
  url: string;
  size: number;
  /** SHA-256 of the right bytes (what the host publishes). */
  sha256: string;
  /** The whole right bytes (small files only). */
  bytes(): Buffer;
}

export interface RequestRecord {
  server: 'origin' | 'cdn';
  method: string;
  /** Path without the query. */
  path: string;
  range: string | null;
  ifRange: string | null;
  authorization: string | null;
  status: number;
  /** Body bytes handed to the socket. */
  bytes: number;
}

export interface ModelHost {
  /** `http://127.0.0.1:PORT` of the origin and of the CDN. */
  readonly origin: string;
  readonly cdnOrigin: string;
  /** `127.0.0.1:PORT` (what a downloader matches a service by). */
  readonly host: string;
  readonly cdnHost: string;
  add(options: HostedFileOptions): HostedFile;
  /** Serve other bytes under the same path from now on (a new ETag): If-Range no longer matches. */
  change(path: string, seed: number): void;
  /** JSON at a path of the origin (e.g. CivitAI's `/api/v1/models/<id>`). */
  addJson(path: string, value: unknown, status?: number): void;
  /** The next answer with this file's bytes breaks after `afterBytes` body bytes. */
  cutNext(path: string, afterBytes: number): void;
  /** The next answer with this file's bytes pauses after `atByte` body bytes until `release(path)`. */
  holdNext(path: string, atByte: number): void;
  /** Resolves when an answer for this file is paused at its hold point. */
  waitForHeld(path: string): Promise<void>;
  release(path: string): void;
  /** Send this file slowly from now on (null: full speed). */
  setPace(path: string, pace: { chunkBytes: number; intervalMs: number } | null): void;
  readonly requests: RequestRecord[];
  /** Body bytes of this file handed out so far (origin and CDN). */
  bytesServed(path: string): number;
  close(): Promise<void>;
}

interface Hosted {
  options: HostedFileOptions;
  content: Content;
  id: string;
  cut: number | null;
  hold: number | null;
  pace: { chunkBytes: number; intervalMs: number } | null;
  held: Array<() => void>;
  heldNow: boolean;
  releaseHold: (() => void) | null;
}

interface Listening {
  server: Server;
  sockets: Set<Socket>;
  port: number;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return { server, sockets, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

const LAST_MODIFIED = 'Tue, 15 Jul 2025 10:00:00 GMT';

export async function startModelHost(): Promise<ModelHost> {
  const files = new Map<string, Hosted>();
  const byId = new Map<string, Hosted>();
  const json = new Map<string, { value: unknown; status: number }>();
  const requests: RequestRecord[] = [];
  const served = new Map<string, number>();
  const secret = randomBytes(16);
  const sign = (id: string, expires: string) => createHmac('sha256', secret).update(`${id}:${expires}`).digest('hex');

  const record = (r: Omit<RequestRecord, 'status' | 'bytes'>, status: number, bytes = 0): void => {
    requests.push({ ...r, status, bytes });
  };
  const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };
  const representation = (f: Hosted): Representation => ({
    content: f.content,
    etag: f.options.etag === false ? null : `"${f.content.seed.toString(16)}-${f.content.size}"`,
    lastModified: f.options.lastModified === false ? null : LAST_MODIFIED,
    disposition: f.options.disposition ?? null,
    contentType: f.options.contentType ?? 'application/octet-stream',
  });

  const serveBytes = async (
    f: Hosted,
    req: IncomingMessage,
    res: ServerResponse,
    base: Omit<RequestRecord, 'status' | 'bytes'>,
  ) => {
    const control: SendControl = {};
    if (f.cut !== null) control.cutAfter = f.cut;
    if (f.hold !== null) {
      control.holdAt = f.hold;
      control.onHeld = () =>
        new Promise<void>((resolve) => {
          f.heldNow = true;
          f.releaseHold = () => {
            f.heldNow = false;
            f.releaseHold = null;
            resolve();
          };
          for (const wake of f.held.splice(0)) wake();
        });
    }
    if (f.pace) control.pace = f.pace;
    f.cut = null;
    f.hold = null;
    const result = await sendFile(req, res, representation(f), control);
    served.set(f.options.path, (served.get(f.options.path) ?? 0) + result.bytes);
    record(base, result.status, result.bytes);
  };

  const origin = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : null;
    const base = {
      server: 'origin' as const,
      method: req.method ?? 'GET',
      path: url.pathname,
      range: typeof req.headers.range === 'string' ? req.headers.range : null,
      ifRange: typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : null,
      authorization,
    };
    const doc = json.get(url.pathname);
    if (doc) {
      const body = JSON.stringify(doc.value);
      res.writeHead(doc.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return record(base, doc.status);
    }
    const f = files.get(url.pathname);
    if (!f || req.method !== 'GET') {
      text(res, 404, 'Entry not found', { 'x-error-code': 'EntryNotFound' });
      return record(base, 404);
    }
    if (f.options.silent) return record(base, 0);
    if (f.options.token !== undefined && authorization !== `Bearer ${f.options.token}`) {
      const repo = url.pathname.split('/').slice(1, 3).join('/');
      text(
        res,
        401,
        `Access to model ${repo} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
        { 'x-error-code': 'GatedRepo' },
      );
      return record(base, 401);
    }
    if (f.options.status !== undefined) {
      text(res, f.options.status, `status ${f.options.status}`);
      return record(base, f.options.status);
    }
    if (f.options.viaCdn) {
      const expires = String(Date.now() + 3_600_000);
      const location = `http://127.0.0.1:${cdn.port}/blobs/${f.id}?expires=${expires}&sig=${sign(f.id, expires)}`;
      res.writeHead(302, { location, 'x-linked-size': f.content.size, 'content-length': 0 });
      res.end();
      return record(base, 302);
    }
    void serveBytes(f, req, res, base);
  });

  const cdn = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn.invalid');
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : null;
    const base = {
      server: 'cdn' as const,
      method: req.method ?? 'GET',
      path: url.pathname,
      range: typeof req.headers.range === 'string' ? req.headers.range : null,
      ifRange: typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : null,
      authorization,
    };
    const id = /^\/blobs\/([0-9a-f]+)$/.exec(url.pathname)?.[1];
    const f = id ? byId.get(id) : undefined;
    const expires = url.searchParams.get('expires') ?? '';
    if (!f || url.searchParams.get('sig') !== sign(f.id, expires)) {
      text(res, 403, 'AccessDenied: signature does not match');
      return record(base, 403);
    }
    if (authorization !== null) {
      text(res, 400, 'InvalidArgument: Only one auth mechanism allowed');
      return record(base, 400);
    }
    if (f.options.cdnStatus !== undefined) {
      text(res, f.options.cdnStatus, `AccessDenied (${f.options.cdnStatus})`);
      return record(base, f.options.cdnStatus);
    }
    void serveBytes(f, req, res, base);
  });

  const hosted = (path: string): Hosted => {
    const f = files.get(path);
    if (!f) throw new Error(`no hosted file ${path}`);
    return f;
  };

  return {
    origin: `http://127.0.0.1:${origin.port}`,
    cdnOrigin: `http://127.0.0.1:${cdn.port}`,
    host: `127.0.0.1:${origin.port}`,
    cdnHost: `127.0.0.1:${cdn.port}`,
    requests,
    add(options) {
      const content = new Content(options.seed ?? seedOf(options.path), options.size, options.corruptAt ?? null);
      const id = randomBytes(8).toString('hex');
      const f: Hosted = {
        options,
        content,
        id,
        cut: null,
        hold: null,
        pace: null,
        held: [],
        heldNow: false,
        releaseHold: null,
      };
      files.set(options.path, f);
      byId.set(id, f);
      return {
        path: options.path,
        url: `http://127.0.0.1:${origin.port}${options.path}`,
        size: options.size,
        sha256: new Content(content.seed, content.size).sha256(),
        bytes: () => new Content(content.seed, content.size).bytes(),
      };
    },
    change(path, seed) {
      const f = hosted(path);
      f.content = new Content(seed, f.content.size, f.content.corruptAt);
    },
    addJson(path, value, status = 200) {
      json.set(path, { value, status });
    },
    cutNext(path, afterBytes) {
      hosted(path).cut = afterBytes;
    },
    holdNext(path, atByte) {
      hosted(path).hold = atByte;
    },
    waitForHeld(path) {
      const f = hosted(path);
      if (f.heldNow) return Promise.resolve();
      return new Promise((resolve) => f.held.push(resolve));
    },
    release(path) {
      hosted(path).releaseHold?.();
    },
    setPace(path, pace) {
      hosted(path).pace = pace;
    },
    bytesServed(path) {
      return served.get(path) ?? 0;
    },
    async close() {
      for (const l of [origin, cdn]) {
        for (const s of l.sockets) s.destroy();
        await new Promise<void>((resolve) => l.server.close(() => resolve()));
      }
    },
  };
}
