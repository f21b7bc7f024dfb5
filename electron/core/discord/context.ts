/**
 * What every command, button and modal handler gets: the core services the bot uses, and who is asking
 * (user, guild, level) computed once per interaction.
 */
import {
  PermissionFlagsBits,
  type ApplicationCommandOptionChoiceData,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { HealthSummary } from '@shared/api/health';
import type { Guild, RoleLevel } from '@shared/guilds';
import type { Job } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { Settings } from '@shared/settings';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { AckGate } from './ack-gate';
import type { JobsPort } from './jobs-port';
import { memberLevel } from './permissions';
import type { EditPayload, ProgressMessenger } from './progress';
import type { SlidingWindowLimiter } from './rate-limit';

export interface BotServices {
  client: Client<true>;
  applicationId: string;
  jobs: JobsPort;
  store: Store;
  workflows: WorkflowRegistry;
  clock: Clock;
  logger: Logger;
  limiter: SlidingWindowLimiter;
  progress: ProgressMessenger;
  /** Lets acknowledgements go out before slower work (see ack-gate.ts). */
  acks: AckGate;
  /** Origins attachments may be downloaded from (Discord's CDN; the fake's in tests). */
  cdnOrigins: readonly string[];
  /** The core's event bus (e.g. templates.changed, so the desktop sees templates saved from Discord). */
  events: EventBus;
  settings(): Settings;
  health(): HealthSummary;
  /** Model files of a folder across the connected backends (cached briefly); [] when none answers. */
  models(folder: string): Promise<string[]>;
  /** GPU names and free VRAM of the connected backends, for /status. */
  gpus(): Promise<string[]>;
  outputsOf(jobId: string): Output[];
  /** The progress message's last state for an ended job. */
  endedProgress(job: Job): Omit<EditPayload, 'preview'>;
}

/** Who is asking, in which guild, at which level. */
export interface Caller {
  userId: string;
  userName: string;
  guildId: string | null;
  guildName: string | null;
  channelId: string | null;
  /** The stored guild (created on first sight); null in DMs. */
  guild: Guild | null;
  level: RoleLevel;
  /** When the bot received the interaction (bot clock). */
  receivedAt: number;
}

export interface BotCommand {
  name: string;
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Throw a Refusal (or any error) to refuse: the router answers it ephemerally (respond.ts replyError). */
  execute(ctx: BotServices, interaction: ChatInputCommandInteraction, caller: Caller): Promise<void>;
  autocomplete?(
    ctx: BotServices,
    interaction: AutocompleteInteraction,
    caller: Caller,
  ): Promise<ApplicationCommandOptionChoiceData[]>;
}

/** Role ids of the interaction's member (a cached GuildMember or the raw API member). */
function memberRoleIds(interaction: Interaction): string[] {
  const member = interaction.member;
  if (!member) return [];
  const roles = (member as { roles: unknown }).roles;
  if (Array.isArray(roles)) return roles.filter((r): r is string => typeof r === 'string');
  const cache = (roles as { cache?: Map<string, unknown> } | undefined)?.cache;
  return cache ? [...cache.keys()] : [];
}

/** Level of a member from the stored role mapping (no Discord call). */
export function levelFromFacts(
  store: Store,
  guildId: string,
  isGuildAdmin: boolean,
  roleIds: readonly string[],
): RoleLevel {
  const guild = store.guilds.get(guildId);
  return memberLevel(
    { isGuildAdmin, roleIds },
    { mapping: store.guilds.roles(guildId), everyoneLevel: guild?.settings.everyoneLevel },
  );
}

export function callerOf(ctx: Pick<BotServices, 'store' | 'clock'>, interaction: Interaction): Caller {
  const userName = interaction.user.globalName ?? interaction.user.username;
  const base = {
    userId: interaction.user.id,
    userName: userName.slice(0, 100) || interaction.user.id,
    channelId: interaction.channelId,
    receivedAt: ctx.clock.now(),
  };
  if (!interaction.inGuild()) return { ...base, guildId: null, guildName: null, guild: null, level: 'user' };
  const guildId = interaction.guildId;
  const guildName = interaction.guild?.name ?? ctx.store.guilds.get(guildId)?.name ?? guildId;
  const guild = ctx.store.guilds.get(guildId) ?? ctx.store.guilds.upsert(guildId, guildName);
  const isAdmin = interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
  const isOwner = interaction.guild?.ownerId === interaction.user.id;
  const level = levelFromFacts(ctx.store, guildId, isAdmin || isOwner, memberRoleIds(interaction));
  return { ...base, guildId, guildName: guild.name.slice(0, 100) || guildId, guild, level };
}

/**
 * The level of a user in a guild when the interaction came from elsewhere (a button on a result in a DM): the
 * member is fetched from Discord.
 */
export async function levelInGuild(
  ctx: Pick<BotServices, 'client' | 'store'>,
  guildId: string,
  userId: string,
): Promise<RoleLevel | null> {
  const g = ctx.client.guilds.cache.get(guildId);
  if (!g) return null;
  try {
    const member = await g.members.fetch(userId);
    const isAdmin = member.permissions.has(PermissionFlagsBits.Administrator) || g.ownerId === userId;
    return levelFromFacts(ctx.store, guildId, isAdmin, [...member.roles.cache.keys()]);
  } catch {
    return null;
  }
}
