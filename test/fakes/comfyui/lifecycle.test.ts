/**
 * Connection life of the fake: dropSockets, crash, restart on the same port, reconnect while a prompt
 * runs, the sid registry quirk of the real server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeComfy, type FakeComfy, type FakeComfyOptions } from './index';
import { call, queue, trivialGraph } from './test-helpers';
import { WsRecorder, data } from './ws-recorder';

let fake: FakeComfy | null = null;
const clients: WsRecorder[] = [];

async function start(opts: FakeComfyOptions = {}): Promise<FakeComfy> {
  fake = await startFakeComfy(opts);
  return fake;
}

async function connect(f: FakeComfy, query: string, featureFlags = false): Promise<WsRecorder> {
  const ws = await WsRecorder.connect(`${f.wsUrl}/ws${query}`, { featureFlags });
  clients.push(ws);
  return ws;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await fake?.close();
  fake = null;
});

describe('dropSockets', () => {
  it('terminates every WebSocket while HTTP keeps answering; clients can connect again', async () => {
    const f = await start();
    const a = await connect(f, '?clientId=a');
    const b = await connect(f, '?clientId=b');
    f.dropSockets();
    await a.waitClosed();
    await b.waitClosed();
    expect((await call(f, 'GET', '/api/prompt')).status).toBe(200);
    await waitUntil(() => f.clientIds().length === 0);
    const again = await connect(f, '?clientId=a');
    expect(again.frames[0]?.type).toBe('status');
    expect(f.clientIds()).toEqual(['a']);
  });
});

describe('crash and restart', () => {
  it('crash() stops answering and loses running + pending; restart() comes back empty on the same port', async () => {
    const f = await start();
    const port = f.port;
    const ws = await connect(f, '?clientId=a');
    f.setScript({ hold: true });
    const a = await queue(f, trivialGraph(1), { client_id: 'a' });
    await f.waitForHeld(a.prompt_id);
    await queue(f, trivialGraph(2), { client_id: 'a' });
    await f.crash();
    expect(f.isUp()).toBe(false);
    await ws.waitClosed();
    await expect(fetch(`${f.url}/api/prompt`)).rejects.toThrow();
    f.setScript({ hold: false });
    await f.restart();
    expect(f.port).toBe(port);
    expect(f.isUp()).toBe(true);
    expect((await call(f, 'GET', '/api/queue')).json).toEqual({ queue_running: [], queue_pending: [] });
    expect((await call(f, 'GET', '/api/history')).json).toEqual({});
    expect(f.history(a.prompt_id)).toBeUndefined();
    const ws2 = await connect(f, '?clientId=a');
    expect(data(ws2.frames[0]!)).toEqual({ status: { exec_info: { queue_remaining: 0 } }, sid: 'a' });
    // The counter starts again at 0; the received prompts are still on record for the test.
    const b = await queue(f, trivialGraph(3), { client_id: 'a' });
    expect(b.number).toBe(0);
    expect(await f.waitForDone(b.prompt_id)).toBe('success');
    expect(f.prompts).toHaveLength(3);
  });

  it('restart() while running behaves as a crash followed by a start', async () => {
    const f = await start();
    f.setScript({ hold: { promptId: 'p1' } });
    await queue(f, trivialGraph(1), { prompt_id: 'p1' });
    await f.waitForHeld('p1');
    await f.restart();
    expect(f.queueState()).toEqual({ running: null, pending: [] });
    const { prompt_id } = await queue(f, trivialGraph(2));
    expect(await f.waitForDone(prompt_id)).toBe('success');
  });
});

describe('WebSocket sessions', () => {
  it('reconnecting while your prompt runs gives status then executing {node} without prompt_id', async () => {
    const f = await start();
    const first = await connect(f, '?clientId=me');
    f.setScript({ hold: true });
    const { prompt_id } = await queue(f, trivialGraph(1), { client_id: 'me' });
    await f.waitForHeld(prompt_id);
    await first.close();
    // The server must have dropped the old socket first (see the registry pitfall below).
    await waitUntil(() => f.clientIds().length === 0);
    const second = await connect(f, '?clientId=me');
    await second.waitFor((f2) => f2.type === 'executing');
    expect(second.frames.slice(0, 2).map((x) => [x.type, data(x)])).toEqual([
      ['status', { status: { exec_info: { queue_remaining: 1 } }, sid: 'me' }],
      ['executing', { node: '1' }],
    ]);
    f.setScript({ hold: false });
    f.release();
    await second.waitForEnd(prompt_id);
  });

  it('a connection without clientId gets a generated hex sid', async () => {
    const f = await start();
    const ws = await connect(f, '');
    const sid = data(ws.frames[0]!)['sid'];
    expect(sid).toMatch(/^[0-9a-f]{32}$/);
    expect(f.clientIds()).toEqual([sid]);
  });

  it('reproduces the registry pitfall: an old socket closing after a new one with the same id unregisters it', async () => {
    const f = await start();
    const old = await connect(f, '?clientId=dup');
    await connect(f, '?clientId=dup');
    await old.close();
    await waitUntil(() => !f.clientIds().includes('dup'));
    expect(f.clientIds()).toEqual([]);
  });

  it('with sidPopQuirk off the newer socket stays registered', async () => {
    const f = await start({ sidPopQuirk: false });
    const old = await connect(f, '?clientId=dup');
    const fresh = await connect(f, '?clientId=dup');
    await old.close();
    const { prompt_id } = await queue(f, trivialGraph(4), { client_id: 'dup' });
    await fresh.waitForEnd(prompt_id);
    expect(f.clientIds()).toEqual(['dup']);
  });

  it('ignores client messages after the first; feature flags cannot be changed later', async () => {
    const f = await start({ script: { previews: true } });
    const ws = await connect(f, '?clientId=late');
    ws.ws.send(JSON.stringify({ type: 'hello', data: {} }));
    ws.ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    const graph = {
      '1': {
        class_type: 'SlowProgressImage',
        inputs: { steps: 1, delay: 0, width: 8, height: 8, seed: 1, fail_at: 0, preview: true },
      },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 's' } },
    };
    const { prompt_id } = await queue(f, graph, { client_id: 'late' });
    await ws.waitForEnd(prompt_id);
    const t = ws.frames.map((x) => x.type);
    expect(t).toContain('binary:PREVIEW_IMAGE');
    expect(t).not.toContain('feature_flags');
    expect(t).not.toContain('binary:PREVIEW_IMAGE_WITH_METADATA');
  });
});

/** Poll a condition on the event loop (no fixed sleeps): resolves once it holds. */
async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((resolve) => setImmediate(resolve));
}
