/**
 * The ComfyUI WebSocket protocol: zod schemas and types for every text message and the binary frame
 * layouts (parse + encode), plus the API graph type. HTTP answer shapes live in http-schemas.ts.
 * See `docs/reference/comfyui-api.md` section 2 and the recordings in `test/fixtures/comfyui-0.3.64/`.
 *
 * Parsing is tolerant where the server is allowed to grow (extra keys are dropped, unknown message types come
 * back as `{ type: 'unknown' }`) and strict where a client relies on a field (a known type missing a field it
 * must carry is rejected with `null`).
 */
import { z } from 'zod';

/** The API-format workflow graph (comfyui-api.md section 4). */
export type ApiGraph = Record<string, ApiNode>;
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

export const ApiNodeSchema = z.object({
  class_type: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  _meta: z.object({ title: z.string().optional() }).optional(),
});
export const ApiGraphSchema = z.record(z.string(), ApiNodeSchema);

// ---------------------------------------------------------------------------------------------------------
// WebSocket text messages: {"type": string, "data": {...}}
// ---------------------------------------------------------------------------------------------------------

const StatusData = z.object({
  status: z.object({ exec_info: z.object({ queue_remaining: z.number() }) }),
  /** Present only in the first message of a connection. */
  sid: z.string().optional(),
});

const FeatureFlagsData = z.object({
  supports_preview_metadata: z.boolean().optional(),
  max_upload_size: z.number().optional(),
});

const ExecutionStartData = z.object({ prompt_id: z.string(), timestamp: z.number() });
const ExecutionCachedData = z.object({
  nodes: z.array(z.string()),
  prompt_id: z.string(),
  timestamp: z.number(),
});

/** `node: null` means "this prompt is finished". On reconnect the server may send it without prompt_id. */
const ExecutingData = z.object({
  node: z.string().nullable(),
  display_node: z.string().optional(),
  prompt_id: z.string().optional(),
});

const ProgressData = z.object({
  value: z.number(),
  max: z.number(),
  prompt_id: z.string().optional(),
  node: z.string().nullable().optional(),
});

const NodeProgressSchema = z.object({
  value: z.number(),
  max: z.number(),
  state: z.string(),
  node_id: z.string(),
  prompt_id: z.string(),
  display_node_id: z.string().optional(),
  parent_node_id: z.string().nullable().optional(),
  real_node_id: z.string().optional(),
});
export type NodeProgress = z.infer<typeof NodeProgressSchema>;

const ProgressStateData = z.object({
  prompt_id: z.string(),
  nodes: z.record(z.string(), NodeProgressSchema),
});

/** The UI dict a node returned: e.g. {images:[FileRef]}; `null` for a cached node without UI. */
const OutputSchema = z.record(z.string(), z.unknown()).nullable();

const ExecutedData = z.object({
  node: z.string(),
  display_node: z.string().optional(),
  output: OutputSchema,
  prompt_id: z.string(),
});

const ExecutionSuccessData = z.object({ prompt_id: z.string(), timestamp: z.number().optional() });

const ExecutionErrorData = z.object({
  prompt_id: z.string(),
  node_id: z.string(),
  node_type: z.string(),
  executed: z.array(z.string()),
  exception_message: z.string(),
  exception_type: z.string(),
  traceback: z.array(z.string()),
  current_inputs: z.record(z.string(), z.unknown()),
  current_outputs: z.array(z.string()),
  timestamp: z.number().optional(),
});

const ExecutionInterruptedData = z.object({
  prompt_id: z.string(),
  node_id: z.string(),
  node_type: z.string(),
  executed: z.array(z.string()),
  timestamp: z.number().optional(),
});

const LogsData = z.object({
  entries: z.array(z.object({ t: z.string(), m: z.string() })),
  size: z.object({ cols: z.number(), rows: z.number() }).nullable(),
});

const msg = <T extends string, D extends z.ZodType>(type: T, data: D) => z.object({ type: z.literal(type), data });

export const KnownMessageSchema = z.discriminatedUnion('type', [
  msg('status', StatusData),
  msg('feature_flags', FeatureFlagsData),
  msg('execution_start', ExecutionStartData),
  msg('execution_cached', ExecutionCachedData),
  msg('executing', ExecutingData),
  msg('progress', ProgressData),
  msg('progress_state', ProgressStateData),
  msg('executed', ExecutedData),
  msg('execution_success', ExecutionSuccessData),
  msg('execution_error', ExecutionErrorData),
  msg('execution_interrupted', ExecutionInterruptedData),
  msg('logs', LogsData),
]);
export type KnownMessage = z.infer<typeof KnownMessageSchema>;
export type KnownMessageType = KnownMessage['type'];

/** A message type this client does not know (custom nodes may send anything through `send_sync`). */
export interface UnknownMessage {
  type: 'unknown';
  rawType: string;
  data: unknown;
}
export type ComfyMessage = KnownMessage | UnknownMessage;
export type MessageOf<T extends KnownMessageType> = Extract<KnownMessage, { type: T }>;
export type MessageData<T extends KnownMessageType> = MessageOf<T>['data'];

export const KNOWN_MESSAGE_TYPES: readonly KnownMessageType[] = KnownMessageSchema.options.map(
  (o) => o.shape.type.value,
);
const knownTypes = new Set<string>(KNOWN_MESSAGE_TYPES);

const EnvelopeSchema = z.object({ type: z.string(), data: z.unknown() });

/**
 * Parse one WebSocket text frame. Returns null for anything that is not JSON `{type, data}` or a known type
 * whose data lacks a required field; unknown types come back as `{type:'unknown', rawType, data}`.
 */
