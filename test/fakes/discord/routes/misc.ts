/**
 * Discovery and read routes: GET /gateway, GET /gateway/bot (discord.js fetches it at login; a 401 here is how
 * `client.login()` rejects a bad token), users, the application, and guild reads (guild, channels, roles,
 * members).
 */
import type { FakeContext } from '../context';
import { unknownGuild, unknownMember, unknownUser } from '../errors';
import type { FakeGuild } from '../model';
import type { RouteDef } from '../router';
import { apiChannel, apiGuild, apiMember, apiRole, apiUser } from '../serialize';

export interface GatewayInfo {
  url: () => string;
  identifiesUsed: () => number;
}

const DAY = 24 * 60 * 60 * 1000;

function botGuild(ctx: FakeContext, id: string): FakeGuild {
  const guild = ctx.state.guilds.get(id);
  if (!guild || !ctx.state.member(guild, ctx.state.app.botUserId)) throw unknownGuild();
  return guild;
}

export function applicationJson(ctx: FakeContext): Record<string, unknown> {
  const bot = ctx.state.users.get(ctx.state.app.botUserId);
  const owner = ctx.state.users.get(ctx.state.app.ownerId);
  return {
    id: ctx.state.app.id,
    name: ctx.state.app.name,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    owner: owner ? apiUser(owner) : undefined,
    bot: bot ? apiUser(bot) : undefined,
    team: null,
    flags: 0,
    approximate_guild_count: ctx.state.guilds.size,
    integration_types_config: { '0': {} },
  };
}

export function miscRoutes(ctx: FakeContext, gateway: GatewayInfo): RouteDef[] {
  return [
    {
      method: 'GET',
      pattern: '/gateway',
      auth: 'none',
      handler: () => ({ status: 200, body: { url: gateway.url() } }),
    },
    {
      method: 'GET',
      pattern: '/gateway/bot',
      auth: 'bot',
      handler: () => ({
        status: 200,
        body: {
          url: gateway.url(),
          shards: 1,
          // §7: 1000 identifies per 24 h; max_concurrency identifies per 5 s.
          session_start_limit: {
            total: 1000,
            remaining: Math.max(0, 1000 - gateway.identifiesUsed()),
            reset_after: DAY,
            max_concurrency: 1,
          },
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/users/@me',
      auth: 'bot',
      handler: () => ({ status: 200, body: apiUser(ctx.state.user(ctx.state.app.botUserId)) }),
    },
    {
      method: 'GET',
      pattern: '/users/@me/guilds',
      auth: 'bot',
      handler: () => ({
        status: 200,
        body: [...ctx.state.guilds.values()]
          .filter((g) => ctx.state.member(g, ctx.state.app.botUserId))
          .map((g) => ({
            id: g.id,
            name: g.name,
            icon: null,
            banner: null,
            owner: false,
            permissions: '0',
            features: [],
          })),
      }),
    },
    {
      method: 'GET',
      pattern: '/users/:user_id',
      auth: 'bot',
      handler: (req) => {
        const user = ctx.state.users.get(req.params.user_id ?? '');
        if (!user) throw unknownUser();
        return { status: 200, body: apiUser(user) };
      },
    },
    {
      method: 'GET',
      pattern: '/applications/@me',
      auth: 'bot',
      handler: () => ({ status: 200, body: applicationJson(ctx) }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id',
      auth: 'bot',
      handler: (req) => ({ status: 200, body: apiGuild(botGuild(ctx, req.params.guild_id ?? '')) }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/channels',
      auth: 'bot',
      handler: (req) => {
        const guild = botGuild(ctx, req.params.guild_id ?? '');
        return {
          status: 200,
          body: guild.channelIds.flatMap((id) => {
            const c = ctx.state.channels.get(id);
            return c ? [apiChannel(ctx.state, c)] : [];
          }),
        };
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/roles',
      auth: 'bot',
      handler: (req) => ({ status: 200, body: botGuild(ctx, req.params.guild_id ?? '').roles.map(apiRole) }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/members/:user_id',
      auth: 'bot',
      handler: (req) => {
        const guild = botGuild(ctx, req.params.guild_id ?? '');
        const id = req.params.user_id === '@me' ? ctx.state.app.botUserId : (req.params.user_id ?? '');
        const member = ctx.state.member(guild, id);
        if (!member) throw unknownMember();
        return { status: 200, body: apiMember(ctx.state, member) };
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild_id/members',
      auth: 'bot',
      handler: (req) => {
        const guild = botGuild(ctx, req.params.guild_id ?? '');
        const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 1) || 1));
        const after = BigInt(req.query.after ?? '0');
        const list = guild.members
          .filter((m) => BigInt(m.userId) > after)
          .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
          .slice(0, limit);
        return { status: 200, body: list.map((m) => apiMember(ctx.state, m)) };
      },
    },
  ];
}
