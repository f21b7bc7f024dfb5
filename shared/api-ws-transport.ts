/**
 * Transport over the headless server's WebSocket. Works with the browser's WebSocket and with the `ws`
 * package under Node (tests), both passed in. Reconnects with backoff; calls made while disconnected wait for
 * the connection (and fail with "unavailable" after `callTimeoutMs`).
 */
import { ApiError, ServerMessageSchema, type CallResult } from './api';
import type { Transport } from './api-client';

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  // Handlers take `never` so both the DOM WebSocket and the `ws` package fit; we only assign them.
  onopen: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
}

export interface WsTransportOptions {
  url: string;
  createSocket: (url: string) => WebSocketLike;
  callTimeoutMs?: number;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
}

const OPEN = 1;

export class WsTransport implements Transport {
  private socket: WebSocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: CallResult) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private readonly queued: string[] = [];
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private closed = false;
  private retryMs = 250;

  constructor(private readonly options: WsTransportOptions) {
    this.connect();
  }

  call(method: string, input: unknown): Promise<CallResult> {
    const id = this.nextId++;
    const frame = JSON.stringify({ type: 'call', id, method, input });
    return new Promise<CallResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'unavailable', message: 'The ComfyDesk core did not answer in time.' } });
      }, this.options.callTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, timer });
      if (this.socket && this.socket.readyState === OPEN) this.socket.send(frame);
      else this.queued.push(frame);
    });
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: new ApiError({ code: 'unavailable', message: 'Connection closed.' }).toShape() });
    }
    this.pending.clear();
  }

  private connect(): void {
    if (this.closed) return;
    this.options.onStatus?.('connecting');
    const socket = this.options.createSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.options.onStatus?.('open');
      for (const frame of this.queued.splice(0)) socket.send(frame);
    };
    socket.onmessage = (ev: { data: unknown }) => this.handle(ev.data);
    socket.onerror = () => {};
    socket.onclose = () => {
      this.options.onStatus?.('closed');
      if (this.closed) return;
      const wait = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
      setTimeout(() => this.connect(), wait);
    };
  }

  private handle(data: unknown): void {
    const text = typeof data === 'string' ? data : String(data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      p.resolve(msg.ok ? { ok: true, output: msg.output } : { ok: false, error: msg.error });
    } else if (msg.type === 'event') {
      for (const l of [...(this.eventListeners.get(msg.event) ?? [])]) l(msg.payload);
    }
  }
}
