import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import WebSocket from 'ws';
import { ApiClient } from '@shared/api-client';
import { WsTransport, type WebSocketLike } from '@shared/api-ws-transport';
import type { Core } from '@core/app';
import { nullLogger } from '@core/log';
import { startServer, type RunningServer } from '@core/server/server';
import { loadOrCreateToken } from '@core/server/token';
import { test } from '@test/helpers/fixtures';
import { repoPath } from '@test/helpers/repo';

const it = test.extend<{
  /** A core (never started) on the test's data dir, served on loopback; closed after the test. */
  serve: () => Promise<{ core: Core; server: RunningServer; token: string }>;
  /** An API client over the server's WebSocket; closed after the test. */
  client: (server: RunningServer, token: string) => { api: ApiClient; transport: WsTransport };
}>({
  serve: async ({ makeCore, dataDir, defer }, use) =>
    use(async () => {
      const core = makeCore({ dataDir });
      const { token } = loadOrCreateToken(join(dataDir, 'server-token'));
      const server = await startServer({
        api: core.api,
        events: core.events,
        logger: nullLogger,
        token,
        host: '127.0.0.1',
        port: 0,
        rendererDir: null,
      });
      defer(() => server.close());
      return { core, server, token };
    }),
  client: async ({ defer }, use) =>
    use((server, token) => {
      const transport = new WsTransport({
        url: wsUrl(server, token),
        createSocket: (u) => new WebSocket(u) as unknown as WebSocketLike,
      });
      defer(() => transport.close());
      return { api: new ApiClient(transport), transport };
    }),
});

function wsUrl(server: RunningServer, token?: string): string {
  return `${server.url.replace('http', 'ws')}/api/ws${token ? `?token=${token}` : ''}`;
}

describe('headless server', () => {
  it('answers a contract call over its WebSocket with the token and pushes events', async ({ serve, client }) => {
    const { server, token } = await serve();
    const { api } = client(server, token);
    const info = await api.call('app.info');
    expect(info.name).toBe('ComfyDesk');
    const changed = new Promise<string>((resolve) => api.on('settings.changed', (s) => resolve(s.theme)));
    await api.call('settings.set', { theme: 'light' });
    expect(await changed).toBe('light');
  });

  it('refuses a WebSocket and HTTP requests without the right token', async ({ serve }) => {
    const { server, token } = await serve();
    for (const url of [wsUrl(server), wsUrl(server, 'wrong-token')]) {
      const ws = new WebSocket(url);
      const [err] = (await once(ws, 'error')) as [Error];
      expect(err.message).toMatch(/401/);
    }
    expect((await fetch(`${server.url}/api/ping`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/ping`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const first = await fetch(`${server.url}/?token=${token}`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect((await fetch(`${server.url}/api/ping`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  it('refuses a cross-origin WebSocket even with the cookie', async ({ serve }) => {
    const { server, token } = await serve();
    const ws = new WebSocket(wsUrl(server, token), { headers: { origin: 'http://evil.example' } });
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/403/);
  });

  it('answers malformed frames with a clear error and keeps the connection', async ({ serve }) => {
    const { server, token } = await serve();
    const ws = new WebSocket(wsUrl(server, token));
    const messages: unknown[] = [];
    // Frames are queued as they arrive so none is missed between awaits.
    const inbox: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    ws.on('message', (d) => {
      const m: unknown = JSON.parse(String(d));
      const w = waiting.shift();
      if (w) w(m);
      else inbox.push(m);
    });
    const next = () =>
      inbox.length ? Promise.resolve(inbox.shift()) : new Promise<unknown>((resolve) => waiting.push(resolve));
    await once(ws, 'open');
    messages.push(await next()); // hello
    ws.send('not json');
    messages.push(await next());
    ws.send(JSON.stringify({ type: 'call', id: 'x', method: 'app.info' }));
    messages.push(await next());
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'settings.set', input: { theme: 'neon' } }));
    messages.push(await next());
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'app.info' }));
    messages.push(await next());
    ws.close();
    expect(messages[0]).toMatchObject({ type: 'hello' });
    expect(messages[1]).toMatchObject({
      type: 'error',
      error: { code: 'bad_request', message: 'Frame is not valid JSON.' },
    });
    expect(messages[2]).toMatchObject({
      type: 'error',
      error: { code: 'bad_request', message: expect.stringMatching(/^Malformed call: id/) },
    });
    expect(messages[3]).toMatchObject({
      type: 'result',
      id: 2,
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/theme/) },
    });
    expect(messages[4]).toMatchObject({ type: 'result', id: 3, ok: true });
  });

  it('keeps the same token across restarts of the data dir', ({ tempDir }) => {
    const dir = tempDir();
    const a = loadOrCreateToken(join(dir, 'server-token'));
    const b = loadOrCreateToken(join(dir, 'server-token'));
    expect(a.created).toBe(true);
    expect(b).toEqual({ token: a.token, created: false });
  });
});

describe('npm run serve (headless entry)', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = null;
  });

  it('starts, prints where it listens and the one-time token URL, and serves the API', async ({ dataDir }) => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', repoPath('electron/headless.ts'), '--port', '0', '--data-dir', dataDir],
      {
        env: { ...process.env, COMFYDESK_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /\?token=([\w-]+)/.exec(out);
        const listen = /listening on (http:\/\/[\d.:]+)/.exec(out);
        if (m && listen) resolve(`${listen[1]}|${m[1]}`);
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const [base, token] = url.split('|') as [string, string];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${base}/api/ping`)).status).toBe(401);
    expect((await fetch(`${base}/api/ping?token=${token}`)).status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
    child = null;
  });

  it('exits with a readable message on a bad option', async ({ tempDir }) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', repoPath('electron/headless.ts'), '--port', 'abc', '--data-dir', tempDir()],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = (await once(p, 'exit')) as [number];
    expect(code).toBe(1);
    expect(err).toMatch(/--port must be a whole number/);
  });
});
