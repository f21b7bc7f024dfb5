/**
 * The core against a malicious or broken ComfyUI (a raw server, not the fake): garbage JSON, wrong message
 * shapes, unknown and truncated binary frames, 500s, bodies that stall or never end. The backend must show a
 * readable status (error/offline with a reason), API calls that use it must fail with readable errors (never
 * `internal`), and the core and the process must keep running.
 */
import { describe, expect } from 'vitest';
import type { WebSocket } from 'ws';
import type { BackendSummary } from '@shared/api/health';
import type { Core } from '@core/app';
import { healthUntil } from '@test/helpers/core';
import { test } from '@test/helpers/fixtures';
import { captureLogger, watchProcess } from '../server/harness';
import { answer, endlessBody, stallingBody, startHostileComfy, type HostileComfy } from './hostile-comfy';

/** Short network limits so that stalls end quickly (undici's own timers; the test never sleeps). */
const FAST = {
  client: {
    timeouts: { connectMs: 500, headersMs: 300, bodyMs: 300, slowMs: 300, uploadMs: 300 },
    maxBodyBytes: 4 * 1024 * 1024,
  },
  socket: {
    backoffBaseMs: 20,
    backoffMinMs: 5,
    backoffMaxMs: 50,
    pollAfterFailures: 1,
    pollIntervalMs: 30,
    handshakeTimeoutMs: 300,
    heartbeatMs: 0,
  },
};

interface Against {
  core: Core;
  crashes: string[];
  lines: string[];
}

/** A started core with `hostile` added as its backend (FAST limits, every log line kept); all closed after the test. */
const it = test.extend<{ coreAgainst: (hostile: HostileComfy) => Promise<Against> }>({
  coreAgainst: async ({ startCore, defer }, use) =>
    use(async (hostile) => {
      defer(() => hostile.close());
      const watch = watchProcess();
      defer(() => watch.detach());
      const logger = captureLogger();
      const core = await startCore({ logger, comfy: { backend: FAST } });
      const added = await core.api.dispatch('backends.add', { url: hostile.url, force: true }, { caller: 'test' });
      expect(added.ok).toBe(true);
      return { core, crashes: watch.crashes, lines: logger.lines };
    }),
});

const backendOf = (core: Core): BackendSummary | undefined => core.healthSummary().comfy.backends[0];

/** The summary once the backend is in `error` (something answers, but not like ComfyUI). */
async function inError(core: Core): Promise<BackendSummary> {
  const h = await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'error');
  return h.comfy.backends[0]!;
}

/** The next summary where the backend is not usable and says why. */
async function unusable(core: Core): Promise<BackendSummary> {
  const h = await healthUntil(core, (s) => {
    const b = s.comfy.backends[0];
    return !!b && (b.status === 'error' || b.status === 'offline') && !!b.error;
  });
  return h.comfy.backends[0]!;
}

