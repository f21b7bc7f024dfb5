/**
 * The ONE WebSocket to one ComfyUI (docs/reference/comfyui-api.md §2). Connects to `/ws?clientId=<id>` with the id the
 * caller persists, sends the `feature_flags` handshake first, parses text and binary frames with
 * messages.ts and emits typed events. On loss it reconnects with exponential backoff and full jitter
 * (injected clock + random), always terminating the old socket first, and emits `reconnected` so the owner
 * re-checks its jobs. After `pollAfterFailures` failed attempts it switches to polling mode (emits `mode`
 * and a `poll` tick every `pollIntervalMs`) while it keeps trying the socket in the background.
 */
import WebSocket, { type ClientOptions } from 'ws';
import { systemClock, type Clock, type ClockTimer } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import { parseBinaryFrame, parseTextMessage, type BinaryFrame, type ComfyMessage } from './messages';
import { TypedEmitter } from '@core/typed-emitter';
import { wsTlsConnection } from './tls';

export { TypedEmitter } from '@core/typed-emitter';

export type SocketMode = 'socket' | 'polling';

export interface ComfySocketEvents {
  /** The socket is open and the handshake was sent. `reconnect` is false for the first connection. */
  open: [info: { reconnect: boolean }];
  /** Every parsed text message (unknown types included as `{type:'unknown'}`). */
  message: [message: ComfyMessage];
  /** Every parsed binary frame (previews, progress text). */
  binary: [frame: BinaryFrame];
  /** The socket closed (it will reconnect unless stopped). */
  close: [info: { code: number; reason: string }];
  /** Open again after having been open before: re-check jobs, messages may have been missed. */
  reconnected: [];
  /** Switched between live socket and polling fallback. */
  mode: [mode: SocketMode];
  /** In polling mode: time to poll /queue and /history. */
  poll: [];
  /** A connection attempt failed (for logs/health; the socket keeps retrying). */
  error: [error: Error];
}

export interface ComfySocketOptions {
  /** ComfyUI base URL (http or https). */
  url: string;
  /** Persisted client id: ComfyUI routes this client's prompt messages by it. */
  clientId: string;
  clock?: Clock;
  /** Uniform [0,1) source for the jitter. */
  random?: () => number;
  logger?: Logger;
  /** First backoff cap (ms); doubles each failure up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Floor of every reconnect delay (default 100 ms): full jitter may pick ~0, and reconnecting with the same
   * clientId before the server has processed the old socket's close would let that close unregister the new
   * socket (comfyui-api.md §2, "Reconnect pitfall").
   */
  backoffMinMs?: number;
  /** Failed reconnect attempts before switching to polling. */
  pollAfterFailures?: number;
  pollIntervalMs?: number;
  handshakeTimeoutMs?: number;
  /** Sent with the upgrade request: the Authorization of a ComfyUI behind a reverse proxy. */
  headers?: Record<string, string>;
  /** wss: the SHA-256 fingerprint of the one certificate trusted for it (tls.ts); null: the system's trust. */
  tlsPin?: string | null;
  /** Ping interval; a missing pong by the next ping terminates the connection. 0 disables. */
  heartbeatMs?: number;
  /** Send `supports_preview_metadata: true` (default true). */
  previewMetadata?: boolean;
}

export class ComfySocket extends TypedEmitter<ComfySocketEvents> {
  readonly clientId: string;
  readonly wsUrl: string;
  private readonly headers: Record<string, string> | undefined;
  private readonly tlsPin: string | null;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly opts: Required<
    Pick<
      ComfySocketOptions,
      | 'backoffBaseMs'
      | 'backoffMaxMs'
      | 'backoffMinMs'
      | 'pollAfterFailures'
      | 'pollIntervalMs'
      | 'handshakeTimeoutMs'
      | 'heartbeatMs'
      | 'previewMetadata'
    >
  >;
  private ws: WebSocket | null = null;
  private running = false;
  private everOpened = false;
  private isOpen = false;
  private failures = 0;
  /** Clock time the last connection closed (or an attempt failed). */
  private lastClosedAt = -Infinity;
  private currentMode: SocketMode = 'socket';
  private reconnectTimer: ClockTimer | undefined;
  private pollTimer: ClockTimer | undefined;
  private heartbeatTimer: ClockTimer | undefined;
  private awaitingPong = false;
  private serverSid: string | null = null;

  constructor(opts: ComfySocketOptions) {
    super();
    this.clientId = opts.clientId;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.log = (opts.logger ?? nullLogger).child('comfy-ws');
    this.emitterLog = this.log;
    this.headers = opts.headers && Object.keys(opts.headers).length > 0 ? { ...opts.headers } : undefined;
    this.tlsPin = opts.tlsPin ?? null;
    this.opts = {
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 30_000,
      backoffMinMs: opts.backoffMinMs ?? 100,
      pollAfterFailures: opts.pollAfterFailures ?? 3,
      pollIntervalMs: opts.pollIntervalMs ?? 2_000,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 5_000,
      heartbeatMs: opts.heartbeatMs ?? 20_000,
      previewMetadata: opts.previewMetadata ?? true,
    };
    const u = new URL(opts.url);
    const scheme = u.protocol === 'https:' ? 'wss:' : 'ws:';
    const prefix = u.pathname.replace(/\/+$/, '');
    this.wsUrl = `${scheme}//${u.host}${prefix}/ws?clientId=${encodeURIComponent(opts.clientId)}`;
  }

  /** True while the WebSocket is open. */
  get connected(): boolean {
    return this.isOpen;
  }

  get mode(): SocketMode {
    return this.currentMode;
  }

  /** The session id the server reported in its first `status` message. */
  get sid(): string | null {
    return this.serverSid;
  }

