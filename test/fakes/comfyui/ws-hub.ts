/**
 * The WebSocket side of the fake: `/ws?clientId=` and `/api/ws` (comfyui-api.md section 2).
 * Sessions are keyed by sid; the first message is `status` with `sid`; a first client message
 * `{"type":"feature_flags",...}` is stored and answered; later client messages are ignored.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';

interface Session {
  ws: WebSocket;
  sid: string;
  flags: Record<string, unknown> | null;
  firstMessageSeen: boolean;
}

export interface WsHubDeps {
  queueRemaining(): number;
  maxUploadSize(): number;
  /** Extra messages for a (re)connecting sid, e.g. `executing` of the node its running prompt is in. */
  onConnect(sid: string): object[];
  sidPopQuirk: boolean;
}

const WS_PATHS = new Set(['/ws', '/api/ws']);

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  /** `PromptServer.sockets`: sid -> socket. */
  private readonly sessions = new Map<string, Session>();
  private readonly all = new Set<WebSocket>();
  /** Subscribed sids -> whether the terminal size was sent already (the first batch carries it). */
  private readonly logSubscribers = new Map<string, boolean>();

  constructor(private readonly deps: WsHubDeps) {}

  /** Handle an HTTP upgrade; returns false when the path is not a WebSocket route. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!WS_PATHS.has(url.pathname)) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, url.searchParams.get('clientId')));
    return true;
  }

  private attach(ws: WebSocket, clientId: string | null): void {
    // An empty or missing clientId gets uuid4().hex.
    const sid = clientId ? clientId : randomUUID().replace(/-/g, '');
    const session: Session = { ws, sid, flags: null, firstMessageSeen: false };
    // An existing socket with the same id is dropped from the registry, not closed.
    this.sessions.set(sid, session);
    this.all.add(ws);
    ws.on('message', (data, isBinary) => this.onClientMessage(session, data, isBinary));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.all.delete(ws);
      // `sockets.pop(sid)` by id: the quirk removes a newer socket that registered with the same id.
      if (this.deps.sidPopQuirk || this.sessions.get(sid) === session) this.sessions.delete(sid);
      this.logSubscribers.delete(sid);
    });
    this.sendTo(session, { type: 'status', data: { status: this.statusData(), sid } });
    for (const extra of this.deps.onConnect(sid)) this.sendTo(session, extra);
  }

  private onClientMessage(session: Session, data: RawData, isBinary: boolean): void {
    if (session.firstMessageSeen) return;
    session.firstMessageSeen = true;
    if (isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawToString(data));
    } catch {
      return;
    }
    if (!isRecord(parsed) || parsed['type'] !== 'feature_flags' || !isRecord(parsed['data'])) return;
    session.flags = parsed['data'];
    this.sendTo(session, {
      type: 'feature_flags',
      data: { supports_preview_metadata: true, max_upload_size: this.deps.maxUploadSize() },
    });
  }

  private statusData(): { exec_info: { queue_remaining: number } } {
    return { exec_info: { queue_remaining: this.deps.queueRemaining() } };
  }

  private sendTo(session: Session, message: object): void {
    if (session.ws.readyState === session.ws.OPEN) session.ws.send(JSON.stringify(message));
  }

  /** `send_sync(event, data, sid)`: to that sid (dropped silently if not connected), or to all when sid is null. */
  send(sid: string | null, message: object): void {
    if (sid === null) {
      for (const s of this.sessions.values()) this.sendTo(s, message);
      return;
    }
    const s = this.sessions.get(sid);
    if (s) this.sendTo(s, message);
  }

  sendBinary(sid: string | null, frame: Buffer): void {
    const targets = sid === null ? [...this.sessions.values()] : [this.sessions.get(sid)].filter(isDefined);
    for (const s of targets) if (s.ws.readyState === s.ws.OPEN) s.ws.send(frame, { binary: true });
  }

  broadcastStatus(): void {
    this.send(null, { type: 'status', data: { status: this.statusData() } });
  }

  /** Whether that sid sent `supports_preview_metadata: true` (false when no sid: broadcast is legacy). */
  supportsPreviewMetadata(sid: string | null): boolean {
    if (sid === null) return false;
    return this.sessions.get(sid)?.flags?.['supports_preview_metadata'] === true;
  }

  setLogSubscription(sid: string, enabled: boolean): void {
    if (enabled) this.logSubscribers.set(sid, this.logSubscribers.get(sid) ?? false);
    else this.logSubscribers.delete(sid);
  }

  sendLog(text: string, nowIso: string): void {
    for (const [sid, sizeSent] of this.logSubscribers) {
      // As recorded: the first batch carries the terminal size, later ones `size: null`.
      const size = sizeSent ? null : { cols: 80, rows: 24 };
      this.logSubscribers.set(sid, true);
      this.send(sid, { type: 'logs', data: { entries: [{ t: nowIso, m: text }], size } });
    }
  }

  clientIds(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Forget every socket without closing it, as the reconnect race of comfyui-api.md §2 ("Reconnect pitfall")
   * does: the connections stay open and answer pings, but `send_sync` finds no session and drops every message.
   */
  forgetAll(): void {
    this.sessions.clear();
  }

  /** Abruptly terminate every socket (no close frame). */
  dropAll(): void {
    for (const ws of this.all) ws.terminate();
  }

  close(): void {
    this.dropAll();
    this.sessions.clear();
    this.logSubscribers.clear();
    this.wss.close();
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}
