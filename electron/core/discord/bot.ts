/**
 * The Discord bot's lifecycle: log in with the token from the secret store (never logged), report status
 * (stopped / starting / online / reconnecting / error / no-token) as `bot.changed`, keep the guilds table in step
 * with joins and leaves, register the slash commands per guild (bulk overwrite, instant) on ready and on join,
 * and retry the delivery outbox whenever the connection comes back.
 */
import { Client, Events, GatewayIntentBits, type ClientOptions, type Guild as DjsGuild } from 'discord.js';
import type { BotState } from '@shared/api/bot';
import type { HealthSummary } from '@shared/api/health';
import type { Output } from '@shared/library';
import type { CoreApi } from '@core/api/dispatch';
import type { Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { EventBus } from '../events';
import { registerSecret, type Logger } from '../log';
import type { SecretStore } from '../secrets';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { DISCORD_CDN_ORIGINS } from './attachments';
import { COMMANDS } from './commands';
import type { BotServices } from './context';
import { Delivery, sizeOnlyFitter, type Fitter } from './delivery';
import { routeInteraction } from './interactions';
import { applicationIdFromToken } from './invite';
import { JobsPort } from './jobs-port';
import { endedPayload, JobWatch } from './job-watch';
import { Outbox } from './outbox';
import { ProgressMessenger } from './progress';
import { SlidingWindowLimiter } from './rate-limit';
import { RestProgressSink } from './rest-sink';
import { AckGate } from './ack-gate';
import { channelAccess } from './channel-access';
import { BackendInfo } from './backend-info';
import { renderProgressPayload } from './progress-render';

export type BotStatus = BotState['status'];

export interface DiscordBotOptions {
  api: Pick<CoreApi, 'dispatch'>;
  events: EventBus;
  store: Store;
  workflows: WorkflowRegistry;
  secrets: SecretStore;
  clock: Clock;
  logger: Logger;
  /** ComfyUI, bot and queue at a glance (for /status). */
  health(): HealthSummary;
  backends(): ReadonlyMap<string, ComfyBackend>;
  /** The library's fitter (files → guild upload limit); sizes only when absent. */
  fit?: Fitter;
  /** A finished job's files (the library); the outputs table when absent. */
  outputsOf?(jobId: string): Output[];
  /** Extra discord.js options (tests point `rest` at the fake). */
  clientOptions?: Partial<ClientOptions>;
  /** Where attachments may come from (Discord's CDN by default). */
  cdnOrigins?: readonly string[];
  /** Least time between two edits of one progress message (1.5 s). */
  editIntervalMs?: number;
  /** Also register the commands globally (they then work in DMs with the bot). */
  registerGlobally?: boolean;
}

export class DiscordBot {
  private client: Client<true> | null = null;
  private status: BotStatus;
  private error: string | null = null;
  private onlineSince: number | null = null;
  private starting: Promise<BotState> | null = null;
  private readonly log: Logger;
  readonly outbox: Outbox;
  readonly progress: ProgressMessenger;
  readonly delivery: Delivery;
  readonly limiter: SlidingWindowLimiter;
  private readonly acks = new AckGate();
  private readonly watch: JobWatch;
  private readonly info: BackendInfo;
  private services: BotServices | null = null;
  private outboxRun: Promise<void> = Promise.resolve();
  private abortLogin: () => void = () => undefined;
  private tokenCache: string | null | undefined = undefined;

  constructor(private readonly o: DiscordBotOptions) {
    this.log = o.logger.child('discord');
    this.status = this.token() ? 'stopped' : 'no-token';
    this.outbox = new Outbox(o.store.db, () => o.clock.now());
    this.limiter = new SlidingWindowLimiter(() => o.clock.now());
    this.info = new BackendInfo(o.backends, o.clock);
    const outputsOf = o.outputsOf ?? ((jobId: string) => o.store.outputs.byJob(jobId));
    this.progress = new ProgressMessenger({
      clock: o.clock,
      sink: new RestProgressSink(() => this.client),
      logger: this.log,
      ...(o.editIntervalMs !== undefined ? { intervalMs: o.editIntervalMs } : {}),
      render: (jobId, view, previewUrl) => renderProgressPayload(o.store, o.workflows, jobId, view, previewUrl),
    });
    this.delivery = new Delivery({
      store: o.store,
      outbox: this.outbox,
      workflows: o.workflows,
      clock: o.clock,
      logger: this.log,
      fit: o.fit ?? sizeOnlyFitter,
      outputsOf,
      client: () => (this.client?.isReady() ? this.client : null),
    });
    this.watch = new JobWatch({
      events: o.events,
      store: o.store,
      workflows: o.workflows,
      progress: this.progress,
      delivery: this.delivery,
      logger: this.log,
      applicationId: () => this.client?.application?.id ?? null,
      online: () => this.client?.isReady() ?? false,
    });
    this.watch.start();
  }

  /** Stop following jobs (the core is stopping). */
  async dispose(): Promise<void> {
    await this.stop();
    this.watch.stop();
  }

  state(): BotState {
    return {
      status: this.status,
      error: this.error,
      hasToken: this.token() !== null,
      username: this.client?.user?.username ?? null,
      applicationId: this.client?.application?.id ?? applicationIdFromToken(this.token() ?? '') ?? null,
      guilds: this.client?.isReady()
        ? this.client.guilds.cache.size
        : this.o.store.guilds.list().filter((g) => g.joinedAt !== null).length,
      onlineSince: this.onlineSince,
    };
  }

  /** The live discord.js client while online (tests). */
  get discord(): Client<true> | null {
    return this.client?.isReady() ? this.client : null;
  }

  /** How many servers the bot is in; null while it is not online (health). */
  guildCount(): number | null {
    return this.discord?.guilds.cache.size ?? null;
  }

  /** The bot's result permissions in these channels; null while it is not online (health). */
  channelAccess(channelIds: readonly string[]): ReturnType<typeof channelAccess> | null {
    const client = this.discord;
    return client ? channelAccess(client, channelIds) : null;
  }

  /** Log in; resolves once online or failed (the state says which). */
  start(): Promise<BotState> {
    if (this.client) return this.starting ?? Promise.resolve(this.state());
    this.tokenCache = undefined; // the environment or the keychain may have changed since
    const token = this.token();
    if (!token) {
      this.setStatus('no-token', null);
      return Promise.resolve(this.state());
    }
    registerSecret(token);
    this.starting = this.login(token).finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<BotState> {
    const client = this.client;
    this.client = null;
    this.services = null;
    this.abortLogin();
    this.progress.stopAll();
    if (client) await client.destroy().catch(() => undefined);
    this.onlineSince = null;
    this.setStatus(this.token() ? 'stopped' : 'no-token', null);
    return this.state();
  }

  /** Store a (validated) token; a running bot logs in again with it. */
  async setToken(token: string): Promise<BotState> {
    registerSecret(token);
    this.o.secrets.set('discordToken', token);
    this.tokenCache = token;
    if (this.client) {
      await this.stop();
      return this.start();
    }
    this.setStatus('stopped', null);
    return this.state();
  }

  async clearToken(): Promise<BotState> {
    await this.stop();
    this.o.secrets.delete('discordToken');
    this.tokenCache = null;
    this.setStatus('no-token', null);
    return this.state();
  }

  /** Wait until every job that ended so far is delivered and its message finalised (tests, shutdown). */
  async idle(): Promise<void> {
    await this.watch.idle();
    await this.outboxRun;
  }

  /** The stored token, read once from the secret store (state() is called often; keychains are slow). */
  private token(): string | null {
    if (this.tokenCache !== undefined) return this.tokenCache;
    try {
      this.tokenCache = this.o.secrets.get('discordToken');
    } catch (err) {
      this.log.warn('the Discord token could not be read', { error: err instanceof Error ? err.message : String(err) });
      this.tokenCache = null;
    }
    return this.tokenCache;
  }

  private setStatus(status: BotStatus, error: string | null): void {
    const changed = status !== this.status || error !== this.error;
    this.status = status;
    this.error = error;
    if (changed) this.emit();
  }

  private emit(): void {
    this.o.events.emit('bot.changed', this.state());
  }

  private async login(token: string): Promise<BotState> {
    this.setStatus('starting', null);
    const extra = this.o.clientOptions ?? {};
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      ...extra,
      ...(extra.rest ? { rest: extra.rest } : {}),
    });
    this.client = client as Client<true>;
    this.wire(client as Client<true>);
    // Resolves once ready, or when stop() replaced this client while it was logging in.
    const ready = new Promise<void>((resolve) => {
      client.once(Events.ClientReady, () => resolve());
      this.abortLogin = () => resolve();
    });
    try {
      await client.login(token);
      await ready;
      return this.state();
    } catch (err) {
      if (this.client !== client) return this.state();
      const message = describeLoginError(err);
      this.log.warn('Discord login failed', { error: message });
      if (this.client === client) this.client = null;
      this.services = null;
      await client.destroy().catch(() => undefined);
      this.setStatus('error', message);
      return this.state();
    }
  }

  private wire(client: Client<true>): void {
    const mine = () => this.client === client;
    client.on(Events.ClientReady, (c) => {
      if (!mine()) return;
      this.services = this.makeServices(c);
      this.onlineSince = this.o.clock.now();
      for (const guild of c.guilds.cache.values()) this.joined(guild);
      this.setStatus('online', null);
      void Promise.all(c.guilds.cache.map((g) => this.registerCommands(g))).then(() => this.flushOutbox());
      if (this.o.registerGlobally || this.o.store.settings.get().discord.registerGlobally)
        c.application.commands
          .set(COMMANDS.map((cmd) => cmd.data))
          .catch((err: unknown) => this.log.warn('global command registration failed', { error: String(err) }));
    });
    client.on(Events.GuildCreate, (guild) => {
      if (!mine() || !client.isReady()) return;
      this.joined(guild);
      void this.registerCommands(guild);
      this.emit();
    });
    client.on(Events.GuildDelete, (guild) => {
      if (!mine() || !guild.available) return;
      this.o.store.db
        .prepare('UPDATE guilds SET joined_at = NULL, updated_at = ? WHERE id = ?')
        .run(this.o.clock.now(), guild.id);
      this.log.info('removed from a guild', { guildId: guild.id });
      this.emit();
    });
    client.on(Events.ShardDisconnect, () => mine() && this.setStatus('reconnecting', null));
    client.on(Events.ShardReconnecting, () => mine() && this.setStatus('reconnecting', null));
    client.on(Events.ShardResume, () => {
      if (!mine()) return;
      this.setStatus('online', null);
      void this.flushOutbox();
    });
    client.on(Events.ShardReady, () => {
      if (!mine() || !client.isReady()) return;
      this.setStatus('online', null);
      void this.flushOutbox();
    });
    client.on(Events.Error, (err) => this.log.warn('discord client error', { error: err.message }));
    client.on(Events.Invalidated, () => {
      if (!mine()) return;
      this.setStatus(
        'error',
        'Discord ended the session (was the token reset?). Paste the new token and start the bot again.',
      );
    });
    client.on(Events.InteractionCreate, (interaction) => {
      const services = this.services;
      if (!mine() || !services) return;
      void routeInteraction(services, interaction);
    });
  }

  private joined(guild: DjsGuild): void {
    const known = this.o.store.guilds.get(guild.id);
    this.o.store.guilds.upsert(guild.id, guild.name);
    if (!known || known.joinedAt === null) {
      this.o.store.db
        .prepare('UPDATE guilds SET joined_at = ? WHERE id = ?')
        .run(guild.joinedTimestamp ?? this.o.clock.now(), guild.id);
    }
  }

  /** Bulk overwrite of the guild's commands (instant, unlike global ones). */
  private async registerCommands(guild: DjsGuild): Promise<void> {
    try {
      await guild.commands.set(COMMANDS.map((c) => c.data));
    } catch (err) {
      this.log.warn('registering commands failed', {
        guildId: guild.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private flushOutbox(): Promise<void> {
    this.outboxRun = this.outboxRun.then(() => this.retryOutbox());
    return this.outboxRun;
  }

  private async retryOutbox(): Promise<void> {
    try {
      const { sent, failed } = await this.delivery.retryOutbox();
      if (sent || failed) this.log.info('outbox retried', { sent, failed });
    } catch (err) {
      this.log.warn('outbox retry failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private makeServices(client: Client<true>): BotServices {
    const o = this.o;
    return {
      client,
      applicationId: client.application.id,
      jobs: new JobsPort(o.api),
      store: o.store,
      workflows: o.workflows,
      clock: o.clock,
      logger: this.log,
      limiter: this.limiter,
      progress: this.progress,
      acks: this.acks,
      cdnOrigins: o.cdnOrigins ?? DISCORD_CDN_ORIGINS,
      events: o.events,
      settings: () => o.store.settings.get(),
      health: () => o.health(),
      models: (folder) => this.info.models(folder),
      gpus: () => this.info.gpus(),
      outputsOf: o.outputsOf ?? ((jobId) => o.store.outputs.byJob(jobId)),
      endedProgress: (job) => endedPayload(job, o.workflows, null),
    };
  }
}

function describeLoginError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'TokenInvalid')
    return 'Discord refused the token. Reset it in the Developer Portal (Bot → Reset Token) and paste the new one.';
  if (code === 'DisallowedIntents')
    return 'Discord refused the gateway intents. ComfyDesk only needs the default ones; check the bot settings in the Developer Portal.';
  return `Could not connect to Discord: ${err instanceof Error ? err.message : String(err)}`;
}
