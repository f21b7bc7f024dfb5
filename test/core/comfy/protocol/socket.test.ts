import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodePreviewFrame, encodePreviewWithMetadataFrame, encodeTextFrame } from '@core/comfy/protocol/messages';
import { ComfySocket } from '@core/comfy/protocol/socket';
import { FakeClock } from '@test/helpers/fake-clock';

interface Server {
  wss: WebSocketServer;
  port: number;
  received: string[];
  urls: string[];
  sockets: WebSocket[];
  /** For each connection: how many earlier sockets were still open when it arrived. */
  openAtConnect: number[];
}

const servers: WebSocketServer[] = [];
const sockets: ComfySocket[] = [];

async function startServer(port = 0): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  servers.push(wss);
  await once(wss, 'listening');
  const s: Server = {
    wss,
    port: (wss.address() as AddressInfo).port,
    received: [],
    urls: [],
    sockets: [],
    openAtConnect: [],
  };
  wss.on('connection', (ws, req) => {
    s.openAtConnect.push(s.sockets.filter((x) => x.readyState === x.OPEN).length);
    s.sockets.push(ws);
    s.urls.push(req.url ?? '');
    ws.on('message', (d) => s.received.push(d.toString()));
    ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'abc' } }));
  });
  return s;
}

async function closeServer(wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
}

afterEach(async () => {
  for (const s of sockets.splice(0)) await s.stop();
  for (const w of servers.splice(0)) await closeServer(w);
});

function makeSocket(port: number, clock: FakeClock, extra: Partial<ConstructorParameters<typeof ComfySocket>[0]> = {}) {
  const s = new ComfySocket({
    url: `http://127.0.0.1:${port}`,
    clientId: 'abc',
    clock,
    random: () => 0.5,
    heartbeatMs: 0,
    backoffBaseMs: 400,
    backoffMaxMs: 3_000,
    pollAfterFailures: 3,
    pollIntervalMs: 1_000,
    ...extra,
  });
  sockets.push(s);
  return s;
}

