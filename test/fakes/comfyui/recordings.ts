/**
 * The recordings of a real ComfyUI 0.3.64 (test/fixtures/comfyui-0.3.64) and a normalised "shape" of a
 * WebSocket frame: its type, its data keys and the values that do not depend on ids, files or timing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureDir } from './object-info';
import type { Frame } from './ws-recorder';

export interface RecordedFrame {
  t_ms: number;
  phase: string;
  client: string;
  type: string;
  data?: Record<string, unknown> | null;
  binary?: boolean;
  len?: number;
  event_type?: number;
  node_id?: string;
  text?: string;
  image_format?: string;
  image_bytes?: number;
  metadata?: Record<string, unknown>;
  head_hex?: string;
}

export interface RecordedRequest {
  phase: string;
  method: string;
  path: string;
  req?: Record<string, unknown>;
  status: number;
  res: unknown;
}

export function loadWsCapture(): RecordedFrame[] {
  return readFileSync(path.join(fixtureDir(), 'ws-capture.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedFrame);
}

export function loadHttpCapture(): RecordedRequest[] {
  return JSON.parse(readFileSync(path.join(fixtureDir(), 'http-capture.json'), 'utf8')) as RecordedRequest[];
}

const keys = (o: unknown): string => (o && typeof o === 'object' ? Object.keys(o).sort().join(',') : String(o));

/** The id-, file- and time-independent content of a text message. */
function textShape(type: string, d: Record<string, unknown>): string {
  const base = `${type} {${keys(d)}}`;
  switch (type) {
    case 'status': {
      const q = (d['status'] as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining;
      return `${base} q=${q}`;
    }
    case 'executing':
      return `${base} node=${String(d['node'])}`;
    case 'progress':
      return `${base} ${String(d['value'])}/${String(d['max'])} node=${String(d['node'])}`;
    case 'progress_state': {
      const nodes = d['nodes'] as Record<string, Record<string, unknown>>;
      const parts = Object.entries(nodes).map(
        ([id, n]) => `${id}:${String(n['state'])}:${String(n['value'])}/${String(n['max'])}{${keys(n)}}`,
      );
      return `${base} ${parts.join(' ')}`;
    }
    case 'executed':
      return `${base} node=${String(d['node'])} output={${keys(d['output'])}}`;
    case 'execution_cached':
      return `${base} nodes=${JSON.stringify(d['nodes'])}`;
    case 'execution_error':
      return `${base} ${String(d['node_id'])} ${String(d['node_type'])} ${String(d['exception_type'])} ${JSON.stringify(d['exception_message'])} executed=${JSON.stringify(d['executed'])} inputs={${keys(d['current_inputs'])}} outputs=${JSON.stringify(d['current_outputs'])}`;
    case 'logs':
      return `${base} entries=${(d['entries'] as unknown[]).length} size=${d['size'] === null ? 'null' : `{${keys(d['size'])}}`}`;
    case 'execution_interrupted':
      return `${base} ${String(d['node_id'])} ${String(d['node_type'])} executed=${JSON.stringify(d['executed'])}`;
    default:
      return base;
  }
}

export function recordedShape(f: RecordedFrame): string {
  if (f.binary) {
    if (f.event_type === 3) return `binary:TEXT node=${f.node_id} ${f.text}`;
    if (f.event_type === 1) return `binary:PREVIEW_IMAGE ${f.image_format}`;
    return `binary:PREVIEW_IMAGE_WITH_METADATA {${keys(f.metadata)}} node=${String(f.metadata?.['node_id'])} ${String(f.metadata?.['image_type'])}`;
  }
  return textShape(f.type, f.data ?? {});
}

export function fakeShape(f: Frame): string {
  if (f.kind === 'binary') {
    const b = f.frame;
    if (b.kind === 'text') return `binary:TEXT node=${b.nodeId} ${b.text}`;
    if (b.kind === 'preview') return `binary:PREVIEW_IMAGE ${b.mime === 'image/jpeg' ? 'JPEG' : b.mime}`;
    if (b.kind === 'preview_with_metadata') {
      return `binary:PREVIEW_IMAGE_WITH_METADATA {${keys(b.metadata)}} node=${b.metadata.node_id} ${b.metadata.image_type}`;
    }
    return `binary:${b.event}`;
  }
  return textShape(f.type, (f.raw['data'] ?? {}) as Record<string, unknown>);
}

/**
 * Split one client's recorded frames into windows: a window ends with `executing {node:null}` or a
 * handshake frame; the `logs` phase also starts a new window (client x gets no `executing` for client y's
 * prompt).
 */
export function recordedWindows(frames: RecordedFrame[], client: string): RecordedFrame[][] {
  const mine = frames.filter((f) => f.client === client);
  const windows: RecordedFrame[][] = [[]];
  let prevPhase = '';
  for (const f of mine) {
    if (f.phase === 'logs' && prevPhase !== 'logs' && windows[windows.length - 1]!.length > 0) windows.push([]);
    windows[windows.length - 1]!.push(f);
    prevPhase = f.phase;
    const endsPrompt = f.type === 'executing' && f.data && f.data['node'] === null;
    // The connect `status` (with sid) and the feature_flags reply are windows of their own.
    const handshake = (f.type === 'status' && f.data && 'sid' in f.data) || f.type === 'feature_flags';
    if (endsPrompt || handshake) windows.push([]);
  }
  if (windows[windows.length - 1]!.length === 0) windows.pop();
  return windows;
}

/** Replace every recorded id in `value` by the fake's (deep). */
export function mapIds<T>(value: T, ids: Map<string, string>): T {
  let text = JSON.stringify(value);
  for (const [rec, fake] of ids) text = text.split(rec).join(fake);
  return JSON.parse(text) as T;
}
