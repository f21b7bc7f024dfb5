/**
 * Permission arithmetic as Discord documents it (discord-api-docs `developers/topics/permissions.mdx`,
 * "Permission Hierarchy" / "Permission Overwrites"; discord-facts.md §8). Bitfields are bigint.
 */
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/** Every permission bit defined by API v10 up to 1 << 50 (USE_EXTERNAL_APPS, discord-facts.md §8.1). */
export const ALL_PERMISSIONS = (1n << 51n) - 1n;

/** What `@everyone` gets in a fresh guild in this fake: enough for a slash-command bot to post results. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Perm.CreateInstantInvite |
  Perm.AddReactions |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.UseApplicationCommands |
  Perm.SendMessagesInThreads;

/**
 * Implicit permissions in DMs for `app_permissions` (discord-facts.md §1.6): ATTACH_FILES | EMBED_LINKS |
 * MENTION_EVERYONE, plus USE_EXTERNAL_EMOJIS in the bot's own DM.
 */
export const BOT_DM_APP_PERMISSIONS =
  Perm.AttachFiles |
  Perm.EmbedLinks |
  Perm.MentionEveryone |
  Perm.UseExternalEmojis |
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.ReadMessageHistory;

export interface Overwrite {
  id: string;
  /** 0 role, 1 member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  /** Role id -> permissions. Must contain the @everyone role (id = guild id). */
  rolePermissions: Map<string, bigint>;
  memberId: string;
  memberRoles: readonly string[];
}

export function basePermissions(s: PermissionSubject): bigint {
  if (s.memberId === s.ownerId) return ALL_PERMISSIONS;
  let perms = s.rolePermissions.get(s.guildId) ?? 0n;
  for (const roleId of s.memberRoles) perms |= s.rolePermissions.get(roleId) ?? 0n;
  if ((perms & Perm.Administrator) === Perm.Administrator) return ALL_PERMISSIONS;
  return perms;
}

export function channelPermissions(s: PermissionSubject, overwrites: readonly Overwrite[]): bigint {
  let perms = basePermissions(s);
  if (perms === ALL_PERMISSIONS) return perms;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === s.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && s.memberRoles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === s.memberId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  // Without VIEW_CHANNEL nothing else applies; without SEND_MESSAGES the sending-related bits are denied too
  // (discord-facts.md §8.1).
  if ((perms & Perm.ViewChannel) === 0n) return 0n;
  if ((perms & Perm.SendMessages) === 0n) {
    perms &= ~(Perm.MentionEveryone | Perm.AttachFiles | Perm.EmbedLinks);
  }
  return perms;
}

export function toBigIntPermissions(value: bigint | string | number | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  return typeof value === 'bigint' ? value : BigInt(value);
}
