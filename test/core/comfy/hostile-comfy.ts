/**
 * A malicious or broken "ComfyUI": a raw HTTP + WebSocket server whose every answer is decided by the test
 * (garbage JSON, wrong shapes, 500s, bodies that never end, endless streams) and whose WebSocket sends
 * whatever frames the test pushes (garbage text, wrong message shapes, unknown or truncated binary frames).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export type HttpBehaviour = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileComfy {
  url: string;
  /** How every HTTP request is answered (changeable at any time). */
  http: HttpBehaviour;
  /** Whether WebSocket upgrades are accepted (false: answered with a 500). */
  acceptSocket: boolean;
  /** When set, accepted WebSockets are relayed to this ComfyUI's /ws (same query) in both directions. */
  relaySocketTo: string | null;
  /** Requests seen, as "GET /api/queue". */
  readonly requests: string[];
  /** Resolves at the next request whose "METHOD path" matches. */
  nextRequest(match: RegExp): Promise<string>;
  /** Resolves with the next accepted WebSocket. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startHostileComfy(): Promise<HostileComfy> {
  const sockets = new Set<Socket>();
  const requestWaiters: { match: RegExp; resolve: (r: string) => void }[] = [];
  const socketWaiters: ((ws: WebSocket) => void)[] = [];
  const openSockets: WebSocket[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    hostile.requests.push(line);
    for (const w of requestWaiters.filter((x) => x.match.test(line))) {
      requestWaiters.splice(requestWaiters.indexOf(w), 1);
      w.resolve(line);
    }
    res.on('error', () => {});
    hostile.http(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  server.on('upgrade', (req, socket, head) => {
    if (!hostile.acceptSocket) {
      socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      if (hostile.relaySocketTo) relay(ws, `${hostile.relaySocketTo.replace(/^http/, 'ws')}${req.url ?? '/ws'}`);
      openSockets.push(ws);
      const w = socketWaiters.shift();
      if (w) w(ws);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const hostile: HostileComfy = {
    url: `http://127.0.0.1:${port}`,
    http: (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Internal Server Error</body></html>');
    },
    acceptSocket: false,
    relaySocketTo: null,
    requests: [],
    nextRequest: (match) => new Promise((resolve) => requestWaiters.push({ match, resolve })),
    nextSocket: () => {
      const open = openSockets.find((ws) => ws.readyState === ws.OPEN && !claimed.has(ws));
      if (open) {
        claimed.add(open);
        return Promise.resolve(open);
      }
      return new Promise((resolve) =>
        socketWaiters.push((ws) => {
          claimed.add(ws);
          resolve(ws);
        }),
      );
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const claimed = new WeakSet<WebSocket>();
  return hostile;
}

/** Answer with a status and a body (JSON when not a string; HTML when it starts with '<'). */
export function answer(status: number, body: unknown): HttpBehaviour {
  return (_req, res) => {
    res.writeHead(status, {
      'content-type': typeof body === 'string' && body.startsWith('<') ? 'text/html' : 'application/json',
    });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** Headers, then a few bytes of body, then silence: the body never ends. */
export const stallingBody: HttpBehaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"queue_running": [');
};

/** Headers, then body chunks as fast as the client reads them, forever (until the client hangs up). */
export function endlessBody(chunk = Buffer.alloc(64 * 1024, 0x20)): HttpBehaviour {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":"');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    req.socket.on('close', () => res.destroy());
    pump();
  };
}

/** Pipe one accepted socket to an upstream WebSocket, frames as they are, until either side closes. */
function relay(client: WebSocket, upstreamUrl: string): void {
  const upstream = new WebSocket(upstreamUrl);
  const pending: [WebSocket.RawData, boolean][] = [];
  upstream.on('error', () => client.terminate());
  upstream.on('open', () => {
    for (const [data, binary] of pending.splice(0)) upstream.send(data, { binary });
  });
  upstream.on(
    'message',
    (data, binary) => client.readyState === client.OPEN && client.send(data as Buffer, { binary }),
  );
  client.on('message', (data, binary) =>
    upstream.readyState === upstream.OPEN ? upstream.send(data as Buffer, { binary }) : pending.push([data, binary]),
  );
  upstream.on('close', () => client.terminate());
  client.on('close', () => upstream.terminate());
}

/** Forward a request to a real (fake) ComfyUI and stream its answer back. */
export function proxyTo(upstream: string): HttpBehaviour {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(body ? { body } : {}),
      })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  };
}
