/**
 * Who may do what. Levels: user (view the queue, own history), generator (generate, templates, cancel own
 * jobs), admin (everything, any job, server settings). Server Administrators and the owner are always admin.
 */
import type { RoleLevel } from './guilds';

export const LEVEL_RANK: Record<RoleLevel, number> = { user: 0, generator: 1, admin: 2 };

export function atLeast(level: RoleLevel, needed: RoleLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[needed];
}

export interface MemberFacts {
  /** The member has the Administrator permission (or owns the guild). */
  isGuildAdmin: boolean;
  roleIds: readonly string[];
}

export interface GuildRoleConfig {
  mapping: ReadonlyArray<{ roleId: string; level: RoleLevel }>;
  /** Level of members with no mapped role. */
  everyoneLevel?: RoleLevel | undefined;
}

/**
 * The member's level in a guild: Administrators are admin; otherwise the highest mapped role; otherwise the
 * guild's `everyoneLevel`. With nothing configured, everyone may generate (a fresh install works at once);
 * once a generator or admin role is mapped, members without one are plain users.
 */
export function memberLevel(member: MemberFacts, config: GuildRoleConfig): RoleLevel {
  if (member.isGuildAdmin) return 'admin';
  let best: RoleLevel | null = null;
  const held = new Set(member.roleIds);
  for (const { roleId, level } of config.mapping) {
    if (held.has(roleId) && (best === null || LEVEL_RANK[level] > LEVEL_RANK[best])) best = level;
  }
  if (best) return best;
  if (config.everyoneLevel) return config.everyoneLevel;
  const gated = config.mapping.some((m) => m.level !== 'user');
  return gated ? 'user' : 'generator';
}

export const LEVEL_NAMES: Record<RoleLevel, string> = {
  user: 'user',
  generator: 'generator',
  admin: 'admin',
};

/** The ephemeral text for a refusal. */
export function deniedMessage(needed: RoleLevel, what: string): string {
  if (needed === 'admin')
    return `Only server admins can ${what}. Ask an admin of this server (or someone with a role mapped to admin with /admin setroles).`;
  return `You need the generator role to ${what}. Ask a server admin to give you a role mapped with /admin setroles generator:@role.`;
}
