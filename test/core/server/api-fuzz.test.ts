/**
 * The API over the headless server's WebSocket, fed hostile input: every method of the contract gets wrong
 * types, huge strings, odd numbers, nested junk, prototype-pollution keys, missing and extra fields; the socket
 * gets malformed frames. Every call must be answered with a readable error (never `internal` for bad input),
 * the server must keep serving, nothing may be lost, and the process must see no uncaught error.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiErrorCodeSchema } from '@shared/api';
import { tempDirs } from '@test/helpers/temp-dir';
import { RawClient, serveCore, watchProcess, type Answer, type Served } from './harness';
import { hostileCases, methodNames, semanticCases } from './hostile-inputs';

const dirs = tempDirs();
const watch = watchProcess();
let served: Served;
let client: RawClient;

beforeAll(async () => {
  served = await serveCore(dirs.make());
  client = await RawClient.open(served.wsUrl);
});

afterAll(async () => {
  client?.close();
  await served?.close();
  dirs.cleanup();
  watch.detach();
  expect(watch.crashes).toEqual([]);
});

/** What is wrong with an answer to bad input ('' when it is fine). */
function problemWith(answer: Answer): string {
  if (answer.type !== 'result') return `answered with a ${answer.type} frame`;
  if (answer.ok) return '';
  const e = answer.error;
  if (!e || !ApiErrorCodeSchema.safeParse(e.code).success)
    return `error without a known code: ${JSON.stringify(e).slice(0, 200)}`;
  if (e.code === 'internal') return `internal: ${e.message.slice(0, 300)}`;
  if (typeof e.message !== 'string' || e.message.trim().length < 5)
    return `unreadable message: ${JSON.stringify(e.message)}`;
  if (/\n\s+at\s/.test(e.message) || e.message.includes('[object Object]'))
    return `message leaks internals: ${e.message.slice(0, 300)}`;
  if (e.message.length > 4000)
    return `message of ${e.message.length} characters (echoes the input?): ${e.message.slice(0, 120)}…`;
  return '';
}

async function snapshot() {
  const [settings, backends, workflows, bot, app] = await Promise.all(
    ['settings.get', 'backends.list', 'workflows.list', 'bot.status', 'app.info'].map((m) => client.call(m)),
  );
  return {
    settings: settings!.output,
    backends: backends!.output,
    workflows: (workflows!.output as { manifest: { id: string } }[]).map((w) => w.manifest.id).sort(),
    hasToken: (bot!.output as { hasToken: boolean }).hasToken,
    app: app!.ok,
  };
}

describe('API fuzz over the headless WebSocket', () => {
  it('answers every hostile input to every method with a readable, non-internal error and loses nothing', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    let calls = 0;
    for (const method of methodNames) {
      for (const [label, json] of hostileCases(method)) {
        const answer = await client.callRaw(method, json);
        calls++;
        const problem = problemWith(answer);
        if (problem) problems.push(`${method} [${label}]: ${problem}`);
      }
    }
    for (const [method, label, input] of semanticCases) {
      const answer = await client.call(method, input);
      calls++;
      const problem = problemWith(answer);
      if (problem) problems.push(`${method} [${label}]: ${problem}`);
    }
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(methodNames.length * 15);
    // Nothing reached Object.prototype, and the state the calls must not touch is as it was.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'steps')).toBe(false);
    expect(await snapshot()).toEqual(before);
    expect(watch.crashes).toEqual([]);
  });

  it('keeps the other settings of a group when a patch names one field or carries prototype keys', async () => {
    await client.call('settings.set', { queue: { paused: true, globalLimit: 50 }, defaults: { delivery: 'dm' } });
    expect((await client.call('settings.set', { queue: { perUserLimit: 5 } })).ok).toBe(true);
    const answer = await client.callRaw(
      'settings.set',
      '{"models":{"__proto__":"evil.safetensors","constructor":"x"},"queue":{"__proto__":{"paused":false}}}',
    );
    expect(problemWith(answer)).toBe('');
    const after = (await client.call('settings.get')).output as {
      queue: Record<string, unknown>;
      defaults: Record<string, unknown>;
    };
    expect(after.queue).toMatchObject({ paused: true, globalLimit: 50, perUserLimit: 5 });
    expect(after.defaults).toMatchObject({ delivery: 'dm', workflow: 'sdxl-txt2img' });
    expect(({} as Record<string, unknown>).paused).toBeUndefined();
    await client.call('settings.set', {
      queue: { paused: false, globalLimit: 100, perUserLimit: 3 },
      defaults: { delivery: 'channel' },
    });
  });
});