export function parseTextMessage(raw: string): ComfyMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const env = EnvelopeSchema.safeParse(json);
  if (!env.success) return null;
  if (!knownTypes.has(env.data.type)) return { type: 'unknown', rawType: env.data.type, data: env.data.data };
  const parsed = KnownMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

// ---------------------------------------------------------------------------------------------------------
// Binary frames: 4-byte big-endian event type, then a payload (comfyui-api.md section 2, "Binary frames")
// ---------------------------------------------------------------------------------------------------------

export const BinaryEventType = {
  PREVIEW_IMAGE: 1,
  /** Internal to the server; never on the wire (it is re-encoded and sent as 1). */
  UNENCODED_PREVIEW_IMAGE: 2,
  TEXT: 3,
  PREVIEW_IMAGE_WITH_METADATA: 4,
} as const;

/** The image type word of event 1. */
export const PreviewImageFormat = { JPEG: 1, PNG: 2 } as const;

export const PreviewMetadataSchema = z.object({
  node_id: z.string(),
  prompt_id: z.string(),
  display_node_id: z.string().optional(),
  parent_node_id: z.string().nullable().optional(),
  real_node_id: z.string().optional(),
  image_type: z.string(),
});
export type PreviewMetadata = z.infer<typeof PreviewMetadataSchema>;

export type ImageMime = 'image/jpeg' | 'image/png' | 'application/octet-stream';

export type BinaryFrame =
  | { event: 1; kind: 'preview'; mime: ImageMime; image: Buffer }
  | { event: 3; kind: 'text'; nodeId: string; text: string }
  | { event: 4; kind: 'preview_with_metadata'; metadata: PreviewMetadata; mime: ImageMime; image: Buffer }
  | { event: number; kind: 'unknown'; payload: Buffer };

function mimeOfFormat(format: number): ImageMime {
  if (format === PreviewImageFormat.JPEG) return 'image/jpeg';
  if (format === PreviewImageFormat.PNG) return 'image/png';
  return 'application/octet-stream';
}

function mimeOfType(type: string): ImageMime {
  return type === 'image/jpeg' || type === 'image/png' ? type : 'application/octet-stream';
}

/** Parse one WebSocket binary frame; null when it is too short or its header is inconsistent. */
export function parseBinaryFrame(buf: Buffer): BinaryFrame | null {
  if (buf.length < 4) return null;
  const event = buf.readUInt32BE(0);
  if (event === BinaryEventType.PREVIEW_IMAGE) {
    if (buf.length < 8) return null;
    return { event: 1, kind: 'preview', mime: mimeOfFormat(buf.readUInt32BE(4)), image: buf.subarray(8) };
  }
  if (event === BinaryEventType.TEXT) {
    if (buf.length < 8) return null;
    const n = buf.readUInt32BE(4);
    if (8 + n > buf.length) return null;
    return {
      event: 3,
      kind: 'text',
      nodeId: buf.subarray(8, 8 + n).toString('utf8'),
      text: buf.subarray(8 + n).toString('utf8'),
    };
  }
  if (event === BinaryEventType.PREVIEW_IMAGE_WITH_METADATA) {
    if (buf.length < 8) return null;
    const n = buf.readUInt32BE(4);
    if (8 + n > buf.length) return null;
    let json: unknown;
    try {
      json = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
    } catch {
      return null;
    }
    const meta = PreviewMetadataSchema.safeParse(json);
    if (!meta.success) return null;
    return {
      event: 4,
      kind: 'preview_with_metadata',
      metadata: meta.data,
      mime: mimeOfType(meta.data.image_type),
      image: buf.subarray(8 + n),
    };
  }
  return { event, kind: 'unknown', payload: buf.subarray(4) };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** Event 1: `[1][format][image bytes]`. */
export function encodePreviewFrame(image: Buffer, format: 'jpeg' | 'png' = 'jpeg'): Buffer {
  const f = format === 'png' ? PreviewImageFormat.PNG : PreviewImageFormat.JPEG;
  return Buffer.concat([u32(BinaryEventType.PREVIEW_IMAGE), u32(f), image]);
}

/** Event 3: `[3][len(node_id)][node_id][text]`. */
export function encodeTextFrame(nodeId: string, text: string): Buffer {
  const id = Buffer.from(nodeId, 'utf8');
  return Buffer.concat([u32(BinaryEventType.TEXT), u32(id.length), id, Buffer.from(text, 'utf8')]);
}

/**
 * Event 4: `[4][len(json)][json metadata][image bytes]`. The key order and the `", "`/`": "` separators
 * follow Python's `json.dumps`, as the recorded head bytes show.
 */
export function encodePreviewWithMetadataFrame(metadata: PreviewMetadata, image: Buffer): Buffer {
  const ordered = {
    node_id: metadata.node_id,
    prompt_id: metadata.prompt_id,
    display_node_id: metadata.display_node_id ?? metadata.node_id,
    parent_node_id: metadata.parent_node_id ?? null,
    real_node_id: metadata.real_node_id ?? metadata.node_id,
    image_type: metadata.image_type,
  };
  const json = Buffer.from(pythonJsonDumps(ordered), 'utf8');
  return Buffer.concat([u32(BinaryEventType.PREVIEW_IMAGE_WITH_METADATA), u32(json.length), json, image]);
}

/** `json.dumps` with Python's default separators, for flat objects of strings/numbers/null/booleans. */
function pythonJsonDumps(obj: Record<string, unknown>): string {
  const parts = Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v ?? null)}`);
  return `{${parts.join(', ')}}`;
}
