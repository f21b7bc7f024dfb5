/** /usage me | server — GPU time: the caller's (today, this week, quota, jobs waiting) and a server's top users. */
import { SlashCommandBuilder } from 'discord.js';
import type { QuotaView, UsageMe, UsageServer } from '@shared/api/usage';
import { formatDuration } from '@shared/embeds';
import type { EmbedField } from '@shared/embeds';
import type { BotCommand } from '../context';
import { replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('usage')
  .setDescription('GPU time used')
  .addSubcommand((s) => s.setName('me').setDescription('Your GPU time today and this week, quota left, jobs waiting'))
  .addSubcommand((s) =>
    s
      .setName('server')
      .setDescription('Top users of this server by GPU time (admins)')
      .addStringOption((o) =>
        o
          .setName('period')
          .setDescription('Since when (default: this week)')
          .addChoices(
            { name: 'today', value: 'day' },
            { name: 'this week', value: 'week' },
            { name: 'this month', value: 'month' },
          ),
      )
      .addIntegerOption((o) =>
        o.setName('top').setDescription('How many users (default 10)').setMinValue(1).setMaxValue(25),
      ),
  )
  .toJSON();

/** `<t:…:t>`: Discord shows the time in each reader's own time zone. */
const at = (ms: number, style: 't' | 'R' | 'f'): string => `<t:${Math.floor(ms / 1000)}:${style}>`;

function quotaText(q: QuotaView | null): string {
  if (!q) return 'No daily limit';
  const scope = q.scope === 'guild' ? 'in this server' : 'across every server';
  const waiting = q.waitingMs > 0 ? `, ${formatDuration(q.waitingMs)} set aside for your jobs not finished yet` : '';
  return (
    `${formatDuration(q.leftMs)} left of ${formatDuration(q.limitMs)} a day ${scope}${waiting}.\n` +
    `Resets at midnight (${q.timeZone}): ${at(q.resetsAt, 'f')}, ${at(q.resetsAt, 'R')}.`
  );
}

export function usageMeFields(me: UsageMe): EmbedField[] {
  const waiting = me.waiting.slice(0, 10).map((w) => {
    const where = w.position === null ? 'running' : `#${w.position} in line`;
    const starts = w.startsInMs !== null ? ` · starts in about ${formatDuration(w.startsInMs)}` : '';
    return `Job #${w.number} (${w.workflow}) — ${where}${starts}`;
  });
  if (me.waiting.length > 10) waiting.push(`…and ${me.waiting.length - 10} more`);
  return [
    { name: 'Today', value: `${formatDuration(me.todayMs)} of GPU time (${me.todayJobs} jobs)`, inline: true },
    { name: 'This week', value: formatDuration(me.weekMs), inline: true },
    { name: 'Quota', value: quotaText(me.quota), inline: false },
    { name: 'Your jobs', value: waiting.length ? waiting.join('\n') : 'Nothing waiting or running.', inline: false },
  ];
}

export function usageServerText(s: UsageServer): string {
  const since = { day: 'today', week: 'this week', month: 'this month' }[s.period];
  const head = `${formatDuration(s.totals.gpuMs)} of GPU time ${since}: ${s.totals.jobs} jobs, ${s.totals.failed} failed, ${s.totals.users} users.`;
  const rows = s.top.map(
    (u, n) =>
      `**${n + 1}.** <@${u.userId}> — ${formatDuration(u.gpuMs)} · ${u.jobs} job${u.jobs === 1 ? '' : 's'}` +
      (u.failed ? ` · ${u.failed} failed` : ''),
  );
  return [head, ...rows].join('\n');
}

export const command: BotCommand = {
  name: 'usage',
  data,
  async execute(ctx, i, caller) {
    await i.deferReply({ flags: 64 });
    const core = ctx.core.forUser(caller.actor);
    if (i.options.getSubcommand(true) === 'server') {
      const period = (i.options.getString('period') ?? 'week') as 'day' | 'week' | 'month';
      const limit = i.options.getInteger('top') ?? 10;
      const server = await core.call('usage.server', { period, limit });
      await replyInfo(i, 'GPU time on this server', usageServerText(server), [], ctx.logger);
      return;
    }
    const me = await core.call('usage.me', {});
    await replyInfo(i, 'Your GPU time', `Days are counted in ${me.timeZone}.`, usageMeFields(me), ctx.logger);
  },
};