function expectReadable(message: string | null | undefined, url: string): void {
  expect(message).toBeTruthy();
  expect(message!.length).toBeLessThan(1000);
  expect(message).not.toMatch(/\[object Object\]|\n\s+at\s|undefined/);
  expect(message).toContain(url.replace(/^http:\/\//, ''));
}

/** API calls that reach the backend answer with a readable, non-internal error, and the core still serves. */
async function expectCoreServes(core: Core): Promise<void> {
  const id = backendOf(core)!.id;
  for (const [method, input] of [
    ['workflows.validate', { id: 'sdxl-txt2img', backendId: id }],
    ['comfy.freeVram', { backendId: id }],
    ['health.run', { backendId: id }],
    ['backends.setEnabled', { id, enabled: true }],
  ] as const) {
    const result = await core.api.dispatch(method, input, { caller: 'test' });
    if (!result.ok) {
      expect(result.error.code, `${method}: ${result.error.message}`).not.toBe('internal');
      expect(result.error.message.length, method).toBeLessThan(2000);
    }
  }
  expect((await core.api.dispatch('app.info', {}, { caller: 'test' })).ok).toBe(true);
  expect((await core.api.dispatch('backends.list', {}, { caller: 'test' })).ok).toBe(true);
}

describe('a hostile ComfyUI', () => {
  it('answering 500 with HTML everywhere and refusing the socket: offline with a readable reason', async ({
    coreAgainst,
  }) => {
    const hostile = await startHostileComfy();
    const { core, crashes } = await coreAgainst(hostile);
    const b = await unusable(core);
    expectReadable(b.error, hostile.url);
    await expectCoreServes(core);
    // Still offline, for another reason: the new reason is announced although the status did not change.
    hostile.http = stallingBody;
    const later = await healthUntil(core, (s) => /did not answer/.test(s.comfy.backends[0]?.error ?? ''));
    expect(later.comfy.backends[0]!.status).toBe('offline');
    expect(crashes).toEqual([]);
  });

  it('answering garbage JSON: error with a readable reason', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, '{"queue_running": [garbage');
    const { core, crashes } = await coreAgainst(hostile);
    const b = await inError(core);
    expectReadable(b.error, hostile.url);
    await expectCoreServes(core);
    expect(crashes).toEqual([]);
  });

  it('with a working WebSocket but garbage HTTP answers: error, not idle', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, '<html>not comfy</html>');
    hostile.acceptSocket = true;
    const { core, crashes } = await coreAgainst(hostile);
    const b = await inError(core);
    expectReadable(b.error, hostile.url);
    await expectCoreServes(core);
    // It answers like ComfyUI again: usable again.
    hostile.http = answer(200, { queue_running: [], queue_pending: [] });
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'idle' && s.comfy.backends[0]?.error === null);
    expect(crashes).toEqual([]);
  });

  it('answering JSON of the wrong shape: error with a readable reason', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, {
      queue_running: 'everything',
      queue_pending: [[null, {}, 5]],
      __proto__: { polluted: 1 },
    });
    const { core, crashes } = await coreAgainst(hostile);
    const b = await inError(core);
    expectReadable(b.error, hostile.url);
    await expectCoreServes(core);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(crashes).toEqual([]);
  });

  it('whose bodies stall after the headers: offline with a timeout reason', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, { queue_running: [], queue_pending: [] });
    const { core, crashes } = await coreAgainst(hostile);
    // Added while it answered; from now on every body stalls. The reason shown changes even when the status
    // was already offline (the socket is refused), and the change is announced.
    hostile.http = stallingBody;
    const b = await healthUntil(
      core,
      (s) => s.comfy.backends[0]?.status === 'offline' && /did not answer/.test(s.comfy.backends[0]?.error ?? ''),
    );
    expect(b.comfy.backends[0]!.error).toMatch(/did not answer within/);
    expectReadable(b.comfy.backends[0]!.error, hostile.url);
    await expectCoreServes(core);
    expect(crashes).toEqual([]);
  });

  it('whose bodies never end (a huge /object_info): the read is cut at the size limit', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    const queueOk = answer(200, { queue_running: [], queue_pending: [] });
    hostile.http = (req, res) =>
      req.url?.startsWith('/api/object_info') ? endlessBody()(req, res) : queueOk(req, res);
    hostile.acceptSocket = true;
    const { core, crashes } = await coreAgainst(hostile);
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'idle');
    const id = backendOf(core)!.id;
    const result = await core.api.dispatch(
      'workflows.validate',
      { id: 'sdxl-txt2img', backendId: id },
      { caller: 'test' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).not.toBe('internal');
    expect(result.error.message).toMatch(/too large|MB|bytes/i);
    expect(result.error.message).toContain(hostile.url.replace(/^http:\/\//, ''));
    expect((await core.api.dispatch('app.info', {}, { caller: 'test' })).ok).toBe(true);
    expect(crashes).toEqual([]);
  });

  it('whose WebSocket sends garbage, wrong shapes, unknown and truncated binary frames: no crash, still served', async ({
    coreAgainst,
  }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, { queue_running: [], queue_pending: [] });
    hostile.acceptSocket = true;
    const { core, crashes, lines } = await coreAgainst(hostile);
    const ws: WebSocket = await hostile.nextSocket();
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'idle');
    const frames: (string | Buffer)[] = [
      'not json',
      '{"type":',
      'null',
      '[]',
      '42',
      '{"type":"status"}',
      '{"type":"status","data":5}',
      '{"type":"status","data":{"status":{"exec_info":{"queue_remaining":"lots"}}}}',
      '{"type":"status","data":{"status":{"exec_info":{"queue_remaining":-5}}}}',
      '{"type":"progress","data":{"value":"x","max":null,"prompt_id":{}}}',
      '{"type":"executing","data":{"node":[],"prompt_id":5}}',
      '{"type":"executed","data":{"node":"1","output":"not an object","prompt_id":"p"}}',
      '{"type":"execution_error","data":null}',
      '{"type":"progress_state","data":{"prompt_id":"p","nodes":{"1":{"value":1e308,"max":0}}}}',
      '{"__proto__":{"type":"status"},"data":{}}',
      '{"type":"crystools.monitor","data":{"cpu_utilization":"x"}}',
      JSON.stringify({ type: 'executing', data: { node: 'x'.repeat(200_000), prompt_id: 'p' } }),
      Buffer.alloc(0),
      Buffer.from([0, 0]),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 1, 2]),
      Buffer.from([0, 0, 0, 2, 0xff, 0xff]),
      Buffer.from([0, 0, 0, 3, 0, 0, 0, 99]),
      Buffer.from([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff, 0x7b]),
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
    ];
    for (const f of frames) ws.send(f, { binary: Buffer.isBuffer(f) });
    // A well-formed status after the junk is still understood: the socket kept reading in order.
    ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 2 } }, sid: 's' } }));
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'busy');
    await expectCoreServes(core);
    expect(crashes).toEqual([]);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('that drops the socket mid-frame and comes back: reconnects, no crash', async ({ coreAgainst }) => {
    const hostile = await startHostileComfy();
    hostile.http = answer(200, { queue_running: [], queue_pending: [] });
    hostile.acceptSocket = true;
    const { core, crashes } = await coreAgainst(hostile);
    const first = await hostile.nextSocket();
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'idle');
    const next = hostile.nextSocket();
    // A frame header promising 1 MiB, then the TCP connection goes away.
    (first as unknown as { _socket: import('node:net').Socket })._socket.write(
      Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 1]),
    );
    first.terminate();
    await next;
    await healthUntil(core, (s) => s.comfy.backends[0]?.status === 'idle');
    await expectCoreServes(core);
    expect(crashes).toEqual([]);
  });
});
