/**
 * Replays the whole recorded session of a real ComfyUI 0.3.64 (http-capture.json + ws-capture.jsonl)
 * against the fake, in order, with real `ws` clients, and checks that the fake answers each request the
 * same way and sends, per client, the same sequence of message types with the same data keys (and the same
 * id-independent values: queue counts, node ids, steps, states).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FeaturesSchema,
  HistoryResponseSchema,
  PromptErrorBodySchema,
  PromptResponseSchema,
  QueueResponseSchema,
} from '@core/comfy/protocol/http-schemas';
import { startFakeComfy, type FakeComfy } from './index';
import {
  fakeShape,
  loadHttpCapture,
  loadWsCapture,
  mapIds,
  recordedShape,
  recordedWindows,
  type RecordedRequest,
} from './recordings';
import { WsRecorder, data } from './ws-recorder';

const wsCapture = loadWsCapture();
const http = loadHttpCapture();
const xWindows = recordedWindows(wsCapture, 'x');
const yWindows = recordedWindows(wsCapture, 'y');
const requests = (phase: string, method?: string, path?: string): RecordedRequest[] =>
  http.filter((r) => r.phase === phase && (!method || r.method === method) && (!path || r.path === path));

let fake: FakeComfy;
let x: WsRecorder;
let y: WsRecorder | null = null;
const ids = new Map<string, string>();
const cursor = { x: 0, y: 0 };
let xWin = 0;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Send a recorded POST /prompt; check status, body shape, queue number; remember the id mapping. */
async function replayPost(rec: RecordedRequest): Promise<string> {
  const res = await call('POST', '/api/prompt', rec.req);
  expect(res.status).toBe(rec.status);
  if (rec.status !== 200) {
    expect(res.json).toEqual(rec.res);
    expect(PromptErrorBodySchema.safeParse(res.json).success).toBe(true);
    return '';
  }
  const body = PromptResponseSchema.parse(res.json);
  const recorded = PromptResponseSchema.parse(rec.res);
  expect(Object.keys(res.json as object)).toEqual(Object.keys(rec.res as object));
  expect(body.number).toBe(recorded.number);
  expect(body.node_errors).toEqual({});
  ids.set(recorded.prompt_id, body.prompt_id);
  return body.prompt_id;
}

/** Compare the next window of client x (or y) with the recorded one, up to frame index `end`. */
function expectWindow(client: 'x' | 'y', recordedIndex: number, end: number): void {
  const rec = client === 'x' ? x : y!;
  const recorded = (client === 'x' ? xWindows : yWindows)[recordedIndex]!.map(recordedShape);
  const got = rec.frames.slice(cursor[client], end + 1).map(fakeShape);
  cursor[client] = end + 1;
  expect(got).toEqual(recorded);
}

async function runPrompt(rec: RecordedRequest): Promise<string> {
  const id = await replayPost(rec);
  const end = await x.waitForEnd(id, cursor.x);
  expectWindow('x', xWin++, end);
  return id;
}

interface RawHistoryEntry {
  prompt: unknown[];
  outputs: Record<string, unknown>;
  status: { status_str: string; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, unknown>;
}

/** History answers: same structure; ids mapped; file names differ only by counter; the client's schema reads it. */
async function expectHistory(rec: RecordedRequest): Promise<void> {
  const path = mapIds(rec.path, ids);
  const res = await call('GET', `/api${path}`);
  expect(res.status).toBe(200);
  expect(HistoryResponseSchema.safeParse(res.json).success).toBe(true);
  const got = res.json as Record<string, RawHistoryEntry>;
  const want = mapIds(rec.res, ids) as Record<string, RawHistoryEntry>;
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const [id, entry] of Object.entries(want)) {
    const mine = got[id]!;
    expect(Object.keys(mine)).toEqual(Object.keys(entry));
    expect(mine.prompt).toEqual(entry.prompt);
    expect(mine.meta).toEqual(entry.meta);
    const counterless = (o: unknown): string => JSON.stringify(o).replace(/_\d{5}_/g, '_N_');
    expect(counterless(mine.outputs)).toBe(counterless(entry.outputs));
    expect([mine.status.status_str, mine.status.completed]).toEqual([entry.status.status_str, entry.status.completed]);
    const shape = (m: [string, Record<string, unknown>][]) => m.map(([t, d]) => [t, Object.keys(d)]);
    expect(shape(mine.status.messages)).toEqual(shape(entry.status.messages));
  }
}

