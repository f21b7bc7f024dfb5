/**
 * A real `ws` client that records every frame the fake sends, parsed with messages.ts, and lets a test
 * wait on frames instead of sleeping.
 */
import WebSocket from 'ws';
import { parseBinaryFrame, parseTextMessage, type BinaryFrame, type ComfyMessage } from '@core/comfy/protocol/messages';

export type Frame =
  | { kind: 'text'; type: string; msg: ComfyMessage; raw: Record<string, unknown> }
  | { kind: 'binary'; type: string; frame: BinaryFrame; bytes: Buffer };

const BINARY_NAMES: Record<number, string> = { 1: 'PREVIEW_IMAGE', 3: 'TEXT', 4: 'PREVIEW_IMAGE_WITH_METADATA' };

export class WsRecorder {
  readonly frames: Frame[] = [];
  /** Frames that messages.ts could not parse (must stay empty). */
  readonly unparsed: unknown[] = [];
  private waiters: { pred: (f: Frame, i: number) => boolean; from: number; resolve: (i: number) => void }[] = [];
  private closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    ws.on('close', () => {
      this.closed = true;
    });
  }

  static async connect(url: string, opts: { featureFlags?: boolean } = {}): Promise<WsRecorder> {
    const ws = new WebSocket(url);
    const rec = new WsRecorder(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (opts.featureFlags)
      ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    await rec.waitFor((f) => f.type === 'status');
    if (opts.featureFlags) await rec.waitFor((f) => f.type === 'feature_flags');
    return rec;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    let frame: Frame | null = null;
    if (isBinary) {
      const parsed = parseBinaryFrame(data);
      if (parsed)
        frame = {
          kind: 'binary',
          type: `binary:${BINARY_NAMES[parsed.event] ?? parsed.event}`,
          frame: parsed,
          bytes: data,
        };
    } else {
      const text = data.toString('utf8');
      const parsed = parseTextMessage(text);
      if (parsed) {
        const raw = JSON.parse(text) as Record<string, unknown>;
        frame = { kind: 'text', type: parsed.type === 'unknown' ? parsed.rawType : parsed.type, msg: parsed, raw };
      }
    }
    if (!frame) {
      this.unparsed.push(isBinary ? data.subarray(0, 32).toString('hex') : data.toString('utf8'));
      return;
    }
    this.frames.push(frame);
    const i = this.frames.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (i >= w.from && w.pred(frame, i)) {
        w.resolve(i);
        return false;
      }
      return true;
    });
  }

  /** Index of the first frame at or after `from` matching `pred` (waits for it). */
  waitFor(pred: (f: Frame, i: number) => boolean, from = 0): Promise<number> {
    for (let i = from; i < this.frames.length; i++) if (pred(this.frames[i]!, i)) return Promise.resolve(i);
    return new Promise((resolve) => this.waiters.push({ pred, from, resolve }));
  }

  /** Wait for `executing {node:null, prompt_id}`. */
  waitForEnd(promptId: string, from = 0): Promise<number> {
    return this.waitFor(
      (f) =>
        f.kind === 'text' && f.type === 'executing' && data(f)['node'] === null && data(f)['prompt_id'] === promptId,
      from,
    );
  }

  waitClosed(): Promise<void> {
    if (this.closed || this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const done = this.waitClosed();
    this.ws.close();
    return done;
  }
}

export function data(f: Frame): Record<string, unknown> {
  return f.kind === 'text' ? ((f.raw['data'] ?? {}) as Record<string, unknown>) : {};
}
