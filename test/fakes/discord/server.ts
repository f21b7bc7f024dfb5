/**
 * `startFakeDiscord()`: one HTTP server on 127.0.0.1, port 0, serving REST under `/api/v10`, the fake CDN,
 * and the WebSocket gateway at `/gateway` (resume URL `/gateway/resume`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '@core/clock';
import { nullLogger, type Logger } from '@core/log';
import { ManualClock, isAdvanceable } from './clock';
import type { FakeContext, FakeSettings, GatewayDispatcher } from './context';
import { FakeGateway } from './gateway';
import { RestHandler, type Injection } from './http';
import { InteractionStore } from './interaction-store';
import { InteractionFactory } from './interactions';
import { DEFAULT_UPLOAD_LIMIT } from './limits';
import {
  FakeState,
  type FakeChannel,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  type GuildSeed,
  type UserSeed,
} from './model';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitEvent, type RateLimitOptions } from './ratelimit';
import { Recorder, type CallPredicate, type RecordedCall, type WaitOptions } from './recorder';
import { channelRoutes } from './routes/channels';
import { commandRoutes } from './routes/commands';
import { interactionRoutes } from './routes/interactions';
import { miscRoutes } from './routes/misc';
import { apiGuildCreate } from './serialize';
import { SnowflakeSource } from './snowflake';

/** A token shaped like a real one (id.timestamp.hmac) so redaction patterns see it as a token. */
export const DEFAULT_FAKE_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkEd.ZmFrZS1kaXNjb3JkLXRva2VuLWZvci10ZXN0cw';

export interface FakeDiscordOptions {
  token?: string;
  application?: { id?: string; name?: string };
  bot?: { id?: string; username?: string };
  /** Extra users (guild members named in `guilds` are created automatically). */
  users?: UserSeed[];
  /** Default: one guild "ComfyDesk Lab" with #general and #results, role "Artist", members alice and bob. */
  guilds?: GuildSeed[];
  /** Drives interaction deadlines, token expiry, timestamps and ids. Default: a ManualClock at 2026-01-01. */
  clock?: Clock;
  /** Drives rate-limit windows; default wall time because discord.js waits in wall time. */
  rateLimitClock?: Clock;
  rateLimits?: RateLimitOptions;
  ackTimeoutMs?: number;
  tokenLifetimeMs?: number;
  uploadLimitBytes?: number;
  cdnUrlLifetimeMs?: number;
  /** HELLO heartbeat_interval; default 41 250 ms like Discord. */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled for the app (GUILD_MEMBERS 2, GUILD_PRESENCES 256, MESSAGE_CONTENT 32768). */
  privilegedIntents?: number;
  logger?: Logger;
}

export const DEFAULT_GUILD: GuildSeed = {
  name: 'ComfyDesk Lab',
  owner: 'owner',
  roles: [{ name: 'Artist', permissions: 0n }],
  channels: [{ name: 'general' }, { name: 'results' }],
  members: [{ user: 'owner' }, { user: 'alice', roles: ['Artist'] }, { user: 'bob' }],
};

export class FakeDiscord {
  readonly recorder: Recorder;
  readonly interactions: InteractionFactory;
  readonly gateway: FakeGateway;
  private readonly rest: RestHandler;

  constructor(
    private readonly ctx: FakeContext,
    private readonly server: Server,
    gateway: FakeGateway,
    rest: RestHandler,
  ) {
    this.recorder = ctx.recorder;
    this.gateway = gateway;
    this.rest = rest;
    this.interactions = new InteractionFactory(ctx);
  }