describe('ComfySocket', () => {
  it('connects with the clientId, sends feature_flags first and parses text and both preview forms', async () => {
    const server = await startServer();
    const clock = new FakeClock();
    const sock = makeSocket(server.port, clock);
    const opened = new Promise<{ reconnect: boolean }>((r) => sock.once('open', r));
    const firstMsg = new Promise<unknown>((r) => sock.once('message', r));
    sock.start();
    expect(await opened).toEqual({ reconnect: false });
    expect(await firstMsg).toMatchObject({ type: 'status', data: { sid: 'abc' } });
    expect(sock.connected).toBe(true);
    expect(sock.sid).toBe('abc');
    expect(server.urls).toEqual(['/ws?clientId=abc']);
    await new Promise<void>((r) => (server.received.length > 0 ? r() : server.sockets[0]!.once('message', () => r())));
    expect(JSON.parse(server.received[0]!)).toEqual({
      type: 'feature_flags',
      data: { supports_preview_metadata: true },
    });

    const frames: string[] = [];
    const got3 = new Promise<void>((r) =>
      sock.on('binary', (f) => {
        frames.push(f.kind);
        if (frames.length === 3) r();
      }),
    );
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const ws = server.sockets[0]!;
    ws.send(encodePreviewFrame(jpeg));
    ws.send(encodePreviewWithMetadataFrame({ node_id: '3', prompt_id: 'p', image_type: 'image/jpeg' }, jpeg));
    ws.send(encodeTextFrame('3', 'hello'));
    await got3;
    expect(frames).toEqual(['preview', 'preview_with_metadata', 'text']);
  });

  it('reconnects after a drop with jittered backoff, old socket gone first, and emits reconnected', async () => {
    const server = await startServer();
    const clock = new FakeClock();
    const sock = makeSocket(server.port, clock);
    const opened = new Promise((r) => sock.once('open', r));
    sock.start();
    await opened;
    const closed = new Promise((r) => sock.once('close', r));
    server.sockets[0]!.terminate();
    await closed;
    expect(sock.connected).toBe(false);
    // attempt 1: cap = 400 ms, random 0.5 -> 200 ms
    expect(clock.pending()).toEqual([200]);
    const reconnected = new Promise<void>((r) => sock.once('reconnected', r));
    clock.advance(200);
    await reconnected;
    expect(sock.connected).toBe(true);
    expect(server.urls).toEqual(['/ws?clientId=abc', '/ws?clientId=abc']);
    expect(server.openAtConnect).toEqual([0, 0]);
    expect(sock.failedAttempts).toBe(0);
  });

  it('never reconnects sooner than the floor, even when the jitter picks 0', () => {
    const clock = new FakeClock();
    const sock = makeSocket(1, clock, { random: () => 0, backoffMinMs: 100 });
    expect([1, 2, 3, 10].map((n) => sock.backoffDelay(n))).toEqual([100, 100, 100, 100]);
    const top = makeSocket(1, clock, { random: () => 0.999999, backoffMinMs: 100 });
    expect([1, 2, 3, 4, 5, 10].map((n) => top.backoffDelay(n))).toEqual([399, 799, 1599, 2999, 2999, 2999]);
  });

  it('backs off exponentially while down, switches to polling after 3 failures, and back when the server returns', async () => {
    const server = await startServer();
    const port = server.port;
    const clock = new FakeClock();
    const sock = makeSocket(port, clock);
    const modes: string[] = [];
    sock.on('mode', (m) => modes.push(m));
    let polls = 0;
    sock.on('poll', () => polls++);
    const opened = new Promise((r) => sock.once('open', r));
    sock.start();
    await opened;
    servers.splice(servers.indexOf(server.wss), 1);
    const closed = new Promise((r) => sock.once('close', r));
    await closeServer(server.wss);
    await closed;

    const delays: number[] = [clock.pending()[0]!];
    for (let i = 0; i < 4; i++) {
      const failed = new Promise((r) => sock.once('error', r));
      clock.advance(clock.pending().find((d) => d !== 1_000) ?? 0);
      await failed;
      await new Promise((r) => setImmediate(r));
      delays.push(Math.max(...clock.pending().filter((d) => d !== 1_000)));
    }
    // caps 400, 800, 1600, 3000 (max), 3000; full jitter with random 0.5 halves them.
    expect(delays).toEqual([200, 400, 800, 1500, 1500]);
    expect(modes).toEqual(['polling']);
    expect(sock.mode).toBe('polling');
    clock.advance(0);
    const pollsBefore = polls;
    clock.advance(1_000);
    expect(polls).toBeGreaterThan(pollsBefore);

    const back = await startServer(port);
    const reconnected = new Promise<void>((r) => sock.once('reconnected', r));
    clock.advance(1_500);
    await reconnected;
    expect(modes).toEqual(['polling', 'socket']);
    expect(back.urls).toEqual(['/ws?clientId=abc']);
    const p = polls;
    clock.advance(5_000);
    expect(polls).toBe(p);
  });

  it('terminates a connection whose pongs stop (heartbeat) and reconnects', async () => {
    const server = await startServer();
    const clock = new FakeClock();
    const sock = makeSocket(server.port, clock, { heartbeatMs: 1_000 });
    const opened = new Promise((r) => sock.once('open', r));
    sock.start();
    await opened;
    // ws servers answer pings automatically; pretend the pong was lost by pausing the server side socket.
    server.sockets[0]!.pause();
    clock.advance(1_000); // ping sent
    const closed = new Promise((r) => sock.once('close', r));
    clock.advance(1_000); // no pong -> terminate
    await closed;
    expect(sock.connected).toBe(false);
  });

  it('stop() closes for good', async () => {
    const server = await startServer();
    const clock = new FakeClock();
    const sock = makeSocket(server.port, clock);
    const opened = new Promise((r) => sock.once('open', r));
    sock.start();
    await opened;
    const serverSaw = once(server.sockets[0]!, 'close');
    await sock.stop();
    await serverSaw;
    expect(clock.pending()).toEqual([]);
    expect(sock.connected).toBe(false);
  });
});
