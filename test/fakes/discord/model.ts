/**
 * The fake's world: application, users, guilds (roles, channels, members), DM channels, messages, commands and
 * CDN files. Plain data plus lookups; the REST routes and the gateway read and write it.
 */
import type { Clock } from '@core/clock';
import { DEFAULT_EVERYONE_PERMISSIONS, toBigIntPermissions, type Overwrite } from './permissions';
import type { SnowflakeSource } from './snowflake';

/** discord-api-types ChannelType values used here. */
export const ChannelKind = { GuildText: 0, DM: 1, GuildVoice: 2, GuildCategory: 4, PublicThread: 11 } as const;

export interface UserSeed {
  id?: string;
  username: string;
  globalName?: string;
  bot?: boolean;
  /** When true, POST /channels/{dm}/messages to this user answers 403 / 50007 (discord-facts.md §6). */
  dmsClosed?: boolean;
}

export interface RoleSeed {
  id?: string;
  name: string;
  permissions?: bigint | string | number;
  position?: number;
  color?: number;
}

export interface OverwriteSeed {
  /** A role name, a username, a role/user id, or '@everyone'. */
  target: string;
  type: 'role' | 'member';
  allow?: bigint | string | number;
  deny?: bigint | string | number;
}

export interface ChannelSeed {
  id?: string;
  name: string;
  /** ChannelType; default 0 (GUILD_TEXT). */
  type?: number;
  parent?: string;
  overwrites?: OverwriteSeed[];
  /** Age-restricted (Discord's channel `nsfw` flag); default false. */
  nsfw?: boolean;
}

export interface MemberSeed {
  /** Username or user id; the user must be among `users` (or is created with that username). */
  user: string;
  roles?: string[];
  nick?: string;
}

export interface GuildSeed {
  id?: string;
  name: string;
  /** Username or id of the owner; default: the first member, else the bot's application owner. */
  owner?: string;
  everyonePermissions?: bigint | string | number;
  roles?: RoleSeed[];
  channels?: ChannelSeed[];
  members?: MemberSeed[];
  /** Role names/ids given to the bot's own member. */
  botRoles?: string[];
  premiumTier?: number;
  locale?: string;
}

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  dmsClosed: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
}

export interface FakeChannel {
  id: string;
  type: number;
  name: string | null;
  guildId: string | null;
  parentId: string | null;
  position: number;
  overwrites: Overwrite[];
  /** Age-restricted (guild channels; DMs never are). */
  nsfw: boolean;
  /** DM channels only. */
  recipientId: string | null;
  lastMessageId: string | null;
}

export interface FakeMember {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: number;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRole[];
  channelIds: string[];
  members: FakeMember[];
  premiumTier: number;
  locale: string;
  joinedAt: number;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number;
  height?: number;
  ephemeral?: boolean;
  description?: string;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  type: number;
  timestamp: number;
  editedTimestamp: number | null;
  webhookId: string | null;
  applicationId: string | null;
  /** The interaction this message answers (interaction_metadata). */
  interaction: { id: string; type: number; userId: string; name?: string } | null;
  editCount: number;
}

export interface FakeCommand {
  id: string;
  guildId: string | null;
  version: string;
  body: Record<string, unknown>;
}

export interface CdnFile {
  bytes: Buffer;
  contentType: string;
  /** Epoch ms after which the signed URL stops working (discord-facts.md §2.2 "CDN URLs expire"). */
  expiresAt: number;
}

