/**
 * The headless HTTP server: serves the built renderer and the API WebSocket at /api/ws, loopback by default,
 * every request checked against the access token.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { WebSocketServer } from 'ws';
import type { CoreApi } from '@core/api/dispatch';
import type { EventBus } from '../events';
import type { ResolveMedia } from '@core/library/library';
import type { Logger } from '../log';
import { registerMediaRoutes } from './media';
import { afterSignIn, PUBLIC_PATHS, SIGN_IN_CSP, SIGN_IN_PATH, signInPage, wantsHtml } from './sign-in';
import { TOKEN_COOKIE, parseRequestUrl, tokenFromRequest, tokensMatch } from './token';
import { WsHub } from './ws-hub';

export interface ServerOptions {
  /** The core's API (or the host's, which follows the core across restarts). */
  api: Pick<CoreApi, 'dispatch'>;
  events: EventBus;
  logger: Logger;
  token: string;
  host: string;
  port: number;
  /** The built renderer (out/renderer); when missing, `/` explains how to build it. */
  rendererDir: string | null;
  /** Library media look-up; when given, `/media/file/:id` and `/media/thumb/:id` serve outputs. */
  resolveMedia?: ResolveMedia;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const hub = new WsHub(options.api, options.events, options.logger.child('ws'));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });

  const keepToken = (reply: FastifyReply) =>
    reply.header(
      'Set-Cookie',
      `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
    );
  const signIn = (reply: FastifyReply, error: string | null, next?: unknown) =>
    reply
      .code(401)
      .header('Content-Security-Policy', SIGN_IN_CSP)
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(signInPage(error, next));

  app.addHook('onRequest', async (req, reply) => {
    const path = parseRequestUrl(req.url)?.pathname ?? '';
    // The manifest and its icons are public (a phone asks for them without cookies); the sign-in form checks itself.
    if (PUBLIC_PATHS.test(path) || (path === SIGN_IN_PATH && req.method === 'POST')) return undefined;
    const given = tokenFromRequest(req.headers, req.url);
    if (!tokensMatch(options.token, given)) {
      // A browser gets the sign-in page; scripts and API clients the plain answer.
      if (wantsHtml(req.method, req.headers.accept))
        return signIn(reply, given ? 'That link or token is not this server’s: check it and try again.' : null);
      return reply
        .code(401)
        .type('text/plain; charset=utf-8')
        .send(
          'ComfyDesk: this server needs its access token. Open the address printed when it started (it ends in ?token=...).',
        );
    }
    // First visit with ?token=: keep it in a cookie so the page, its assets and its WebSocket need no query.
    if (parseRequestUrl(req.url)?.searchParams.has('token')) void keepToken(reply);
    return undefined;
  });

  // The sign-in form: a urlencoded body of a few fields, nothing larger.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  app.post(SIGN_IN_PATH, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!tokensMatch(options.token, token)) {
      options.logger.info('sign-in refused', { ip: req.ip });
      return signIn(
        reply,
        token ? 'That is not this server’s token. Paste it again, without spaces.' : 'Paste the access token first.',
        body.next,
      );
    }
    return keepToken(reply).code(303).header('Location', afterSignIn(body.next)).send();
  });

  app.get('/api/ping', async () => ({ ok: true }));
  if (options.resolveMedia) registerMediaRoutes(app, options.resolveMedia);

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('ComfyDesk core is running. The UI is not built yet: run `npm run build`.'),
    );
  }

  // Whatever a raw client sends here (bad URL, `Origin: null`, a broken cookie) is refused, never thrown:
  // an exception in this listener would be uncaught.
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => options.logger.debug('upgrade socket error', { error: err.message }));
    const reject = (code: number, text: string) => {
      socket.write(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = parseRequestUrl(req.url ?? '/');
    if (!url) return reject(400, 'Bad Request');
    if (url.pathname !== '/api/ws') return reject(404, 'Not Found');
    if (!tokensMatch(options.token, tokenFromRequest(req.headers, req.url ?? '/'))) return reject(401, 'Unauthorized');
    // A page from another origin (or an opaque `null` one) must not drive the API with the user's cookie.
    const origin = req.headers.origin;
    if (origin && req.headers.host && originHost(origin) !== req.headers.host) return reject(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws));
  });

  const address = await app.listen({ host: options.host, port: options.port });
  const port = (app.server.address() as { port: number }).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  options.logger.info('server listening', { address });
  return {
    url: `http://${shownHost}:${port}`,
    port,
    host: options.host,
    async close() {
      hub.close();
      wss.close();
      await app.close();
    },
  };
}

/** The host of an Origin header, or null when it is not a URL (`null` from sandboxed frames and file pages). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}
