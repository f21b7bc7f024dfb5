/**
 * Which methods each kind of actor may call at all; the handlers then decide the finer rules (whose job, which
 * server, which level). The owner may call everything but the bot's own bookkeeping; a Discord user (through the
 * bot) what a Discord command needs; the bot, as itself, its bookkeeping and what it reads to follow jobs.
 */
import type { Actor } from '@shared/actor';
import type { MethodName } from '@shared/api';

/** What a Discord user may ask for (through the bot). */
const DISCORD_USER: ReadonlySet<MethodName> = new Set<MethodName>([
  'jobs.admit',
  'jobs.submit',
  'jobs.get',
  'jobs.find',
  'jobs.list',
  'jobs.queue',
  'jobs.cancel',
  'jobs.clearUser',
  'jobs.rerun',
  'jobs.uploadInput',
  'templates.list',
  'templates.save',
  'templates.delete',
  'workflows.list',
  'workflows.readiness',
  'users.setDefaultDelivery',
  'discord.whoami',
  'bot.updateGuild',
  'health.summary',
  'models.list',
  'comfy.devices',
  'backends.activity',
  'library.byJob',
  'usage.me',
  'usage.server',
  // Linking needs the code; the other two answer only the linked account (the handlers check).
  'owner.link',
  'owner.act',
  'owner.overview',
]);

/** The bot's own bookkeeping: only the bot, as itself. */
const BOT_ONLY: ReadonlySet<MethodName> = new Set<MethodName>([
  'discord.guildSeen',
  'discord.guildLeft',
  'discord.setJobMessages',
  'discord.delivered',
  'discord.deliveryFailed',
  'discord.pendingDeliveries',
  'discord.guild',
]);

/** What the bot reads, as itself, to follow jobs and answer. */
const BOT_READS: ReadonlySet<MethodName> = new Set<MethodName>([
  'jobs.get',
  'jobs.list',
  'workflows.list',
  'workflows.readiness',
  'library.byJob',
  'health.summary',
  'models.list',
  'comfy.devices',
  'backends.activity',
  'settings.get',
]);

export function mayCall(actor: Actor, method: MethodName): boolean {
  switch (actor.kind) {
    case 'owner':
      return !BOT_ONLY.has(method) && method !== 'discord.whoami';
    case 'bot':
      return BOT_ONLY.has(method) || BOT_READS.has(method);
    case 'discord':
      return DISCORD_USER.has(method);
  }
}
