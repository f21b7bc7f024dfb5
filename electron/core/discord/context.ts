/**
 * What every command, button and modal handler gets: the bot's services (the core API client, the Discord
 * client, progress messages, the workflow catalog) and who is asking, as the facts Discord gave (user, server,
 * roles); the core turns those into a level and decides what they may do.
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
import type { DiscordUserActor } from '@shared/actor';
import type { Job } from '@shared/jobs';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { AckGate } from './ack-gate';
import type { WorkflowCatalog } from './catalog';
import type { CoreClient } from './core-client';
import type { ProgressMessenger } from './progress';

export interface BotServices {
  client: Client<true>;
  applicationId: string;
  /** The core API as the bot itself; `core.forUser(caller.actor)` acts for the user. */
  core: CoreClient;
  clock: Clock;
  logger: Logger;
  progress: ProgressMessenger;
  /** Lets acknowledgements go out before slower work (see ack-gate.ts). */
  acks: AckGate;
  /** Origins attachments may be downloaded from (Discord's CDN; the fake's in tests). */
  cdnOrigins: readonly string[];
  /** The workflows and the default one, kept current from the core's events. */
  catalog: WorkflowCatalog;
  /** A job's progress message was just posted: follow it (and finish the message if the job already ended). */
  followJob(job: Job): void;
}

/** Who is asking: the facts of the interaction, as the core's actor, and when it arrived. */
export interface Caller {
  actor: DiscordUserActor;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  /** When the bot received the interaction (bot clock). */
  receivedAt: number;
}

export interface BotCommand {
  name: string;
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Throw a Refusal or let an ApiError through to refuse: the router answers it ephemerally (respond.ts). */
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

const clip100 = (s: string | null | undefined, fallback: string): string => (s ?? '').slice(0, 100) || fallback;

function caller(actor: DiscordUserActor, receivedAt: number): Caller {
  return { actor, userId: actor.userId, guildId: actor.guildId, channelId: actor.channelId, receivedAt };
}

export function callerOf(ctx: Pick<BotServices, 'clock'>, interaction: Interaction): Caller {
  const user = interaction.user;
  const channel = interaction.channel;
  const base = {
    kind: 'discord' as const,
    userId: user.id,
    userName: clip100(user.globalName ?? user.username, user.id),
    channelId: interaction.channelId,
    // Discord's age-restricted flag of the channel (a server's NSFW words are allowed only there).
    channelNsfw: channel !== null && 'nsfw' in channel && channel.nsfw === true,
  };
  if (!interaction.inGuild()) {
    return caller({ ...base, guildId: null, guildName: null, roleIds: [], guildAdmin: false }, ctx.clock.now());
  }
  const isAdmin = interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
  const isOwner = interaction.guild?.ownerId === user.id;
  return caller(
    {
      ...base,
      guildId: interaction.guildId,
      guildName: interaction.guild?.name ? clip100(interaction.guild.name, interaction.guildId) : null,
      roleIds: memberRoleIds(interaction),
      guildAdmin: isAdmin || isOwner,
    },
    ctx.clock.now(),
  );
}

/**
 * The same user as a member of another server (a button on a result sent by DM acts in the server the job came
 * from): their roles there are fetched from Discord. Null when they are no longer in it.
 */
export async function callerInGuild(
  ctx: Pick<BotServices, 'client'>,
  from: Caller,
  guildId: string,
): Promise<Caller | null> {
  const g = ctx.client.guilds.cache.get(guildId);
  if (!g) return null;
  try {
    const member = await g.members.fetch(from.userId);
    const isAdmin = member.permissions.has(PermissionFlagsBits.Administrator) || g.ownerId === from.userId;
    return caller(
      {
        ...from.actor,
        // Acting in the server from a DM: not one of its channels, and not age-restricted.
        fromDm: from.guildId === null,
        channelNsfw: false,
        guildId,
        guildName: clip100(g.name, guildId),
        roleIds: [...member.roles.cache.keys()],
        guildAdmin: isAdmin,
      },
      from.receivedAt,
    );
  } catch {
    return null;
  }
}
