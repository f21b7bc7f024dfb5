/**
 * State -> Discord API v10 JSON objects (shapes per discord-api-types `payloads/v10`: APIUser, APIRole,
 * APIChannel, APIGuildMember, APIMessage, APIGuild / GatewayGuildCreateDispatchData). Only fields discord.js
 * reads or a bot might inspect are filled; values are realistic (ISO timestamps, string bitfields).
 */
import { channelPermissions } from './permissions';
import type { FakeChannel, FakeGuild, FakeMember, FakeMessage, FakeRole, FakeState, FakeUser } from './model';

const iso = (ms: number): string => new Date(ms).toISOString();

export function apiUser(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName,
    discriminator: '0',
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function apiRole(role: FakeRole): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

export function apiChannel(state: FakeState, channel: FakeChannel): Record<string, unknown> {
  if (channel.recipientId) {
    const recipient = state.users.get(channel.recipientId);
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: channel.lastMessageId,
      flags: 0,
      recipients: recipient ? [apiUser(recipient)] : [],
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
    topic: null,
    nsfw: channel.nsfw,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function apiMember(state: FakeState, member: FakeMember): Record<string, unknown> {
  const user = state.users.get(member.userId);
  return {
    user: user ? apiUser(user) : { id: member.userId, username: 'unknown', discriminator: '0', avatar: null },
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: iso(member.joinedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The member object inside an interaction also carries the computed channel `permissions`. */
export function apiInteractionMember(
  state: FakeState,
  guild: FakeGuild,
  member: FakeMember,
  channel: FakeChannel,
): Record<string, unknown> {
  return { ...apiMember(state, member), permissions: memberChannelPermissions(guild, member, channel).toString() };
}

export function memberChannelPermissions(guild: FakeGuild, member: FakeMember, channel: FakeChannel): bigint {
  return channelPermissions(
    {
      guildId: guild.id,
      ownerId: guild.ownerId,
      rolePermissions: new Map(guild.roles.map((r) => [r.id, r.permissions])),
      memberId: member.userId,
      memberRoles: member.roles,
    },
    channel.overwrites,
  );
}

/** Full guild for GUILD_CREATE (discord-facts.md §7): channels, roles, members (the bot), counts. */
export function apiGuildCreate(state: FakeState, guild: FakeGuild): Record<string, unknown> {
  return {
    ...apiGuild(guild),
    joined_at: iso(guild.joinedAt),
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    // Without GUILD_PRESENCES / GUILD_MEMBERS only the bot itself is sent (discord-facts.md §7).
    members: guild.members.filter((m) => m.userId === state.app.botUserId).map((m) => apiMember(state, m)),
    channels: guild.channelIds.flatMap((id) => {
      const c = state.channels.get(id);
      return c ? [apiChannel(state, c)] : [];
    }),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function apiGuild(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roles.map(apiRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: guild.premiumTier,
    premium_subscription_count: 0,
    preferred_locale: guild.locale,
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    max_video_channel_users: 25,
    incidents_data: null,
    hub_type: null,
    approximate_member_count: guild.members.length,
  };
}

export function apiMessage(state: FakeState, message: FakeMessage): Record<string, unknown> {
  const author = state.users.get(message.authorId);
  const out: Record<string, unknown> = {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: author ? apiUser(author) : { id: message.authorId, username: 'unknown', discriminator: '0', avatar: null },
    content: message.content,
    timestamp: iso(message.timestamp),
    edited_timestamp: message.editedTimestamp === null ? null : iso(message.editedTimestamp),
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments.map((a) => ({ ...a })),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    flags: message.flags,
  };
  if (message.webhookId) out.webhook_id = message.webhookId;
  if (message.applicationId) out.application_id = message.applicationId;
  if (message.interaction) {
    const user = state.users.get(message.interaction.userId);
    out.interaction_metadata = {
      id: message.interaction.id,
      type: message.interaction.type,
      user: user ? apiUser(user) : { id: message.interaction.userId },
      authorizing_integration_owners: {},
    };
  }
  return out;
}