describe('malformed frames', () => {
  it('answers each malformed frame with an error frame and keeps the connection', async () => {
    const frames: [string, string | Buffer][] = [
      ['not json', 'not json'],
      ['truncated json', '{"type":"call","id":1,'],
      ['json null', 'null'],
      ['json number', '123'],
      ['json string', '"call"'],
      ['json array', '[{"type":"call","id":1,"method":"app.info"}]'],
      ['unknown type', '{"type":"subscribe","id":1}'],
      ['no type', '{"id":1,"method":"app.info"}'],
      ['negative id', '{"type":"call","id":-1,"method":"app.info"}'],
      ['float id', '{"type":"call","id":1.5,"method":"app.info"}'],
      ['huge id', '{"type":"call","id":1e300,"method":"app.info"}'],
      ['string id', '{"type":"call","id":"1","method":"app.info"}'],
      ['empty method', '{"type":"call","id":1,"method":""}'],
      ['method not a string', '{"type":"call","id":1,"method":{"name":"app.info"}}'],
      ['__proto__ frame', '{"__proto__":{"type":"call"},"id":1,"method":"app.info"}'],
      ['binary frame', Buffer.from([0, 1, 2, 3, 255])],
      ['binary json', Buffer.from('{"type":"call","id":1,"method":"app.info"}')],
      ['invalid utf-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1')],
      ['7 MiB of junk', `"${'z'.repeat(7 * 1024 * 1024)}`],
    ];
    for (const [label, frame] of frames) {
      if (typeof frame === 'string') client.sendText(frame);
      else client.socket.send(frame, { binary: true });
      const answer = await client.nextError();
      expect(answer.error?.code, label).toBe('bad_request');
      expect(answer.error?.message.length, label).toBeGreaterThan(5);
    }
    expect((await client.call('app.info')).ok).toBe(true);
  });

  it('answers unknown and prototype method names as bad requests', async () => {
    for (const method of [
      'nope',
      'app',
      'app.info.x',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'x'.repeat(100_000),
    ]) {
      const answer = await client.call(method, {});
      expect(answer, method.slice(0, 20)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(answer.error!.message.length, method.slice(0, 20)).toBeLessThan(1000);
    }
  });

  it('answers both calls when a client reuses an id', async () => {
    const id = client.id();
    const first = client.result(id);
    const second = client.result(id);
    client.sendText(`{"type":"call","id":${id},"method":"app.info"}`);
    client.sendText(`{"type":"call","id":${id},"method":"jobs.get","input":{"id":"nope"}}`);
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.ok).sort()).toEqual([false, true]);
  });

  it('survives a client that leaves with calls in flight, and many calls at once', async () => {
    const leaving = await RawClient.open(served.wsUrl);
    for (let i = 0; i < 50; i++) leaving.sendText(`{"type":"call","id":${i},"method":"jobs.queue"}`);
    leaving.socket.terminate();
    const burst = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.call(i % 2 ? 'health.summary' : 'jobs.get', i % 2 ? undefined : { id: `x${i}` }),
      ),
    );
    expect(burst.every((a) => a.type === 'result')).toBe(true);
  });

  it('closes a connection that sends a frame over the size limit, and serves the next one', async () => {
    const big = await RawClient.open(served.wsUrl);
    big.sendText(`{"type":"call","id":1,"method":"app.info","input":"${'q'.repeat(9 * 1024 * 1024)}"}`);
    const closed = await big.whenClosed();
    expect(closed.code).toBe(1009);
    const fresh = await RawClient.open(served.wsUrl);
    expect((await fresh.call('app.info')).ok).toBe(true);
    fresh.close();
  });
});

describe('hostile upgrades and requests', () => {
  /** A raw HTTP request on a fresh socket; resolves with the status line (or '' when the socket just closed). */
  async function raw(request: string): Promise<string> {
    const socket = connect(served.server.port, '127.0.0.1');
    await once(socket, 'connect');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.write(request);
    await once(socket, 'close');
    return text.split('\r\n')[0] ?? '';
  }

  const upgrade = (path: string, extra = '') =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${served.server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

  it('refuses WebSocket upgrades with odd origins, cookies and paths without crashing', async () => {
    const token = served.token;
    const cases: [string, string, RegExp][] = [
      ['origin "null"', upgrade(`/api/ws?token=${token}`, 'Origin: null\r\n'), /403/],
      ['origin garbage', upgrade(`/api/ws?token=${token}`, 'Origin: ::::\r\n'), /403/],
      ['bad percent cookie', upgrade('/api/ws', 'Cookie: comfydesk_token=%E0%A4%A\r\n'), /401/],
      ['bad url', upgrade('//[::1'), /400/],
      ['wrong path', upgrade(`/api/other?token=${token}`), /404/],
      ['bad percent query', upgrade('/api/ws?token=%'), /401/],
    ];
    for (const [label, request, status] of cases) {
      expect(await raw(request), label).toMatch(status);
    }
    expect(watch.crashes).toEqual([]);
    const ws = new WebSocket(served.wsUrl);
    await once(ws, 'open');
    ws.close();
  });

  it('answers HTTP requests with odd cookies and URLs with a 4xx, never a crash', async () => {
    const base = served.server.url;
    expect((await fetch(`${base}/api/ping`, { headers: { cookie: 'comfydesk_token=%E0%A4%A' } })).status).toBe(401);
    expect((await fetch(`${base}/api/ping?token=%`)).status).toBe(401);
    expect((await fetch(`${base}/media/file/1e9?token=${served.token}`)).status).toBe(404);
    expect((await fetch(`${base}/media/file/${'9'.repeat(400)}?token=${served.token}`)).status).toBe(404);
    expect(await raw(`GET //[::1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/HTTP\/1\.1 4\d\d/);
    expect((await fetch(`${base}/api/ping?token=${served.token}`)).status).toBe(200);
  });
});
