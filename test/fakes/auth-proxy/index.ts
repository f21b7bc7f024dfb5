/**
 * A reverse proxy double in front of a ComfyUI (the fake one): like an nginx or Caddy with an access rule, it
 * checks the Authorization header of every HTTP request and WebSocket upgrade (a bearer token, or basic user and
 * password) and answers 401 with `WWW-Authenticate` without it — ComfyUI itself has no auth
 * (docs/reference/comfyui-api.md §0: every route, `/ws` included, is open on the port it listens on), so a
 * remote one is shared behind such a proxy. What passes goes through unchanged, the WebSocket as raw bytes.
 * `cut()` drops every connection and refuses new ones (the network between goes away), `restore()` ends that.
 *
 * With `tls` it is an https reverse proxy (TLS ends there, ComfyUI behind it speaks plain http, as with nginx or Caddy
 * in front of a friend's ComfyUI); `setCertificate` swaps its certificate for new connections (a renewed or a
 * different one). With `prefix` it serves ComfyUI under a path (`https://host/comfy/` → ComfyUI's `/`), as a proxy
 * that shares one host name does. Without a token or user it lets every request through.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface AuthProxyOptions {
  /** The ComfyUI behind it, e.g. http://127.0.0.1:8188. */
  target: string;
  /** Accept `Authorization: Bearer <token>`. */
  token?: string;
  /** Accept `Authorization: Basic base64(user:password)`. */
  basic?: { username: string; password: string };
  /** Serve https/wss with this key and certificate (PEM). */
  tls?: ProxyCertificate;
  /** Serve ComfyUI under this path, e.g. "/comfy" (stripped before it is passed on). */
  prefix?: string;
}

export interface ProxyCertificate {
  key: string | Buffer;
  cert: string | Buffer;
}

export interface AuthProxy {
  readonly url: string;
  /** Requests refused for want of the right credentials (method and path). */
  readonly refused: string[];
  /** Requests and upgrades passed on to ComfyUI (method and path as received). */
  readonly passed: string[];
  /** Present this certificate to new connections. */
  setCertificate(cert: ProxyCertificate): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startAuthProxy(opts: AuthProxyOptions): Promise<AuthProxy> {
  const target = new URL(opts.target);
  const sockets = new Set<Socket>();
  const refused: string[] = [];
  const passed: string[] = [];
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  let down = false;
  /** The path ComfyUI gets, or null outside the prefix. */
  const inner = (url = '/'): string | null => {
    if (!prefix) return url;
    if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) return null;
    const rest = url.slice(prefix.length);
    return rest.startsWith('/') ? rest : `/${rest}`;
  };
  const allowed = (req: IncomingMessage): boolean => {
    if (opts.token === undefined && !opts.basic) return true;
    const auth = req.headers.authorization ?? '';
    if (opts.token !== undefined && auth === `Bearer ${opts.token}`) return true;
    if (opts.basic) {
      const want = Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64');
      if (auth === `Basic ${want}`) return true;
    }
    return false;
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = inner(req.url);
    if (path === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 Not Found');
      return;
    }
    if (!allowed(req)) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="comfyui"', 'content-type': 'text/plain' });
      res.end('401 Authorization Required');
      return;
    }
    passed.push(`${req.method} ${req.url}`);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('bad gateway');
      else res.destroy();
    });
    req.pipe(upstream);
  };
  const server: Server = opts.tls ? createTlsServer({ ...opts.tls }, handle) : createServer(handle);
  server.on('connection', (s: Socket) => {
    if (down) return void s.destroy();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = inner(req.url);
    if (path === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!allowed(req)) {
      refused.push(`UPGRADE ${req.url}`);
      socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="comfyui"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    passed.push(`UPGRADE ${req.url}`);
    const up = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${path} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    const end = () => {
      up.destroy();
      socket.destroy();
    };
    up.on('error', end);
    socket.on('error', end);
    socket.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    refused,
    passed,
    setCertificate(cert) {
      (server as TlsServer).setSecureContext({ ...cert });
    },
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
