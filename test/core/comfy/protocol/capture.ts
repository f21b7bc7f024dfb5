/**
 * Replays the recorded WebSocket frames of a real ComfyUI 0.3.64 (fixtures/comfyui-0.3.64/ws-capture.jsonl)
 * as parsed messages, and the graphs that were submitted (http-capture.json).
 */
import { fixtureDir } from '@test/fakes/comfyui/object-info';
import { readFileSync } from 'node:fs';
import {
  encodePreviewFrame,
  encodePreviewWithMetadataFrame,
  encodeTextFrame,
  parseBinaryFrame,
  parseTextMessage,
  type ApiGraph,
} from '@core/comfy/protocol/messages';
import type { ProgressEvent } from '@core/comfy/protocol/progress';

/** The recordings kept in test/fixtures/comfyui-0.3.64. */
export const FIXTURES = fixtureDir();

interface Line {
  t_ms: number;
  phase: string;
  client: string;
  type: string;
  data?: unknown;
  binary?: boolean;
  event_type?: number;
  image_bytes?: number;
  image_format?: string;
  node_id?: string;
  text?: string;
  metadata?: { node_id: string; prompt_id: string; image_type: string; display_node_id?: string };
}

export interface Recorded {
  t: number;
  phase: string;
  client: string;
  event: ProgressEvent;
}

function fakeJpeg(n: number): Buffer {
  const b = Buffer.alloc(n, 0x11);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[2] = 0xff;
  b[3] = 0xe0;
  return b;
}

/** Every recorded frame, parsed the way ComfySocket parses live ones. */
export function loadCapture(): Recorded[] {
  const out: Recorded[] = [];
  for (const raw of readFileSync(`${FIXTURES}/ws-capture.jsonl`, 'utf8').split('\n')) {
    if (!raw.trim()) continue;
    const l = JSON.parse(raw) as Line;
    let event: ProgressEvent | null = null;
    if (l.binary) {
      let buf: Buffer | null = null;
      if (l.event_type === 1) buf = encodePreviewFrame(fakeJpeg(l.image_bytes ?? 8), 'jpeg');
      if (l.event_type === 3) buf = encodeTextFrame(l.node_id ?? '', l.text ?? '');
      if (l.event_type === 4 && l.metadata)
        buf = encodePreviewWithMetadataFrame(l.metadata, fakeJpeg(l.image_bytes ?? 8));
      const frame = buf ? parseBinaryFrame(buf) : null;
      if (frame) event = { type: 'binary', frame };
    } else {
      event = parseTextMessage(JSON.stringify({ type: l.type, data: l.data }));
    }
    if (!event) throw new Error(`capture line did not parse: ${raw.slice(0, 200)}`);
    out.push({ t: l.t_ms, phase: l.phase, client: l.client, event });
  }
  return out;
}

interface HttpLine {
  phase: string;
  method: string;
  path: string;
  req?: { prompt?: ApiGraph };
  status: number;
  res: unknown;
}

/** prompt_id -> submitted graph, in submission order. */
export function loadSubmitted(): Array<{ promptId: string; phase: string; graph: ApiGraph }> {
  const lines = JSON.parse(readFileSync(`${FIXTURES}/http-capture.json`, 'utf8')) as HttpLine[];
  const out: Array<{ promptId: string; phase: string; graph: ApiGraph }> = [];
  for (const l of lines) {
    const res = l.res as { prompt_id?: string } | null;
    if (l.method === 'POST' && l.path === '/prompt' && l.status === 200 && l.req?.prompt && res?.prompt_id) {
      out.push({ promptId: res.prompt_id, phase: l.phase, graph: l.req.prompt });
    }
  }
  return out;
}

export function loadHttp(): HttpLine[] {
  return JSON.parse(readFileSync(`${FIXTURES}/http-capture.json`, 'utf8')) as HttpLine[];
}
