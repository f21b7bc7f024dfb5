/**
 * /owner … — the GPU owner's controls from anywhere the bot is, for the Discord account they linked in the app
 * (/link). Everyone else gets the core's plain "not available" (ephemeral, nothing about what it does). Every
 * action is logged by the core and shown in the app.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { OwnerActInput, OwnerOverview } from '@shared/api/owner';
import { formatDuration } from '@shared/embeds';
import type { BotCommand, Caller } from '../context';
import { replyInfo } from '../respond';

/** Who, then (for a block) the reason they are shown, then whether it covers every server; required options first. */
const userAndScope = (s: import('discord.js').SlashCommandSubcommandBuilder, reason: boolean) => {
  s.addUserOption((o) => o.setName('user').setDescription('Who').setRequired(true));
  if (reason)
    s.addStringOption((o) => o.setName('reason').setDescription('Shown to them').setRequired(true).setMaxLength(300));
  return s.addBooleanOption((o) => o.setName('everywhere').setDescription('Every server, not only this one'));
};

const data = new SlashCommandBuilder()
  .setName('owner')
  .setDescription('For the GPU owner')
  .addSubcommand((s) => s.setName('pause').setDescription('Pause the queue'))
  .addSubcommand((s) => s.setName('resume').setDescription('Resume the queue'))
  .addSubcommand((s) =>
    s
      .setName('cancel')
      .setDescription('Cancel any job')
      .addStringOption((o) => o.setName('job').setDescription('Job number or id').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((s) => userAndScope(s.setName('block').setDescription('Stop someone from generating'), true))
  .addSubcommand((s) => userAndScope(s.setName('unblock').setDescription('Let someone generate again'), false))
  .addSubcommand((s) => s.setName('health').setDescription('Health summary'))
  .addSubcommand((s) => s.setName('restart-comfy').setDescription('Restart ComfyUI'))
  .addSubcommand((s) => s.setName('free-vram').setDescription('Unload models and free GPU memory'))
  .addSubcommand((s) => s.setName('status').setDescription('Bot status'))
  .toJSON();

type Sub = 'pause' | 'resume' | 'cancel' | 'block' | 'unblock' | 'restart-comfy' | 'free-vram';

/** The action a subcommand asks for (a block or unblock in a DM, or with everywhere, covers every server). */
function actionOf(sub: Sub, i: import('discord.js').ChatInputCommandInteraction, caller: Caller): OwnerActInput {
  const scope = (): string | null => (i.options.getBoolean('everywhere') ? null : caller.guildId);
  switch (sub) {
    case 'pause':
    case 'resume':
      return { action: sub };
    case 'cancel':
      return { action: 'cancel', job: i.options.getString('job', true) };
    case 'block': {
      const user = i.options.getUser('user', true);
      const userName = (user.globalName ?? user.username).slice(0, 100) || user.id;
      return {
        action: 'block',
        userId: user.id,
        userName,
        guildId: scope(),
        reason: i.options.getString('reason', true),
      };
    }
    case 'unblock':
      return { action: 'unblock', userId: i.options.getUser('user', true).id, guildId: scope() };
    case 'restart-comfy':
      return { action: 'restartComfy' };
    case 'free-vram':
      return { action: 'freeVram' };
  }
}

export function overviewText(o: OwnerOverview, topic: 'health' | 'status', now: number): string {
  if (topic === 'status') {
    const up = o.bot.onlineSince !== null ? ` for ${formatDuration(now - o.bot.onlineSince)}` : '';
    return `Bot ${o.bot.status}${up} as ${o.bot.username ?? '?'}, in ${o.bot.guilds} server${o.bot.guilds === 1 ? '' : 's'}.`;
  }
  const gb = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GB`;
  const gpus = o.devices.map((d) =>
    d.vramFree !== null && d.vramTotal ? `${d.name}: ${gb(d.vramFree)} of ${gb(d.vramTotal)} free` : d.name,
  );
  const q = o.health.queue;
  return [
    `ComfyUI ${o.health.comfy.status}`,
    ...o.health.comfy.backends
      .filter((b) => b.enabled)
      .map((b) => `• ${b.name}: ${b.status}${b.error ? ` — ${b.error}` : ''}`),
    ...gpus,
    `Queue: ${q.queued} waiting, ${q.running} running${q.paused ? ' (paused)' : ''}`,
    `Bot ${o.health.bot.status}, ${o.health.bot.guilds} server${o.health.bot.guilds === 1 ? '' : 's'}`,
  ].join('\n');
}

export const command: BotCommand = {
  name: 'owner',
  data,
  async execute(ctx, i, caller) {
    await i.deferReply({ flags: 64 });
    const core = ctx.core.forUser(caller.actor);
    const sub = i.options.getSubcommand(true);
    if (sub === 'health' || sub === 'status') {
      const overview = await core.call('owner.overview', { topic: sub });
      const title = sub === 'health' ? 'Health' : 'Bot status';
      await replyInfo(i, title, overviewText(overview, sub, ctx.clock.now()), [], ctx.logger);
      return;
    }
    const done = await core.call('owner.act', actionOf(sub as Sub, i, caller));
    await replyInfo(i, 'Done', done.message, [], ctx.logger);
  },
};