  /** How often it polls while the socket is down (the backend re-checks a bad HTTP side at the same pace). */
  get pollIntervalMs(): number {
    return this.opts.pollIntervalMs;
  }

  /** Consecutive failed connection attempts since the last open. */
  get failedAttempts(): number {
    return this.failures;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Close for good: no reconnects, no polling. */
  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.reconnectTimer);
    this.clock.clearTimeout(this.pollTimer);
    this.clock.clearTimeout(this.heartbeatTimer);
    this.reconnectTimer = this.pollTimer = this.heartbeatTimer = undefined;
    const ws = this.ws;
    this.ws = null;
    this.isOpen = false;
    if (ws) await terminateAndWait(ws);
  }

  /** Drop the current connection now and reconnect (e.g. after the owner saw the server restart). */
  reconnectNow(): void {
    if (!this.running) return;
    const ws = this.ws;
    if (ws) ws.terminate();
    else this.connect();
  }

  /**
   * The server answers again (its HTTP side, or its launcher said it is ready): connect now instead of waiting out
   * the backoff. Nothing happens while open or while an attempt is under way; the floor of `backoffMinMs` after
   * the last close still holds (the reconnect pitfall).
   */
  connectNow(): void {
    if (!this.running || this.isOpen || this.ws) return;
    const wait = this.lastClosedAt + this.opts.backoffMinMs - this.clock.now();
    if (wait <= 0) {
      this.connect();
      return;
    }
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), wait);
    this.reconnectTimer.unref?.();
  }

  private connect(): void {
    if (!this.running) return;
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const old = this.ws;
    if (old) {
      old.removeAllListeners();
      old.on('error', () => undefined);
      old.terminate();
    }
    // Frames are JSON messages and preview images: a 64 MiB frame is already far beyond anything ComfyUI sends.
    // wss: the socket is handed to the upgrade request only once its certificate passed (tls.ts). ws types
    // createConnection as net's; Node's http also takes the form that answers through a callback.
    const secure = this.wsUrl.startsWith('wss:')
      ? {
          createConnection: wsTlsConnection(
            this.tlsPin,
            this.opts.handshakeTimeoutMs,
          ) as unknown as ClientOptions['createConnection'],
        }
      : {};
    const ws = new WebSocket(this.wsUrl, {
      handshakeTimeout: this.opts.handshakeTimeoutMs,
      ...(this.headers ? { headers: this.headers } : {}),
      ...secure,
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onData(ws, data, isBinary));
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('error', (err) => {
      if (this.ws !== ws) return;
      this.log.debug('websocket error', { error: err.message });
      this.emit('error', err);
    });
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString('utf8')));
  }

  private onOpen(ws: WebSocket): void {
    if (this.ws !== ws || !this.running) return;
    if (this.opts.previewMetadata) {
      ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    }
    const reconnect = this.everOpened;
    this.everOpened = true;
    this.isOpen = true;
    this.failures = 0;
    this.startHeartbeat(ws);
    if (this.currentMode === 'polling') {
      this.currentMode = 'socket';
      this.clock.clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
      this.emit('mode', 'socket');
    }
    this.log.info(reconnect ? 'websocket reconnected' : 'websocket connected', { url: this.wsUrl });
    this.emit('open', { reconnect });
    if (reconnect) this.emit('reconnected');
  }

  private onData(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (this.ws !== ws) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      const frame = parseBinaryFrame(buf);
      if (frame) this.emit('binary', frame);
      else this.log.debug('unparseable binary frame', { bytes: buf.length });
      return;
    }
    const msg = parseTextMessage(buf.toString('utf8'));
    if (!msg) {
      this.log.debug('unparseable text frame', { head: buf.subarray(0, 120).toString('utf8') });
      return;
    }
    if (msg.type === 'status' && msg.data.sid) this.serverSid = msg.data.sid;
    this.emit('message', msg);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.lastClosedAt = this.clock.now();
    this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    const wasOpen = this.isOpen;
    this.isOpen = false;
    if (wasOpen) {
      this.log.warn('websocket closed', { code, reason });
      this.emit('close', { code, reason });
    }
    if (!this.running) return;
    this.failures += 1;
    if (this.failures >= this.opts.pollAfterFailures && this.currentMode === 'socket') {
      this.currentMode = 'polling';
      this.log.warn('websocket keeps failing; polling instead', { failures: this.failures });
      this.emit('mode', 'polling');
      this.schedulePoll();
    }
    const delay = this.backoffDelay(this.failures);
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref?.();
  }

  /** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))], never below `backoffMinMs`. */
  backoffDelay(attempt: number): number {
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
    return Math.max(this.opts.backoffMinMs, Math.floor(this.random() * cap));
  }

  private schedulePoll(): void {
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      if (!this.running || this.currentMode !== 'polling') return;
      this.emit('poll');
      this.schedulePoll();
    }, this.opts.pollIntervalMs);
    this.pollTimer.unref?.();
  }

  private startHeartbeat(ws: WebSocket): void {
    if (this.opts.heartbeatMs <= 0) return;
    this.awaitingPong = false;
    const tick = (): void => {
      if (this.ws !== ws || !this.isOpen) return;
      if (this.awaitingPong) {
        this.log.warn('websocket heartbeat lost; reconnecting');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      try {
        ws.ping();
      } catch {
        ws.terminate();
        return;
      }
      this.heartbeatTimer = this.clock.setTimeout(tick, this.opts.heartbeatMs);
      this.heartbeatTimer.unref?.();
    };
    this.heartbeatTimer = this.clock.setTimeout(tick, this.opts.heartbeatMs);
    this.heartbeatTimer.unref?.();
  }
}

function terminateAndWait(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    ws.removeAllListeners();
    ws.on('error', () => undefined);
    ws.once('close', () => resolve());
    ws.terminate();
  });
}
