/** /admin setroles | limits | banned-words — server admins only. */
import { SlashCommandBuilder } from 'discord.js';
import { DEFAULT_GUILD_RATE, DEFAULT_USER_RATE, type GuildLimits } from '@shared/guilds';
import type { BotCommand } from '../context';

import { deniedMessage } from '@shared/permissions';
import { Refusal, replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('admin')
  .setDescription('Server settings for ComfyDesk (admins)')
  .addSubcommand((s) =>
    s
      .setName('setroles')
      .setDescription('Which roles may generate and administer')
      .addRoleOption((o) => o.setName('generator').setDescription('Role that may generate'))
      .addRoleOption((o) => o.setName('admin').setDescription('Role with admin rights in ComfyDesk')),
  )
  .addSubcommand((s) =>
    s
      .setName('limits')
      .setDescription('Queue and rate limits')
      .addIntegerOption((o) =>
        o.setName('per_user_queue').setDescription('Jobs one member may have waiting').setMinValue(1).setMaxValue(100),
      )
      .addIntegerOption((o) =>
        o.setName('user_rate').setDescription('Jobs per member per window').setMinValue(1).setMaxValue(1000),
      )
      .addIntegerOption((o) =>
        o.setName('user_window').setDescription('Member window in seconds').setMinValue(1).setMaxValue(86400),
      )
      .addIntegerOption((o) =>
        o
          .setName('guild_rate')
          .setDescription('Jobs for the whole server per window')
          .setMinValue(1)
          .setMaxValue(10000),
      )
      .addIntegerOption((o) =>
        o.setName('guild_window').setDescription('Server window in seconds').setMinValue(1).setMaxValue(86400),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('banned-words')
      .setDescription('Words prompts may not contain')
      .addStringOption((o) =>
        o
          .setName('action')
          .setDescription('What to do')
          .setRequired(true)
          .addChoices(
            { name: 'add', value: 'add' },
            { name: 'remove', value: 'remove' },
            { name: 'list', value: 'list' },
            { name: 'clear', value: 'clear' },
          ),
      )
      .addStringOption((o) => o.setName('words').setDescription('Comma-separated words or phrases').setMaxLength(1000)),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'admin',
  data,
  async execute(ctx, i, caller) {
    if (!caller.guildId) throw new Refusal('Not here', 'Use /admin in a server.');
    const core = ctx.core.forUser(caller.actor);
    const me = await core.call('discord.whoami', {});
    if (me.level !== 'admin' || !me.guild) {
      throw new Refusal('Not allowed', deniedMessage('admin', 'change ComfyDesk’s settings here'));
    }
    const guild = me.guild;
    const sub = i.options.getSubcommand(true);
    if (sub === 'setroles') {
      const generator = i.options.getRole('generator');
      const admin = i.options.getRole('admin');
      if (!generator && !admin)
        throw new Refusal('Nothing to change', 'Give a generator role, an admin role, or both.');
      // The chosen role replaces the mapping of its level; the other levels stay as they are.
      const roles = [
        ...me.roles.filter((r) => !(generator && r.level === 'generator') && !(admin && r.level === 'admin')),
        ...(generator ? [{ roleId: generator.id, level: 'generator' as const }] : []),
        ...(admin ? [{ roleId: admin.id, level: 'admin' as const }] : []),
      ];
      const saved = await core.call('bot.updateGuild', { id: guild.id, roles });
      const lines = saved.roles.map((r) => `<@&${r.roleId}> → ${r.level}`);
      await replyInfo(i, 'Roles saved', lines.join('\n'), [], ctx.logger);
      return;
    }
    if (sub === 'limits') {
      const current = guild.limits;
      const next: GuildLimits = { ...current };
      const perUser = i.options.getInteger('per_user_queue');
      if (perUser !== null) next.perUserQueue = perUser;
      const ur = i.options.getInteger('user_rate');
      const uw = i.options.getInteger('user_window');
      if (ur !== null || uw !== null)
        next.userRate = {
          count: ur ?? current.userRate?.count ?? DEFAULT_USER_RATE.count,
          windowSec: uw ?? current.userRate?.windowSec ?? DEFAULT_USER_RATE.windowSec,
        };
      const gr = i.options.getInteger('guild_rate');
      const gw = i.options.getInteger('guild_window');
      if (gr !== null || gw !== null)
        next.guildRate = {
          count: gr ?? current.guildRate?.count ?? DEFAULT_GUILD_RATE.count,
          windowSec: gw ?? current.guildRate?.windowSec ?? DEFAULT_GUILD_RATE.windowSec,
        };
      const saved = await core.call('bot.updateGuild', { id: guild.id, limits: next });
      const after = await core.call('discord.whoami', {});
      const u = saved.limits.userRate ?? DEFAULT_USER_RATE;
      const g = saved.limits.guildRate ?? DEFAULT_GUILD_RATE;
      await replyInfo(
        i,
        'Limits',
        [
          `Queue per member: ${saved.limits.perUserQueue ?? `${after.perUserQueue} (desktop default)`}`,
          `Per member: ${u.count} jobs per ${u.windowSec} s`,
          `Whole server: ${g.count} jobs per ${g.windowSec} s`,
        ].join('\n'),
        [],
        ctx.logger,
      );
      return;
    }
    if (sub === 'banned-words') {
      const action = i.options.getString('action', true);
      const words = (i.options.getString('words') ?? '')
        .split(',')
        .map((w) => w.trim())
        .filter(Boolean);
      const current = guild.bannedWords;
      if ((action === 'add' || action === 'remove') && words.length === 0)
        throw new Refusal('Nothing to change', 'Give the words, separated by commas.');
      const drop = new Set(words.map((w) => w.toLowerCase()));
      const next =
        action === 'add'
          ? [...current, ...words]
          : action === 'remove'
            ? current.filter((w) => !drop.has(w.toLowerCase()))
            : action === 'clear'
              ? []
              : null;
      const now = next
        ? (await core.call('bot.updateGuild', { id: guild.id, bannedWords: next })).bannedWords
        : current;
      await replyInfo(
        i,
        `Banned words (${now.length})`,
        now.length ? now.map((w) => `\`${w}\``).join(', ') : 'None.',
        [],
        ctx.logger,
      );
    }
  },
};
