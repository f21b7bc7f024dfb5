/**
 * The Discord bot's lifecycle: log in with the token from the secret store (never logged), report its status
 * (stopped / starting / online / reconnecting / error / no-token) to whoever listens (`onState`), tell the core
 * which servers it joins and leaves, register the slash commands per server (bulk overwrite, instant) on ready
 * and on join, and retry the deliveries the core kept whenever the connection comes back. Everything it knows
 * or changes of the core goes through the core API, like the renderer.
 */
import { Client, Events, GatewayIntentBits, type ClientOptions, type Guild as DjsGuild } from 'discord.js';
import type { BotState } from '@shared/api/bot';
import type { Clock } from '../clock';
import { registerSecret, type Logger } from '../log';
import type { SecretStore } from '../secrets';
import { AckGate } from './ack-gate';
import { DISCORD_CDN_ORIGINS } from './attachments';
import { WorkflowCatalog, type CoreEvents } from './catalog';
import { channelAccess } from './channel-access';
import { sendTestMessage, textChannels, type TestMessageResult, type TextChannelView } from './test-message';
import { COMMANDS } from './commands';
import type { BotServices } from './context';
import { CoreClient, type CoreDispatch } from './core-client';
import { Delivery, sizeOnlyFitter, type Fitter } from './delivery';
import { routeInteraction } from './interactions';
import { applicationIdFromToken, BOT_PERMISSIONS, inviteUrl } from './invite';
import { JobWatch } from './job-watch';
import { ProgressMessenger } from './progress';
import { renderProgressPayload } from './progress-render';
import { RestProgressSink } from './rest-sink';

export type BotStatus = BotState['status'];

export interface DiscordBotOptions {
  /** The core API: the bot is one of its clients (it calls nothing else of the core). */
  api: CoreDispatch;
  /** The core's events, to follow jobs (the bot never emits any). */
  events: CoreEvents;
  secrets: SecretStore;
  clock: Clock;
  logger: Logger;
  /** The library's fitter (files → guild upload limit); sizes only when absent. */
  fit?: Fitter;
  /** Extra discord.js options (tests point `rest` at the fake). */
  clientOptions?: Partial<ClientOptions>;
  /** Where attachments may come from (Discord's CDN by default). */
  cdnOrigins?: readonly string[];
  /** Least time between two edits of one progress message (1.5 s). */
  editIntervalMs?: number;
  /** Also register the commands globally (they then work in DMs with the bot); else the `discord` setting says. */
  registerGlobally?: boolean;
  /** Called with the new state whenever it changes (the core turns it into `bot.changed`). */
  onState?: (state: BotState) => void;
}

export class DiscordBot {
  private client: Client<true> | null = null;
  private status: BotStatus;
  private error: string | null = null;
  private onlineSince: number | null = null;
  private starting: Promise<BotState> | null = null;
  private readonly log: Logger;
  private readonly core: CoreClient;
  private readonly catalog: WorkflowCatalog;
  readonly progress: ProgressMessenger;
  readonly delivery: Delivery;
  private readonly acks = new AckGate();
  private readonly watch: JobWatch;
  private following = false;
  private services: BotServices | null = null;
  private outboxRun: Promise<void> = Promise.resolve();
  private abortLogin: () => void = () => undefined;
  private tokenCache: string | null | undefined = undefined;

  constructor(private readonly o: DiscordBotOptions) {
    this.log = o.logger.child('discord');
    this.status = this.token() ? 'stopped' : 'no-token';
    this.core = new CoreClient(o.api);
    this.catalog = new WorkflowCatalog(this.core, o.events, this.log);
    this.progress = new ProgressMessenger({
      clock: o.clock,
      sink: new RestProgressSink(() => this.client),
      logger: this.log,
      ...(o.editIntervalMs !== undefined ? { intervalMs: o.editIntervalMs } : {}),
      render: (jobId, view, previewUrl) => {
        const job = this.watch.job(jobId);
        return renderProgressPayload(job, this.catalog.title(job?.workflow ?? ''), view, previewUrl);
      },
    });
    this.delivery = new Delivery({
      core: this.core,
      catalog: this.catalog,
      clock: o.clock,
      logger: this.log,
      fit: o.fit ?? sizeOnlyFitter,
      client: () => (this.client?.isReady() ? this.client : null),
    });
    this.watch = new JobWatch({
      events: o.events,
      core: this.core,
      catalog: this.catalog,
      progress: this.progress,
      delivery: this.delivery,
      logger: this.log,
      applicationId: () => this.client?.application?.id ?? null,
      online: () => this.client?.isReady() ?? false,
    });
  }

