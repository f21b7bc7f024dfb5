/**
 * messages.ts against the recordings of a real ComfyUI 0.3.64: every text frame, every binary frame head;
 * the encoders the fake uses and the tolerance rules. Also the recorded HTTP answers against the client's
 * http-schemas.ts, so the fake (checked against the same recordings) and the client agree.
 */
import { describe, expect, it } from 'vitest';
import {
  FeaturesSchema,
  HistoryResponseSchema,
  PromptErrorBodySchema,
  PromptResponseSchema,
  QueueResponseSchema,
  SystemStatsSchema,
} from '@core/comfy/protocol/http-schemas';
import {
  KNOWN_MESSAGE_TYPES,
  encodePreviewFrame,
  encodePreviewWithMetadataFrame,
  encodeTextFrame,
  parseBinaryFrame,
  parseTextMessage,
  type PreviewMetadata,
} from '@core/comfy/protocol/messages';
import { readFixture } from './object-info';
import { loadHttpCapture, loadWsCapture } from './recordings';

const frames = loadWsCapture();
const http = loadHttpCapture();

describe('messages.ts parses the recorded WebSocket frames', () => {
  it('every text frame parses to its own known type', () => {
    const text = frames.filter((f) => !f.binary);
    expect(text.length).toBeGreaterThan(200);
    for (const f of text) {
      const msg = parseTextMessage(JSON.stringify({ type: f.type, data: f.data }));
      expect(msg, `${f.phase} ${f.type}`).not.toBeNull();
      expect(msg!.type).toBe(f.type);
    }
    const seen = new Set(text.map((f) => f.type));
    for (const t of seen) expect(KNOWN_MESSAGE_TYPES).toContain(t);
  });

  it('keeps the fields a client relies on', () => {
    const err = frames.find((f) => f.type === 'execution_error')!;
    const msg = parseTextMessage(JSON.stringify({ type: err.type, data: err.data }));
    if (msg?.type !== 'execution_error') throw new Error('not an execution_error');
    expect(msg.data.exception_message).toBe('SlowProgressImage: deliberate failure at step 2\n');
    expect(msg.data.node_type).toBe('SlowProgressImage');
    const end = frames.find((f) => f.type === 'executing' && f.data?.['node'] === null)!;
    const ex = parseTextMessage(JSON.stringify({ type: 'executing', data: end.data }));
    expect(ex?.type === 'executing' && ex.data.node).toBeNull();
    const cachedExec = frames.find((f) => f.phase === 'trivial-cached' && f.type === 'executed')!;
    const e = parseTextMessage(JSON.stringify({ type: 'executed', data: cachedExec.data }));
    if (e?.type !== 'executed') throw new Error('not executed');
    expect(e.data.output).toEqual({ images: [{ filename: 't_00031_.png', subfolder: '', type: 'output' }] });
  });

  it('every binary frame head parses: TEXT exactly, previews rebuilt to their recorded length', () => {
    const binary = frames.filter((f) => f.binary);
    expect(binary.length).toBeGreaterThan(10);
    for (const f of binary) {
      const head = Buffer.from(f.head_hex!, 'hex');
      if (f.event_type === 3) {
        expect(head.length).toBe(f.len);
        const parsed = parseBinaryFrame(head);
        expect(parsed).toEqual({ event: 3, kind: 'text', nodeId: f.node_id, text: f.text });
        expect(encodeTextFrame(f.node_id!, f.text!)).toEqual(head);
      } else if (f.event_type === 1) {
        const full = Buffer.concat([head, Buffer.alloc(f.len! - head.length)]);
        const parsed = parseBinaryFrame(full);
        if (parsed?.kind !== 'preview') throw new Error('not a preview');
        expect(parsed.mime).toBe('image/jpeg');
        expect(parsed.image.length).toBe(f.image_bytes);
        expect(parsed.image.subarray(0, 4).toString('hex')).toBe('ffd8ffe0');
        const rebuilt = encodePreviewFrame(parsed.image, 'jpeg');
        expect(rebuilt.subarray(0, head.length)).toEqual(head);
      } else if (f.event_type === 4) {
        const image = Buffer.alloc(f.image_bytes!);
        const rebuilt = encodePreviewWithMetadataFrame(f.metadata as PreviewMetadata, image);
        expect(rebuilt.length).toBe(f.len);
        expect(rebuilt.subarray(0, head.length)).toEqual(head);
        const parsed = parseBinaryFrame(rebuilt);
        if (parsed?.kind !== 'preview_with_metadata') throw new Error('not a metadata preview');
        expect(parsed.metadata).toEqual(f.metadata);
        expect(parsed.mime).toBe('image/jpeg');
        expect(parsed.image.length).toBe(f.image_bytes);
      } else {
        throw new Error(`unexpected binary event ${String(f.event_type)}`);
      }
    }
  });
});