beforeAll(async () => {
  fake = await startFakeComfy();
  x = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=x`);
});

afterAll(async () => {
  await x?.close();
  await y?.close();
  await fake?.close();
});

describe('replay of the recorded ComfyUI 0.3.64 session', () => {
  it('connect: the first message is status with sid', () => {
    expectWindow('x', xWin++, 0);
  });

  it('trivial: ten model-free prompts run in the recorded message order', async () => {
    for (const rec of requests('trivial', 'POST', '/prompt')) await runPrompt(rec);
  });

  it('trivial-cached: resubmitting the same graph is a fully cached run; history as recorded', async () => {
    await runPrompt(requests('trivial-cached', 'POST', '/prompt')[0]!);
    await expectHistory(requests('trivial-cached', 'GET')[0]!);
  });

  it('progress: a sampling node reports progress_state + progress per step', async () => {
    await runPrompt(requests('progress', 'POST', '/prompt')[0]!);
  });

  it('interrupt+delete: pending deleted, running interrupted, queue and history as recorded', async () => {
    const [postA, postB] = requests('interrupt+delete', 'POST', '/prompt');
    const queueGets = requests('interrupt+delete', 'GET', '/queue');
    fake.setScript({ hold: { step: 1 } });
    const a = await replayPost(postA!);
    await fake.waitForHeld(a);
    await replayPost(postB!);
    const q1 = await call('GET', '/api/queue');
    expect(q1.json).toEqual(mapIds(queueGets[0]!.res, ids));
    expect(QueueResponseSchema.safeParse(q1.json).success).toBe(true);
    // Let it report steps 1-3 as the recording shows, then stop before step 4.
    fake.setScript({ hold: { step: 4 } });
    fake.release();
    await fake.waitForHeld(a);
    const del = requests('interrupt+delete', 'POST', '/queue')[0]!;
    const delRes = await call('POST', '/api/queue', mapIds(del.req, ids));
    expect([delRes.status, delRes.text]).toEqual([del.status, del.res]);
    expect((await call('GET', '/api/queue')).json).toEqual(mapIds(queueGets[1]!.res, ids));
    const intr = await call('POST', '/api/interrupt');
    expect([intr.status, intr.text]).toEqual([200, '']);
    const end = await x.waitForEnd(a, cursor.x);
    expectWindow('x', xWin++, end);
    fake.setScript({ hold: false });
    expect((await call('GET', '/api/queue')).json).toEqual(queueGets[2]!.res);
    for (const h of requests('interrupt+delete', 'GET').filter((r) => r.path.startsWith('/history/')))
      await expectHistory(h);
  });

  it('error: execution_error at step 2, then status and executing null', async () => {
    await runPrompt(requests('error', 'POST', '/prompt')[0]!);
    await expectHistory(requests('error', 'GET')[0]!);
  });

  it('invalid: the three 400 answers are identical and cause no WebSocket traffic', async () => {
    for (const rec of requests('invalid', 'POST', '/prompt')) await replayPost(rec);
    // No frame for them: the next window (preview-legacy) starts with its own status.
  });

  it('preview-legacy: TEXT, progress_state, progress, then binary event 1 per step', async () => {
    await runPrompt(requests('preview-legacy', 'POST', '/prompt')[0]!);
  });

  it('preview-metadata: a feature_flags client gets event 4 before progress; TEXT goes to every client', async () => {
    y = await WsRecorder.connect(`${fake.wsUrl}/ws?clientId=y`, { featureFlags: true });
    expectWindow('y', 0, 0);
    expectWindow('y', 1, 1);
    const id = await replayPost(requests('preview-metadata', 'POST', '/prompt')[0]!);
    const end = await y.waitForEnd(id, cursor.y);
    expectWindow('y', 2, end);
    // Client x only observes: status broadcasts and the TEXT frames.
    const xEnd = await x.waitFor(
      (f) =>
        f.type === 'status' &&
        (data(f)['status'] as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining === 0,
      cursor.x,
    );
    expectWindow('x', xWin++, xEnd);
  });

  it('logs: a subscribed client gets logs messages around its prompt', async () => {
    const [sub, unsub] = requests('logs', 'PATCH');
    const r1 = await call('PATCH', sub!.path, sub!.req);
    expect([r1.status, r1.text]).toEqual([sub!.status, sub!.res]);
    await runPrompt(requests('logs', 'POST', '/prompt')[0]!);
    const trailing = await x.waitFor((f) => f.type === 'logs', cursor.x);
    expectWindow('x', xWin++, trailing);
    const r2 = await call('PATCH', unsub!.path, unsub!.req);
    expect([r2.status, r2.text]).toEqual([unsub!.status, unsub!.res]);
    expect(xWin).toBe(xWindows.length);
  });

  it('misc: /features, /history?max_items, /object_info/{class}, GET /prompt answer as recorded', async () => {
    for (const rec of requests('misc')) {
      const res = await call(rec.method, `/api${rec.path}`);
      expect(res.status).toBe(rec.status);
      if (rec.path.startsWith('/history')) {
        expect(HistoryResponseSchema.safeParse(res.json).success).toBe(true);
        expect(Object.keys(res.json as object)).toEqual(Object.keys(mapIds(rec.res as object, ids)));
      } else {
        expect(res.json).toEqual(rec.res);
      }
      if (rec.path === '/features') expect(FeaturesSchema.safeParse(res.json).success).toBe(true);
    }
  });

  it('every frame the fake sent was parsed by messages.ts', () => {
    expect(x.unparsed).toEqual([]);
    expect(y?.unparsed).toEqual([]);
    expect(x.frames.filter((f) => f.kind === 'text' && f.msg.type === 'unknown')).toEqual([]);
  });
});
