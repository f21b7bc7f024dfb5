/**
 * Queue semantics of the fake: delete pending only, interrupt running only, clear, queue numbers and
 * order, history written before `executing {node:null}`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueResponseSchema } from '@core/comfy/protocol/http-schemas';
import { startFakeComfy, type FakeComfy } from './index';
import { call, queue, trivialGraph } from './test-helpers';
import { WsRecorder, data } from './ws-recorder';

let fake: FakeComfy;
let ws: WsRecorder;

beforeEach(async () => {
  fake = await startFakeComfy();
  ws = await WsRecorder.connect(`${fake.wsUrl}/api/ws?clientId=c1`);
});

afterEach(async () => {
  await ws.close();
  await fake.close();
});

const startedOrder = (): string[] =>
  ws.frames.filter((f) => f.type === 'execution_start').map((f) => String(data(f)['prompt_id']));

describe('history and executing null', () => {
  it('GET /history/{id} answers {} until the prompt is done; the entry exists when executing null arrives', async () => {
    fake.setScript({ hold: true });
    const { prompt_id } = await queue(fake, trivialGraph(1), { client_id: 'c1' });
    await fake.waitForHeld(prompt_id);
    expect((await call(fake, 'GET', `/api/history/${prompt_id}`)).json).toEqual({});
    let entryAtEnd: unknown = 'unset';
    void ws.waitForEnd(prompt_id).then(() => {
      entryAtEnd = fake.history(prompt_id);
    });
    fake.release();
    await ws.waitForEnd(prompt_id);
    await Promise.resolve();
    expect(entryAtEnd).toBeDefined();
    const success = ws.frames.findIndex((f) => f.type === 'execution_success');
    const end = await ws.waitForEnd(prompt_id);
    expect(success).toBeLessThan(end);
    const res = await call(fake, 'GET', `/api/history/${prompt_id}`);
    expect(Object.keys(res.json as object)).toEqual([prompt_id]);
    // Unknown ids answer {} with 200 as well.
    expect(await call(fake, 'GET', '/api/history/nope')).toMatchObject({ status: 200, json: {} });
  });
});

describe('POST /queue', () => {
  it('{delete} removes pending items only; the running prompt is untouched', async () => {
    fake.setScript({ hold: { promptId: 'A' } });
    const a = await queue(fake, trivialGraph(1), { client_id: 'c1', prompt_id: 'A' });
    await fake.waitForHeld(a.prompt_id);
    const b = await queue(fake, trivialGraph(2), { client_id: 'c1' });
    const c = await queue(fake, trivialGraph(3), { client_id: 'c1' });
    const res = await call(fake, 'POST', '/api/queue', { delete: [a.prompt_id, b.prompt_id] });
    expect([res.status, res.text]).toEqual([200, '']);
    expect(fake.deleted).toEqual([b.prompt_id]);
    expect(fake.queueState()).toEqual({ running: a.prompt_id, pending: [c.prompt_id] });
    fake.release();
    expect(await fake.waitForDone(a.prompt_id)).toBe('success');
    expect(await fake.waitForDone(c.prompt_id)).toBe('success');
    await ws.waitForEnd(c.prompt_id);
    expect(startedOrder()).toEqual([a.prompt_id, c.prompt_id]);
    expect(fake.history(b.prompt_id)).toBeUndefined();
  });

  it('{clear:true} empties pending only', async () => {
    fake.setScript({ hold: true });
    const a = await queue(fake, trivialGraph(1), { client_id: 'c1' });
    await fake.waitForHeld(a.prompt_id);
    await queue(fake, trivialGraph(2), { client_id: 'c1' });
    await queue(fake, trivialGraph(3), { client_id: 'c1' });
    expect((await call(fake, 'POST', '/queue', { clear: true })).status).toBe(200);
    expect(fake.queueState()).toEqual({ running: a.prompt_id, pending: [] });
    fake.release();
    await fake.waitForIdle();
    await ws.waitForEnd(a.prompt_id);
    expect(startedOrder()).toEqual([a.prompt_id]);
  });

  it('answers 500 to a body that is not JSON, as aiohttp does', async () => {
    expect((await call(fake, 'POST', '/api/queue', 'nope')).status).toBe(500);
  });
});

describe('POST /interrupt', () => {
  it('with the prompt_id of a pending prompt does nothing; with the running id interrupts it', async () => {
    fake.setScript({ hold: { promptId: 'A' } });
    const a = await queue(fake, trivialGraph(1), { client_id: 'c1', prompt_id: 'A' });
    await fake.waitForHeld(a.prompt_id);
    const b = await queue(fake, trivialGraph(2), { client_id: 'c1' });
    expect((await call(fake, 'POST', '/api/interrupt', { prompt_id: b.prompt_id })).status).toBe(200);
    expect(fake.queueState()).toEqual({ running: a.prompt_id, pending: [b.prompt_id] });
    expect((await call(fake, 'POST', '/api/interrupt', { prompt_id: a.prompt_id })).text).toBe('');
    expect(await fake.waitForDone(a.prompt_id)).toBe('interrupted');
    // An interrupt never removes pending items: b runs normally.
    expect(await fake.waitForDone(b.prompt_id)).toBe('success');
    await ws.waitForEnd(b.prompt_id);
    expect(fake.interrupts).toEqual([
      { promptId: b.prompt_id, hit: null },
      { promptId: a.prompt_id, hit: a.prompt_id },
    ]);
    const interrupted = ws.frames.find((f) => f.type === 'execution_interrupted')!;
    // The held node has no progress callbacks: it finishes, the flag is seen before the next node.
    expect(data(interrupted)).toMatchObject({
      prompt_id: a.prompt_id,
      node_id: '2',
      node_type: 'ImageInvert',
      executed: ['1'],
    });
    expect(fake.history(a.prompt_id)?.status).toMatchObject({ status_str: 'error', completed: false });
  });

  it('a global interrupt on an idle server has no effect on the next prompt; an empty body is fine', async () => {
    const res = await fetch(`${fake.url}/interrupt`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(fake.interrupts).toEqual([{ promptId: null, hit: null }]);
    const { prompt_id } = await queue(fake, trivialGraph(5), { client_id: 'c1' });
    expect(await fake.waitForDone(prompt_id)).toBe('success');
  });

  it('a global interrupt stops a sampler at its next step check', async () => {
    fake.setScript({ hold: { node: 'SlowProgressImage', step: 3 } });
    const graph = {
      '1': {
        class_type: 'SlowProgressImage',
        inputs: { steps: 10, delay: 0, width: 32, height: 32, seed: 1, fail_at: 0, preview: false },
      },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'slow' } },
    };
    const { prompt_id } = await queue(fake, graph, { client_id: 'c1' });
    await fake.waitForHeld(prompt_id);
    await call(fake, 'POST', '/api/interrupt', {});
    expect(await fake.waitForDone(prompt_id)).toBe('interrupted');
    await ws.waitForEnd(prompt_id);
    const progress = ws.frames.filter((f) => f.type === 'progress').map((f) => data(f)['value']);
    expect(progress).toEqual([1, 2]);
  });
});

describe('queue numbers and order', () => {
  it('numbers count every POST /prompt (refused ones too); front and explicit numbers change the order', async () => {
    fake.setScript({ hold: true });
    const a = await queue(fake, trivialGraph(1), { client_id: 'c1' });
    expect(a.number).toBe(0);
    await fake.waitForHeld(a.prompt_id);
    const bad = await call(fake, 'POST', '/api/prompt', { prompt: { '1': { class_type: 'Nope', inputs: {} } } });
    expect(bad.status).toBe(400);
    const b = await queue(fake, trivialGraph(2), { client_id: 'c1' });
    expect(b.number).toBe(2);
    const c = await queue(fake, trivialGraph(3), { client_id: 'c1', front: true });
    expect(c.number).toBe(-3);
    const d = await queue(fake, trivialGraph(4), { client_id: 'c1', number: 1.5 });
    expect(d.number).toBe(1.5);
    const e = await queue(fake, trivialGraph(5), { client_id: 'c1', prompt_id: 'my-own-id' });
    expect(e).toMatchObject({ prompt_id: 'my-own-id', number: 4 });
    const raw = (await call(fake, 'GET', '/api/queue')).json;
    expect(QueueResponseSchema.safeParse(raw).success).toBe(true);
    const q = raw as {
      queue_running: [number, string, unknown, unknown, string[]][];
      queue_pending: [number, string, unknown, unknown, string[]][];
    };
    expect(q.queue_running.map((t) => t[1])).toEqual([a.prompt_id]);
    // The raw heap array: a valid min-heap on (number, prompt_id), not necessarily sorted.
    const nums = q.queue_pending.map((t) => t[0]);
    for (let i = 1; i < nums.length; i++) expect(nums[(i - 1) >> 1]!).toBeLessThanOrEqual(nums[i]!);
    expect(q.queue_pending[0]?.[4]).toEqual(['3']);
    expect(q.queue_pending[0]?.[3]).toEqual({ client_id: 'c1' });
    fake.setScript({ hold: false });
    fake.release();
    await fake.waitForIdle();
    await ws.waitForEnd(e.prompt_id);
    expect(startedOrder()).toEqual([a.prompt_id, c.prompt_id, d.prompt_id, b.prompt_id, e.prompt_id]);
    expect((await call(fake, 'GET', '/api/prompt')).json).toEqual({ exec_info: { queue_remaining: 0 } });
  });

  it('GET /history?max_items returns the newest N oldest first; POST /history deletes and clears', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { prompt_id } = await queue(fake, trivialGraph(i), { client_id: 'c1' });
      await fake.waitForDone(prompt_id);
      ids.push(prompt_id);
    }
    expect(Object.keys((await call(fake, 'GET', '/api/history?max_items=2')).json as object)).toEqual(ids.slice(1));
    expect(Object.keys((await call(fake, 'GET', '/api/history')).json as object)).toEqual(ids);
    expect(Object.keys((await call(fake, 'GET', '/api/history?max_items=1&offset=1')).json as object)).toEqual([
      ids[1],
    ]);
    expect((await call(fake, 'POST', '/api/history', { delete: [ids[0]] })).text).toBe('');
    expect(Object.keys((await call(fake, 'GET', '/api/history')).json as object)).toEqual(ids.slice(1));
    await call(fake, 'POST', '/api/history', { clear: true });
    expect((await call(fake, 'GET', '/api/history')).json).toEqual({});
  });
});