  /** http://127.0.0.1:port */
  get baseUrl(): string {
    return this.ctx.baseUrl();
  }
  /** Pass as discord.js `rest.api` (@discordjs/rest appends `/v10`). */
  get restUrl(): string {
    return `${this.baseUrl}/api`;
  }
  /** Pass as discord.js `rest.cdn`. */
  get cdnUrl(): string {
    return this.baseUrl;
  }
  /** What GET /gateway/bot returns as `url`. */
  get gatewayUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/gateway`;
  }
  get token(): string {
    return this.ctx.settings.token;
  }
  get clock(): Clock {
    return this.ctx.clock;
  }
  get state(): FakeState {
    return this.ctx.state;
  }
  get applicationId(): string {
    return this.ctx.state.app.id;
  }
  get botUser(): FakeUser {
    return this.ctx.state.user(this.ctx.state.app.botUserId);
  }

  get calls(): RecordedCall[] {
    return this.recorder.calls;
  }
  callsTo(method: string, path?: RegExp | string): RecordedCall[] {
    return this.recorder.callsTo(method, path);
  }
  waitForCall(predicate: CallPredicate, options?: WaitOptions): Promise<RecordedCall> {
    return this.recorder.waitForCall(predicate, options);
  }
  waitFor(method: string, path?: RegExp | string, options?: WaitOptions): Promise<RecordedCall> {
    return this.recorder.waitFor(method, path, options);
  }
  mark(): number {
    return this.recorder.mark();
  }
  /** Number of REST answers that were 429. */
  get rateLimitedCount(): number {
    return this.recorder.rateLimitedCount;
  }
  get rateLimitHits(): readonly RateLimitEvent[] {
    return this.ctx.limiter.hits;
  }
  /** Requests served by the fake CDN (attachment downloads). */
  get cdnHits(): number {
    return this.rest.cdnHits;
  }

  /** Advance the fake clock (only when it is advanceable, e.g. the default ManualClock). */
  advance(ms: number): void {
    if (!isAdvanceable(this.ctx.clock)) throw new Error('fake discord: the injected clock cannot be advanced');
    this.ctx.clock.advance(ms);
  }

  /** Answer the next matching REST request(s) with a canned status/body instead of the route. */
  inject(injection: Injection): void {
    this.rest.inject(injection);
  }

  disconnect(options?: { code?: number; reason?: string; invalidateSessions?: boolean }): void {
    this.gateway.disconnect(options);
  }

  user(ref: string): FakeUser {
    return this.ctx.state.user(ref);
  }
  guild(ref: string): FakeGuild {
    return this.ctx.state.guild(ref);
  }
  channel(ref: string, guildRef?: string): FakeChannel {
    return this.ctx.state.channel(ref, guildRef);
  }
  /** Stored (not deleted) messages of a channel, oldest first. */
  messages(channelRef: string): FakeMessage[] {
    return this.ctx.state.messagesIn(this.ctx.state.channel(channelRef).id);
  }
  message(id: string): FakeMessage | undefined {
    return this.ctx.state.messages.get(id);
  }
  /** The DM channel with a user, opened if needed. */
  dmChannel(userRef: string): FakeChannel {
    return this.ctx.state.dmChannel(this.ctx.state.user(userRef).id);
  }
  addUser(seed: UserSeed): FakeUser {
    return this.ctx.state.addUser(seed);
  }
  /** Add a guild with the bot in it and send GUILD_CREATE to connected clients (the bot "joins"). */
  addGuild(seed: GuildSeed): FakeGuild {
    const guild = this.ctx.state.addGuild(seed);
    this.ctx.gateway.dispatch('GUILD_CREATE', apiGuildCreate(this.ctx.state, guild));
    return guild;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const clock = options.clock ?? new ManualClock();
  const ids = new SnowflakeSource(clock);
  const appId = options.application?.id ?? ids.next();
  const botId = options.bot?.id ?? appId;
  const settings: FakeSettings = {
    token: options.token ?? DEFAULT_FAKE_TOKEN,
    ackTimeoutMs: options.ackTimeoutMs ?? 3_000,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60 * 1000,
    uploadLimitBytes: options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT,
    cdnUrlLifetimeMs: options.cdnUrlLifetimeMs ?? 24 * 60 * 60 * 1000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
  };
  const state = new FakeState(
    { id: appId, name: options.application?.name ?? 'ComfyDesk', botUserId: botId, ownerId: '' },
    ids,
    clock,
  );
  state.addUser({ id: botId, username: options.bot?.username ?? 'ComfyDesk', bot: true });
  state.app.ownerId = state.addUser({ username: 'owner' }).id;
  for (const u of options.users ?? []) state.addUser(u);
  for (const g of options.guilds ?? [DEFAULT_GUILD]) state.addGuild(g);

  let baseUrl = '';
  let gatewayRef: GatewayDispatcher | null = null;
  const ctx: FakeContext = {
    state,
    clock,
    recorder: new Recorder(),
    interactions: new InteractionStore(),
    limiter: new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, options.rateLimitClock ?? systemClock),
    settings,
    log: options.logger ?? nullLogger,
    baseUrl: () => baseUrl,
    gateway: { dispatch: (event, data) => gatewayRef?.dispatch(event, data) },
  };
  const gateway = new FakeGateway(ctx, { privilegedIntents: options.privilegedIntents ?? 0 });
  gatewayRef = gateway;
  const rest = new RestHandler(ctx);
  rest.router.add(
    ...interactionRoutes(ctx),
    ...commandRoutes(ctx),
    ...channelRoutes(ctx),
    ...miscRoutes(ctx, {
      url: () => `${baseUrl.replace(/^http/, 'ws')}/gateway`,
      identifiesUsed: () => gateway.identifies,
    }),
  );
  const server = createServer((req, res) => {
    rest.handle(req, res).catch((error: unknown) => {
      ctx.log.error('fake discord request crashed', { error: String(error) });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  gateway.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new FakeDiscord(ctx, server, gateway, rest);
}
