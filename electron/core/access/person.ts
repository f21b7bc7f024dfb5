/**
 * The person behind an API call, resolved once per call from its actor (shared/actor.ts): the desktop owner, the
 * Discord bot itself, or a Discord user whose level in their server comes from the stored role mapping. Every
 * permission decision in the core reads this.
 */
import { refusal } from '@shared/api';
import type { Actor } from '@shared/actor';
import type { Guild, RoleLevel } from '@shared/guilds';
import type { Job, JobSource } from '@shared/jobs';
import { atLeast, deniedMessage, memberLevel } from '@shared/permissions';
import type { GuildsRepo } from '@core/store/guilds-repo';
import type { OwnerRepo } from '@core/store/owner-repo';

/** The desktop user's id in jobs, templates and users. */
export const DESKTOP_USER = { id: 'desktop', name: 'You (desktop)' } as const;

export interface Person {
  kind: Actor['kind'];
  source: JobSource;
  userId: string;
  userName: string;
  guildId: string | null;
  guildName: string | null;
  /** The stored server (created on first sight); null in DMs and for the owner. */
  guild: Guild | null;
  channelId: string | null;
  /** The owner and the bot can do everything; a Discord user what their role allows. */
  level: RoleLevel;
  /** A Discord user's role ids in `guild` (empty otherwise). */
  roleIds: readonly string[];
  /** Discord marks the channel age-restricted. */
  channelNsfw: boolean;
  /** A DM interaction acting in `guild` (a button on a result sent by DM). */
  fromDm: boolean;
  /** This Discord user is the account the desktop owner linked: owner commands are theirs. */
  linkedOwner: boolean;
}

/** The owner (or the bot acting as itself): the desktop user, who may do everything. */
export function ownerPerson(kind: 'owner' | 'bot' = 'owner'): Person {
  return {
    kind,
    source: 'desktop',
    userId: DESKTOP_USER.id,
    userName: DESKTOP_USER.name,
    guildId: null,
    guildName: null,
    guild: null,
    channelId: null,
    level: 'admin',
    roleIds: [],
    channelNsfw: false,
    fromDm: false,
    linkedOwner: false,
  };
}

export function resolvePerson(guilds: GuildsRepo, actor: Actor, owner?: Pick<OwnerRepo, 'linked'>): Person {
  if (actor.kind !== 'discord') return ownerPerson(actor.kind);
  const base = {
    kind: 'discord' as const,
    source: 'discord' as const,
    userId: actor.userId,
    userName: actor.userName,
    channelNsfw: actor.channelNsfw ?? false,
    fromDm: actor.fromDm ?? false,
    linkedOwner: owner?.linked()?.userId === actor.userId,
  };
  if (!actor.guildId) {
    const dm = { guildId: null, guildName: null, guild: null, roleIds: [], channelNsfw: false };
    return { ...base, ...dm, channelId: actor.channelId, level: 'user' };
  }
  const guild = guilds.get(actor.guildId) ?? guilds.upsert(actor.guildId, actor.guildName ?? actor.guildId);
  const level = memberLevel(
    { isGuildAdmin: actor.guildAdmin, roleIds: actor.roleIds },
    { mapping: guilds.roles(guild.id), everyoneLevel: guild.settings.everyoneLevel },
  );
  const roleIds = actor.roleIds;
  return { ...base, guildId: guild.id, guildName: guild.name, guild, channelId: actor.channelId, level, roleIds };
}

/** Throws the refusal a Discord user sees when their level is below `needed` for `what` ("start jobs"). */
export function requireLevel(person: Person, needed: RoleLevel, what: string): void {
  if (!atLeast(person.level, needed)) throw refusal('forbidden', 'Not allowed', deniedMessage(needed, what));
}

/** The owner or the bot (not a Discord user). */
export function isOwnerSide(person: Person): boolean {
  return person.kind !== 'discord';
}

/**
 * May this person look at this job? Their own, any job of the server they are in (its messages are in that
 * server's channels anyway), and for the owner everything.
 */
export function canSeeJob(person: Person, job: Job): boolean {
  if (isOwnerSide(person) || job.userId === person.userId) return true;
  return person.guildId !== null && job.guildId === person.guildId;
}

/**
 * May this person look a job up by id (/history view, /queue status)? Their own, and as a server admin their
 * server's: nobody reaches another member's history by guessing ids.
 */
export function canLookUpJob(person: Person, job: Job): boolean {
  if (isOwnerSide(person) || job.userId === person.userId) return true;
  return person.level === 'admin' && person.guildId !== null && job.guildId === person.guildId;
}

/** May this person act on (cancel, delete) this job? Their own, or any of their server's as its admin. */
export function canManageJob(person: Person, job: Job): boolean {
  if (isOwnerSide(person)) return true;
  if (job.userId === person.userId) return atLeast(person.level, 'generator');
  return person.level === 'admin' && person.guildId !== null && job.guildId === person.guildId;
}
