/**
 * The WebSocket gateway (discord-facts.md §7; discord-api-types `gateway/v10.ts`):
 *   connect `?v=10&encoding=json[&compress=zlib-stream]` -> HELLO(op 10, heartbeat_interval)
 *   IDENTIFY(op 2): bad token -> close 4004, invalid intents -> 4013, privileged intents not enabled -> 4014,
 *                   second identify -> 4005; else READY (guilds unavailable) then GUILD_CREATE per guild
 *                   (only with the GUILDS intent) so discord.js fills its caches.
 *   HEARTBEAT(op 1) -> HEARTBEAT_ACK(op 11).  Anything but 1/2/6 before identifying -> 4003.
 *   RESUME(op 6): replays missed dispatches then RESUMED; unknown/invalidated session -> INVALID_SESSION(op 9, false).
 * Sessions survive server-side disconnects (except client closes with 1000/1001, which end them, §7), and
 * dispatches sent while disconnected are buffered for the replay.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import zlib from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { FakeContext, GatewayDispatcher } from './context';
import { apiGuildCreate, apiUser } from './serialize';

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const Close = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidShard: 4010,
  InvalidAPIVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

const INTENT_GUILDS = 1;
/** Every GatewayIntentBits value in discord-api-types v10. */
const VALID_INTENTS = [
  1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 1048576, 2097152, 16777216,
  33554432,
].reduce((a, b) => a | b, 0);
/** GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT. */
export const PRIVILEGED_INTENTS = 2 | 256 | 32768;

const frameSchema = z.object({
  op: z.number().int(),
  d: z.unknown().optional(),
  s: z.number().nullable().optional(),
  t: z.string().nullable().optional(),
});
const identifySchema = z.looseObject({
  token: z.string(),
  intents: z.number().int(),
  properties: z.looseObject({ os: z.string(), browser: z.string(), device: z.string() }),
  compress: z.boolean().optional(),
  large_threshold: z.number().int().optional(),
  shard: z.tuple([z.number().int(), z.number().int()]).optional(),
  presence: z.unknown().optional(),
});
const resumeSchema = z.looseObject({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });

export interface GatewayFrame {
  direction: 'in' | 'out';
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  buffer: Array<{ s: number; t: string; d: unknown }>;
  socket: Connection | null;
  valid: boolean;
}

interface Connection {
  ws: WebSocket;
  url: string;
  session: Session | null;
  send(payload: Record<string, unknown>): void;
}

export interface GatewayOptions {
  /** Privileged intents the application has enabled in the "portal" (default: none). */
  privilegedIntents: number;
}

