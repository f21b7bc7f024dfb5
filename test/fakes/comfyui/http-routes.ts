/**
 * The fake's HTTP router. Every plain route answers at `/x` and at `/api/x`; `/internal/*` has no alias
 * (comfyui-api.md section 0, "/api prefix").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeContext } from './context';
import { isRecord, parseJson, readBody, sendEmpty, sendJson, sendServerError, sendText } from './http-util';
import { getView, postUploadImage } from './routes-files';
import {
  getHistory,
  getHistoryItem,
  getPromptInfo,
  getQueue,
  postFree,
  postHistory,
  postInterrupt,
  postPrompt,
  postQueue,
} from './routes-queue';

/**
 * The security middleware: with both Host and Origin (and a loopback Host), a different origin host:port
 * gets 403. Ports are compared only when both carry one.
 */
function originRejected(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return true;
  }
  const [hostName, hostPort] = host.split(':');
  const loopback = hostName === '127.0.0.1' || hostName === 'localhost' || hostName === '[::1]';
  if (!loopback) return false;
  if (
    o.hostname !== hostName &&
    !(o.hostname === 'localhost' && hostName === '127.0.0.1') &&
    !(o.hostname === '127.0.0.1' && hostName === 'localhost')
  ) {
    return true;
  }
  return Boolean(o.port && hostPort && o.port !== hostPort);
}

export function isOriginRejected(req: IncomingMessage): boolean {
  return originRejected(req);
}

type Handler = (ctx: FakeContext, req: IncomingMessage, res: ServerResponse, m: RouteMatch) => Promise<void> | void;
interface RouteMatch {
  query: URLSearchParams;
  params: string[];
  body: Buffer;
}
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Whether the route reads a JSON body (invalid JSON -> 500, as aiohttp's unhandled error). */
  json?: boolean;
  internal?: boolean;
}