export interface AppInfo {
  id: string;
  name: string;
  botUserId: string;
  ownerId: string;
}

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  /** Key: 'global' or a guild id. */
  readonly commands = new Map<string, FakeCommand[]>();
  /** Key: URL path served by the fake CDN. */
  readonly cdn = new Map<string, CdnFile>();
  readonly dmByUser = new Map<string, string>();

  constructor(
    readonly app: AppInfo,
    readonly ids: SnowflakeSource,
    readonly clock: Clock,
  ) {}

  addUser(seed: UserSeed): FakeUser {
    const existing = this.findUser(seed.id ?? seed.username);
    if (existing) return existing;
    const user: FakeUser = {
      id: seed.id ?? this.ids.next(),
      username: seed.username,
      globalName: seed.globalName ?? null,
      bot: seed.bot ?? false,
      dmsClosed: seed.dmsClosed ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  findUser(ref: string): FakeUser | undefined {
    return this.users.get(ref) ?? [...this.users.values()].find((u) => u.username === ref);
  }

  user(ref: string): FakeUser {
    const user = this.findUser(ref);
    if (!user) throw new Error(`fake discord: no user "${ref}"`);
    return user;
  }

  addGuild(seed: GuildSeed): FakeGuild {
    const id = seed.id ?? this.ids.next();
    const now = this.clock.now();
    const roles: FakeRole[] = [
      {
        id,
        name: '@everyone',
        permissions: toBigIntPermissions(seed.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS),
        position: 0,
        color: 0,
      },
    ];
    (seed.roles ?? []).forEach((r, i) =>
      roles.push({
        id: r.id ?? this.ids.next(),
        name: r.name,
        permissions: toBigIntPermissions(r.permissions, 0n),
        position: r.position ?? i + 1,
        color: r.color ?? 0,
      }),
    );
    const roleRef = (ref: string): string => {
      if (ref === '@everyone') return id;
      const role = roles.find((r) => r.id === ref || r.name === ref);
      if (!role) throw new Error(`fake discord: guild "${seed.name}" has no role "${ref}"`);
      return role.id;
    };
    const members: FakeMember[] = [
      { userId: this.app.botUserId, roles: (seed.botRoles ?? []).map(roleRef), nick: null, joinedAt: now },
    ];
    for (const m of seed.members ?? []) {
      const user = this.findUser(m.user) ?? this.addUser({ username: m.user });
      members.push({ userId: user.id, roles: (m.roles ?? []).map(roleRef), nick: m.nick ?? null, joinedAt: now });
    }
    const ownerId = seed.owner
      ? (this.findUser(seed.owner) ?? this.addUser({ username: seed.owner })).id
      : (members[1]?.userId ?? this.app.ownerId);
    const guild: FakeGuild = {
      id,
      name: seed.name,
      ownerId,
      roles,
      channelIds: [],
      members,
      premiumTier: seed.premiumTier ?? 0,
      locale: seed.locale ?? 'en-US',
      joinedAt: now,
    };
    this.guilds.set(id, guild);
    (seed.channels ?? [{ name: 'general' }]).forEach((c, position) => {
      const channel: FakeChannel = {
        id: c.id ?? this.ids.next(),
        type: c.type ?? ChannelKind.GuildText,
        name: c.name,
        guildId: id,
        parentId: null,
        position,
        overwrites: [],
        nsfw: c.nsfw ?? false,
        recipientId: null,
        lastMessageId: null,
      };
      this.channels.set(channel.id, channel);
      guild.channelIds.push(channel.id);
    });
    (seed.channels ?? []).forEach((c, i) => {
      const channel = this.channels.get(guild.channelIds[i] ?? '');
      if (!channel) return;
      if (c.parent) channel.parentId = this.channel(c.parent, id).id;
      channel.overwrites = (c.overwrites ?? []).map((o) => ({
        id: o.type === 'role' ? roleRef(o.target) : (this.findUser(o.target)?.id ?? o.target),
        type: o.type === 'role' ? 0 : 1,
        allow: toBigIntPermissions(o.allow, 0n),
        deny: toBigIntPermissions(o.deny, 0n),
      }));
    });
    return guild;
  }

  guild(ref: string): FakeGuild {
    const guild = this.guilds.get(ref) ?? [...this.guilds.values()].find((g) => g.name === ref);
    if (!guild) throw new Error(`fake discord: no guild "${ref}"`);
    return guild;
  }

  /** A channel by id, or by name (optionally within one guild). */
  channel(ref: string, guildRef?: string): FakeChannel {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const guildId = guildRef ? this.guild(guildRef).id : undefined;
    const found = [...this.channels.values()].find((c) => c.name === ref && (!guildId || c.guildId === guildId));
    if (!found) throw new Error(`fake discord: no channel "${ref}"`);
    return found;
  }

  member(guild: FakeGuild, userId: string): FakeMember | undefined {
    return guild.members.find((m) => m.userId === userId);
  }

  /** Open (or reuse) the DM channel between the bot and a user (POST /users/@me/channels semantics). */
  dmChannel(userId: string): FakeChannel {
    const existing = this.dmByUser.get(userId);
    const found = existing ? this.channels.get(existing) : undefined;
    if (found) return found;
    const channel: FakeChannel = {
      id: this.ids.next(),
      type: ChannelKind.DM,
      name: null,
      guildId: null,
      parentId: null,
      position: 0,
      overwrites: [],
      nsfw: false,
      recipientId: userId,
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    this.dmByUser.set(userId, channel.id);
    return channel;
  }

  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId);
  }
}