export class FakeGateway implements GatewayDispatcher {
  readonly events = new EventEmitter();
  readonly frames: GatewayFrame[] = [];
  /** Request URL (path + query) of every WebSocket connection, in order. */
  readonly connectionUrls: string[] = [];
  identifies = 0;
  resumes = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly ctx: FakeContext,
    private readonly options: GatewayOptions,
  ) {
    this.events.setMaxListeners(0);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    });
  }

  /** Number of open sockets. */
  get openConnections(): number {
    return this.connections.size;
  }

  dispatch(event: string, data: unknown): void {
    for (const session of this.sessions.values()) {
      if (!session.valid) continue;
      session.seq += 1;
      const frame = { s: session.seq, t: event, d: data };
      session.buffer.push(frame);
      if (session.buffer.length > 1000) session.buffer.shift();
      session.socket?.send({ op: Op.Dispatch, ...frame });
    }
  }

  /**
   * Drop every connection from the server side. With the default 4000 discord.js resumes; with
   * `invalidateSessions` the RESUME answers op 9 and the client identifies again.
   */
  disconnect(options: { code?: number; reason?: string; invalidateSessions?: boolean } = {}): void {
    if (options.invalidateSessions) for (const s of this.sessions.values()) s.valid = false;
    for (const c of this.connections)
      c.ws.close(options.code ?? Close.UnknownError, options.reason ?? 'fake disconnect');
  }

  /** Ask clients to reconnect and resume (op 7). */
  requestReconnect(): void {
    for (const c of this.connections) c.send({ op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Resolves on the next gateway event of this name: 'identify' | 'ready' | 'resume' | 'resumed' | 'heartbeat' | 'close'. */
  next(event: 'identify' | 'ready' | 'resume' | 'resumed' | 'heartbeat' | 'close'): Promise<unknown> {
    return new Promise((resolve) => this.events.once(event, resolve));
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'ws://fake');
    this.connectionUrls.push(req.url ?? '/');
    const compress = url.searchParams.get('compress');
    const conn: Connection = { ws, url: req.url ?? '/', session: null, send: (p) => this.sendRaw(ws, p) };
    if (compress === 'zlib-stream') conn.send = zlibSender(ws, (p) => this.log('out', p));
    this.connections.add(conn);
    ws.on('close', (code) => {
      this.connections.delete(conn);
      if (conn.session && conn.session.socket === conn) {
        conn.session.socket = null;
        // §7: closing with 1000 or 1001 ends the session.
        if (code === 1000 || code === 1001) conn.session.valid = false;
      }
      this.events.emit('close', code);
    });
    ws.on('error', () => undefined);
    if (url.searchParams.get('v') !== '10') {
      ws.close(Close.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((url.searchParams.get('encoding') ?? 'json') !== 'json') {
      ws.close(Close.DecodeError, 'This fake gateway only speaks encoding=json');
      return;
    }
    if (compress !== null && compress !== 'zlib-stream') {
      ws.close(Close.DecodeError, 'Unsupported compression');
      return;
    }
    ws.on('message', (data, isBinary) => this.onMessage(conn, isBinary ? null : data.toString()));
    conn.send({
      op: Op.Hello,
      d: { heartbeat_interval: this.ctx.settings.heartbeatIntervalMs, _trace: ['fake-gateway'] },
      s: null,
      t: null,
    });
  }

  private onMessage(conn: Connection, text: string | null): void {
    let frame: z.infer<typeof frameSchema>;
    try {
      frame = frameSchema.parse(JSON.parse(text ?? ''));
    } catch {
      conn.ws.close(Close.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.frames.push({ direction: 'in', op: frame.op, t: frame.t ?? null, s: frame.s ?? null, d: frame.d });
    switch (frame.op) {
      case Op.Heartbeat:
        conn.send({ op: Op.HeartbeatAck, d: null, s: null, t: null });
        this.events.emit('heartbeat', frame.d);
        return;
      case Op.Identify:
        this.identify(conn, frame.d);
        return;
      case Op.Resume:
        this.resume(conn, frame.d);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!conn.session) conn.ws.close(Close.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        conn.ws.close(Close.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(conn: Connection, d: unknown): void {
    if (conn.session) {
      conn.ws.close(Close.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const parsed = identifySchema.safeParse(d);
    if (!parsed.success) {
      conn.ws.close(Close.DecodeError, 'Error while decoding payload.');
      return;
    }
    const id = parsed.data;
    this.events.emit('identify', id);
    if (id.token.replace(/^Bot\s+/i, '') !== this.ctx.settings.token) {
      conn.ws.close(Close.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    if ((id.intents & ~VALID_INTENTS) !== 0) {
      conn.ws.close(Close.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if ((id.intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) !== 0) {
      conn.ws.close(Close.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    if (id.shard && (id.shard[0] < 0 || id.shard[0] >= id.shard[1])) {
      conn.ws.close(Close.InvalidShard, 'Invalid shard.');
      return;
    }
    this.identifies += 1;
    // Identify compression (`compress: true`): later payloads arrive as zlib-deflated binary frames.
    if (id.compress === true && !new URL(conn.url, 'ws://fake').searchParams.has('compress')) {
      conn.send = (p) => this.sendDeflated(conn.ws, p);
    }
    const session: Session = {
      id: this.ctx.state.ids.next(),
      seq: 0,
      intents: id.intents,
      buffer: [],
      socket: conn,
      valid: true,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    const { state } = this.ctx;
    const guilds = [...state.guilds.values()].filter((g) => state.member(g, state.app.botUserId));
    this.dispatchTo(session, 'READY', {
      v: 10,
      user: apiUser(state.user(state.app.botUserId)),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: `${this.url()}/resume`,
      shard: id.shard ?? [0, 1],
      application: { id: state.app.id, flags: 0 },
      user_settings: {},
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      _trace: ['fake-gateway'],
    });
    this.events.emit('ready', session.id);
    if ((id.intents & INTENT_GUILDS) !== 0) {
      for (const g of guilds) this.dispatchTo(session, 'GUILD_CREATE', apiGuildCreate(state, g));
    }
  }

  private resume(conn: Connection, d: unknown): void {
    const parsed = resumeSchema.safeParse(d);
    if (!parsed.success) {
      conn.ws.close(Close.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.events.emit('resume', parsed.data);
    if (parsed.data.token.replace(/^Bot\s+/i, '') !== this.ctx.settings.token) {
      conn.ws.close(Close.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(parsed.data.session_id);
    if (!session || !session.valid) {
      conn.send({ op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    this.resumes += 1;
    session.socket?.ws.close(Close.UnknownError, 'Session resumed elsewhere');
    session.socket = conn;
    conn.session = session;
    const from = parsed.data.seq ?? 0;
    for (const f of session.buffer) if (f.s > from) conn.send({ op: Op.Dispatch, ...f });
    this.dispatchTo(session, 'RESUMED', { _trace: ['fake-gateway'] });
    this.events.emit('resumed', session.id);
  }

  private dispatchTo(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const frame = { s: session.seq, t: event, d: data };
    session.buffer.push(frame);
    session.socket?.send({ op: Op.Dispatch, ...frame });
  }

  private url(): string {
    return this.ctx.baseUrl().replace(/^http/, 'ws') + '/gateway';
  }

  private sendRaw(ws: WebSocket, payload: Record<string, unknown>): void {
    this.log('out', payload);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private readonly sendDeflated = (ws: WebSocket, payload: Record<string, unknown>): void => {
    this.log('out', payload);
    if (ws.readyState === ws.OPEN) ws.send(zlib.deflateSync(JSON.stringify(payload)));
  };

  private log(direction: 'in' | 'out', p: Record<string, unknown>): void {
    this.frames.push({
      direction,
      op: Number(p.op),
      t: (p.t as string | null) ?? null,
      s: (p.s as number | null) ?? null,
      d: p.d,
    });
  }
}

/**
 * `compress=zlib-stream`: one zlib context per connection, each payload flushed with Z_SYNC_FLUSH so it ends
 * in 00 00 ff ff (what @discordjs/ws checks before inflating).
 */
function zlibSender(ws: WebSocket, log: (p: Record<string, unknown>) => void): (p: Record<string, unknown>) => void {
  const deflate = zlib.createDeflate();
  let pending: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => pending.push(chunk));
  return (payload) => {
    log(payload);
    deflate.write(JSON.stringify(payload));
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      const out = Buffer.concat(pending);
      pending = [];
      if (ws.readyState === ws.OPEN && out.length > 0) ws.send(out);
    });
  };
}