const json = (handler: (ctx: FakeContext, res: ServerResponse, body: unknown) => void): Handler => {
  return (ctx, _req, res, m) => {
    const parsed = parseJson(m.body);
    if (!parsed.ok) return sendServerError(res);
    handler(ctx, res, parsed.value);
  };
};

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/prompt$/, handler: (ctx, _q, res) => getPromptInfo(ctx, res) },
  { method: 'POST', pattern: /^\/prompt$/, handler: json(postPrompt) },
  { method: 'GET', pattern: /^\/queue$/, handler: (ctx, _q, res) => getQueue(ctx, res) },
  { method: 'POST', pattern: /^\/queue$/, handler: json(postQueue) },
  { method: 'GET', pattern: /^\/history$/, handler: (ctx, _q, res, m) => getHistory(ctx, res, m.query) },
  {
    method: 'GET',
    pattern: /^\/history\/([^/]+)$/,
    handler: (ctx, _q, res, m) => getHistoryItem(ctx, res, m.params[0]!),
  },
  { method: 'POST', pattern: /^\/history$/, handler: json(postHistory) },
  {
    method: 'POST',
    pattern: /^\/interrupt$/,
    // The one JSON route that tolerates an empty or invalid body.
    handler: (ctx, _q, res, m) => {
      const parsed = parseJson(m.body);
      postInterrupt(ctx, res, parsed.ok ? parsed.value : null);
    },
  },
  { method: 'POST', pattern: /^\/free$/, handler: json(postFree) },
  { method: 'GET', pattern: /^\/view$/, handler: (ctx, _q, res, m) => getView(ctx, res, m.query) },
  {
    method: 'POST',
    pattern: /^\/upload\/image$/,
    handler: (ctx, req, res, m) => postUploadImage(ctx, res, m.body, req.headers['content-type'] ?? ''),
  },
  { method: 'GET', pattern: /^\/object_info$/, handler: (ctx, _q, res) => sendJson(res, 200, ctx.objectInfo()) },
  {
    method: 'GET',
    pattern: /^\/object_info\/([^/]+)$/,
    handler: (ctx, _q, res, m) => {
      const cls = m.params[0]!;
      const info = ctx.objectInfo()[cls];
      sendJson(res, 200, info ? { [cls]: info } : {});
    },
  },
  { method: 'GET', pattern: /^\/models$/, handler: (ctx, _q, res) => sendJson(res, 200, ctx.modelFolders()) },
  {
    method: 'GET',
    pattern: /^\/models\/([^/]+)$/,
    handler: (ctx, _q, res, m) => {
      const files = ctx.modelFiles(m.params[0]!);
      if (files === null) return sendText(res, 404, '404: Not Found');
      sendJson(res, 200, files);
    },
  },
  {
    // Internal: no /api alias (section 0). The recording's shape: `{folder: [dirs…]}`.
    method: 'GET',
    pattern: /^\/internal\/folder_paths$/,
    internal: true,
    handler: (ctx, _q, res) => sendJson(res, 200, ctx.models.folderPaths()),
  },
  {
    method: 'GET',
    pattern: /^\/experiment\/models$/,
    handler: (ctx, _q, res) => sendJson(res, 200, ctx.models.experimentModels()),
  },
  {
    method: 'GET',
    pattern: /^\/experiment\/models\/([^/]+)$/,
    handler: (ctx, _q, res, m) => {
      const files = ctx.models.fileInfo(m.params[0]!);
      if (files === null) return sendEmpty(res, 404);
      sendJson(res, 200, files);
    },
  },
  {
    method: 'GET',
    pattern: /^\/embeddings$/,
    handler: (ctx, _q, res) =>
      sendJson(
        res,
        200,
        (ctx.modelFiles('embeddings') ?? []).map((f) => f.replace(/\.[^.]+$/, '')),
      ),
  },
  { method: 'GET', pattern: /^\/extensions$/, handler: (_c, _q, res) => sendJson(res, 200, []) },
  { method: 'GET', pattern: /^\/system_stats$/, handler: (ctx, _q, res) => sendJson(res, 200, ctx.systemStats()) },
  {
    method: 'GET',
    pattern: /^\/features$/,
    handler: (ctx, _q, res) =>
      sendJson(res, 200, { supports_preview_metadata: true, max_upload_size: ctx.script.maxUploadSize }),
  },
  {
    method: 'PATCH',
    pattern: /^\/internal\/logs\/subscribe$/,
    internal: true,
    handler: json((ctx, res, body) => {
      if (!isRecord(body) || typeof body['clientId'] !== 'string') return sendServerError(res);
      ctx.hub.setLogSubscription(body['clientId'], body['enabled'] === true);
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
    }),
  },
];

function match(method: string, pathname: string): { route: Route; params: string[] } | 'method' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const candidates = route.internal
      ? [pathname]
      : [pathname, pathname.startsWith('/api/') ? pathname.slice(4) : null];
    for (const p of candidates) {
      if (p === null) continue;
      const m = route.pattern.exec(p);
      if (!m) continue;
      if (route.internal && pathname.startsWith('/api/')) continue;
      pathMatched = true;
      if (route.method === method) return { route, params: m.slice(1).map((s) => decodeURIComponent(s)) };
    }
  }
  return pathMatched ? 'method' : null;
}

/** Handle one request. `maxBody()` is read per request so scripts can change it between requests. */
export async function handleRequest(ctx: FakeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (originRejected(req)) return sendText(res, 403, '403: Forbidden');
  const found = match(req.method ?? 'GET', url.pathname);
  const limit = ctx.script.maxUploadSize;
  const body = await readBody(req, limit);
  if (!body.ok) {
    // aiohttp's HTTPRequestEntityTooLarge: the limit covers every request body (section 0).
    return sendText(res, 413, `Maximum request body size ${limit} exceeded, actual body size ${body.size}`);
  }
  if (found === null) return sendText(res, 404, '404: Not Found');
  if (found === 'method') return sendText(res, 405, '405: Method Not Allowed');
  await found.route.handler(ctx, req, res, { query: url.searchParams, params: found.params, body: body.body });
}