describe("the client's HTTP schemas (http-schemas.ts) read the recorded answers", () => {
  it('POST /prompt (200 and 400), /queue, /history, /features', () => {
    let checked = 0;
    for (const r of http) {
      if (r.path === '/prompt' && r.method === 'POST') {
        const schema = r.status === 200 ? PromptResponseSchema : PromptErrorBodySchema;
        expect(schema.safeParse(r.res).success, JSON.stringify(r.res).slice(0, 80)).toBe(true);
      } else if (r.path === '/queue' && r.method === 'GET') {
        expect(QueueResponseSchema.safeParse(r.res).success).toBe(true);
      } else if (r.path.startsWith('/history') && r.method === 'GET') {
        expect(HistoryResponseSchema.safeParse(r.res).success).toBe(true);
      } else if (r.path === '/features') {
        expect(FeaturesSchema.parse(r.res)).toEqual({ supports_preview_metadata: true, max_upload_size: 104857600 });
      } else {
        continue;
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(24);
  });

  it('history-example.json and system_stats.json', () => {
    expect(HistoryResponseSchema.safeParse(readFixture('history-example.json')).success).toBe(true);
    const stats = SystemStatsSchema.parse(readFixture('system_stats.json'));
    expect(stats.devices[0]?.type).toBe('cpu');
    expect(stats.system.comfyui_version).toBe('0.3.64');
  });
});

describe('tolerance', () => {
  it('returns null for non-JSON, non-envelope, and known types missing required fields', () => {
    expect(parseTextMessage('not json')).toBeNull();
    expect(parseTextMessage('[1,2]')).toBeNull();
    expect(parseTextMessage(JSON.stringify({ data: {} }))).toBeNull();
    expect(parseTextMessage(JSON.stringify({ type: 'progress', data: { value: 1 } }))).toBeNull();
    expect(parseTextMessage(JSON.stringify({ type: 'execution_start', data: {} }))).toBeNull();
  });

  it('tolerates unknown types and extra fields', () => {
    expect(parseTextMessage(JSON.stringify({ type: 'crystools.monitor', data: { cpu: 3 } }))).toEqual({
      type: 'unknown',
      rawType: 'crystools.monitor',
      data: { cpu: 3 },
    });
    const msg = parseTextMessage(JSON.stringify({ type: 'progress', data: { value: 1, max: 2, extra: true } }));
    expect(msg).toEqual({ type: 'progress', data: { value: 1, max: 2 } });
  });

  it('rejects truncated binary frames and keeps unknown events', () => {
    expect(parseBinaryFrame(Buffer.from([0, 0, 0]))).toBeNull();
    expect(parseBinaryFrame(Buffer.from([0, 0, 0, 1, 0, 0]))).toBeNull();
    expect(parseBinaryFrame(Buffer.from('0000000300000009316162', 'hex'))).toBeNull();
    expect(parseBinaryFrame(Buffer.from('0000000400000002ffff', 'hex'))).toBeNull();
    const png = encodePreviewFrame(Buffer.from([0x89, 0x50]), 'png');
    expect(parseBinaryFrame(png)).toMatchObject({ event: 1, mime: 'image/png' });
    expect(parseBinaryFrame(Buffer.from('0000000901020304', 'hex'))).toEqual({
      event: 9,
      kind: 'unknown',
      payload: Buffer.from('01020304', 'hex'),
    });
  });
});