  /** Start following the core (its jobs and workflows); the core calls this once its API answers. */
  async follow(): Promise<void> {
    if (this.following) return;
    this.following = true;
    this.watch.start();
    await this.catalog.refresh();
  }

  /** Stop following jobs (the core is stopping). */
  async dispose(): Promise<void> {
    await this.stop();
    this.watch.stop();
    this.catalog.dispose();
  }

  state(): BotState {
    return {
      status: this.status,
      error: this.error,
      hasToken: this.token() !== null,
      username: this.client?.user?.username ?? null,
      applicationId: this.client?.application?.id ?? applicationIdFromToken(this.token() ?? '') ?? null,
      guilds: this.client?.isReady() ? this.client.guilds.cache.size : 0,
      onlineSince: this.onlineSince,
    };
  }

  /** The live discord.js client while online (tests). */
  get discord(): Client<true> | null {
    return this.client?.isReady() ? this.client : null;
  }

  /** What the live client knows of a server (its name and roles); null while offline or not in it. */
  liveGuild(id: string): { name: string; roles: Array<{ id: string; name: string; assignable: boolean }> } | null {
    const g = this.discord?.guilds.cache.get(id);
    if (!g) return null;
    return {
      name: g.name,
      roles: [...g.roles.cache.values()].map((r) => ({
        id: r.id,
        name: r.name,
        assignable: r.id !== g.id && !r.managed,
      })),
    };
  }

  /** The link that adds the bot to a server with the permissions it needs; null before a token is set. */
  invite(guildId?: string): { url: string; permissions: string } | null {
    const appId = this.state().applicationId;
    return appId ? { url: inviteUrl(appId, guildId), permissions: BOT_PERMISSIONS.toString() } : null;
  }

  /** A server's text channels with the permissions the bot lacks there; null while offline or not in it. */
  channels(guildId: string): TextChannelView[] | null {
    const client = this.discord;
    return client ? textChannels(client, guildId) : null;
  }

  /** Post the setup guide's test message (null while offline). */
  async testMessage(channelId: string): Promise<TestMessageResult | null> {
    const client = this.discord;
    return client ? sendTestMessage(client, channelId) : null;
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

  /** A result is on its way to Discord (an ended job's delivery, or a kept one being retried): no restart now. */
  delivering(): boolean {
    return this.watch.busy() || this.delivery.busy();
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
    this.o.onState?.(this.state());
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
      void this.registerGlobally(c);
    });
    client.on(Events.GuildCreate, (guild) => {
      if (!mine() || !client.isReady()) return;
      this.joined(guild);
      void this.registerCommands(guild);
      this.emit();
    });
    client.on(Events.GuildDelete, (guild) => {
      if (!mine() || !guild.available) return;
      this.log.info('removed from a guild', { guildId: guild.id });
      void this.core
        .call('discord.guildLeft', { id: guild.id })
        .catch((err: unknown) => this.log.warn('could not record leaving a guild', { error: String(err) }));
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
    void this.core
      .call('discord.guildSeen', {
        id: guild.id,
        name: guild.name.slice(0, 100) || guild.id,
        joinedAt: guild.joinedTimestamp ?? null,
      })
      .catch((err: unknown) => this.log.warn('could not record a guild', { guildId: guild.id, error: String(err) }));
  }

  private async registerGlobally(client: Client<true>): Promise<void> {
    try {
      const wanted = this.o.registerGlobally || (await this.core.call('settings.get', {})).discord.registerGlobally;
      if (wanted) await client.application.commands.set(COMMANDS.map((cmd) => cmd.data));
    } catch (err) {
      this.log.warn('global command registration failed', { error: String(err) });
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
    return {
      client,
      applicationId: client.application.id,
      core: this.core,
      clock: this.o.clock,
      logger: this.log,
      progress: this.progress,
      acks: this.acks,
      cdnOrigins: this.o.cdnOrigins ?? DISCORD_CDN_ORIGINS,
      catalog: this.catalog,
      followJob: (job) => this.watch.follow(job),
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
