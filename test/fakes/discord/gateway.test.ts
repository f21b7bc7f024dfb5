import { once } from 'node:events';
import zlib from 'node:zlib';
import { Client, GatewayIntentBits } from 'discord.js';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Close, Op, createTestClient, fakeClientOptions, startFakeDiscord, type FakeDiscord } from './';

interface Frame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** A raw gateway client: collects frames and lets the test await the next one matching a predicate. */
class RawGateway {
  readonly frames: Frame[] = [];
  private waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  readonly closed: Promise<number>;

  constructor(
    readonly ws: WebSocket,
    inflate?: zlib.Inflate,
  ) {
    this.closed = once(ws, 'close').then(([code]) => code as number);
    if (inflate) {
      let text = '';
      inflate.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      ws.on('message', (data: Buffer) => {
        inflate.write(data);
        inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          if (text) this.push(JSON.parse(text) as Frame);
          text = '';
        });
      });
    } else {
      ws.on('message', (data: Buffer) => this.push(JSON.parse(data.toString()) as Frame));
    }
  }

  private push(frame: Frame): void {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(frame)) return true;
      w.resolve(frame);
      return false;
    });
  }

  next(pred: (f: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }
}

async function connect(fake: FakeDiscord, query = '?v=10&encoding=json'): Promise<RawGateway> {
  const ws = new WebSocket(`${fake.gatewayUrl}${query}`);
  const raw = new RawGateway(ws, query.includes('zlib-stream') ? zlib.createInflate() : undefined);
  await once(ws, 'open');
  return raw;
}

const identify = (token: string, intents = 1): Record<string, unknown> => ({
  token,
  intents,
  properties: { os: 'linux', browser: 'test', device: 'test' },
});

describe('fake gateway protocol', () => {
  let fake: FakeDiscord;
  const sockets: WebSocket[] = [];
  const clients: Client[] = [];

  beforeEach(async () => {
    fake = await startFakeDiscord({ heartbeatIntervalMs: 45_000 });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    for (const c of clients.splice(0)) await c.destroy();
    await fake.close();
  });

  it('HELLO, heartbeat ACK, IDENTIFY -> READY with unavailable guilds then GUILD_CREATE', async () => {
    const gw = await connect(fake);
    sockets.push(gw.ws);
    const hello = await gw.next((f) => f.op === Op.Hello);
    expect(hello.d).toMatchObject({ heartbeat_interval: 45_000 });
    gw.send(Op.Heartbeat, null);
    await gw.next((f) => f.op === Op.HeartbeatAck);
    gw.send(Op.Identify, identify(fake.token));
    const ready = await gw.next((f) => f.t === 'READY');
    const guildId = fake.guild('ComfyDesk Lab').id;
    expect(ready).toMatchObject({
      op: 0,
      s: 1,
      d: { v: 10, guilds: [{ id: guildId, unavailable: true }], application: { id: fake.applicationId } },
    });
    expect((ready.d as { resume_gateway_url: string }).resume_gateway_url).toBe(`${fake.gatewayUrl}/resume`);
    const guild = await gw.next((f) => f.t === 'GUILD_CREATE');
    expect(guild.s).toBe(2);
    expect(guild.d).toMatchObject({ id: guildId, unavailable: false, members: [{ user: { id: fake.botUser.id } }] });
    const d = guild.d as { roles: Array<{ id: string; name: string }>; channels: Array<{ name: string }> };
    expect(d.roles.map((r) => r.name)).toEqual(['@everyone', 'Artist']);
    expect(d.roles[0]?.id).toBe(guildId);
    expect(d.channels.map((c) => c.name)).toEqual(['general', 'results']);
  });

  it('closes with 4004 on a bad token and 4003 when sending before identifying', async () => {
    const bad = await connect(fake);
    sockets.push(bad.ws);
    bad.send(Op.Identify, identify('wrong'));
    expect(await bad.closed).toBe(Close.AuthenticationFailed);
    const early = await connect(fake);
    sockets.push(early.ws);
    early.send(Op.PresenceUpdate, { status: 'online' });
    expect(await early.closed).toBe(Close.NotAuthenticated);
  });

  it('without the GUILDS intent READY comes alone; an unknown resume session gets INVALID_SESSION(false)', async () => {
    const gw = await connect(fake);
    sockets.push(gw.ws);
    gw.send(Op.Identify, identify(fake.token, 0));
    await gw.next((f) => f.t === 'READY');
    gw.send(Op.Heartbeat, 1);
    await gw.next((f) => f.op === Op.HeartbeatAck);
    expect(gw.frames.filter((f) => f.t === 'GUILD_CREATE')).toHaveLength(0);
    const other = await connect(fake);
    sockets.push(other.ws);
    other.send(Op.Resume, { token: fake.token, session_id: 'nope', seq: 3 });
    expect((await other.next((f) => f.op === Op.InvalidSession)).d).toBe(false);
  });

  it('speaks zlib-stream when asked for it', async () => {
    const gw = await connect(fake, '?v=10&encoding=json&compress=zlib-stream');
    sockets.push(gw.ws);
    await gw.next((f) => f.op === Op.Hello);
    gw.send(Op.Identify, identify(fake.token));
    expect((await gw.next((f) => f.t === 'GUILD_CREATE')).s).toBe(2);
  });

  it('identify compression: payloads after IDENTIFY { compress: true } are zlib-deflated binary frames', async () => {
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    sockets.push(ws);
    const frames: Frame[] = [];
    const ready = new Promise<{ frame: Frame; isBinary: boolean }>((resolve) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const frame = JSON.parse((isBinary ? zlib.inflateSync(data) : data).toString()) as Frame;
        frames.push(frame);
        if (frame.t === 'READY') resolve({ frame, isBinary });
      });
    });
    await once(ws, 'open');
    ws.send(JSON.stringify({ op: Op.Identify, d: { ...identify(fake.token), compress: true } }));
    const { frame, isBinary } = await ready;
    expect(isBinary).toBe(true);
    expect(frame.s).toBe(1);
    expect(frames[0]?.op).toBe(Op.Hello);
  });

  it('discord.js login fails on privileged intents the app does not have (4014)', async () => {
    const client = new Client(
      fakeClientOptions(fake, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers] }),
    );
    clients.push(client);
    await expect(client.login(fake.token)).rejects.toThrow(/disallowed intents/i);
  });

  // discord.js's identify throttler waits up to ~6.5 s before a second IDENTIFY within 5 s (real behaviour).
  it('an invalidated session makes discord.js identify again, and it keeps receiving interactions', async () => {
    const client = await createTestClient(fake);
    clients.push(client);
    const reidentified = fake.gateway.next('ready');
    fake.disconnect({ code: Close.UnknownError, invalidateSessions: true });
    await reidentified;
    expect(fake.gateway.identifies).toBe(2);
    const seen = new Promise<string>((resolve) => client.once('interactionCreate', (i) => resolve(i.id)));
    const handle = fake.interactions.slash({ name: 'ping', user: 'bob' });
    expect(await seen).toBe(handle.id);
    expect(fake.gateway.frames.some((f) => f.direction === 'out' && f.op === Op.InvalidSession)).toBe(true);
  });

  it('op 7 RECONNECT makes discord.js resume on the resume URL', async () => {
    const client = await createTestClient(fake);
    clients.push(client);
    const resumed = fake.gateway.next('resumed');
    fake.gateway.requestReconnect();
    await resumed;
    expect(fake.gateway.resumes).toBe(1);
    expect(fake.gateway.connectionUrls.at(-1)).toBe('/gateway/resume?v=10&encoding=json');
  });
});
