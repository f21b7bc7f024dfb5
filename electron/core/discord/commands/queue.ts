/** /queue view | status id | cancel id | clear */
import { SlashCommandBuilder } from 'discord.js';
import { formatDuration, progressBar, PHASE_LABELS } from '@shared/embeds';
import { jobChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { oneLine, shortId } from '../format';
import { findJob } from '../job-lookup';
import { atLeast, deniedMessage } from '../permissions';
import { Refusal, replyInfo } from '../respond';

const data = new SlashCommandBuilder()
  .setName('queue')
  .setDescription('The generation queue')
  .addSubcommand((s) => s.setName('view').setDescription('What is waiting and running'))
  .addSubcommand((s) =>
    s
      .setName('status')
      .setDescription('Progress of one job')
      .addStringOption((o) => o.setName('id').setDescription('Job id').setRequired(true).setAutocomplete(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('cancel')
      .setDescription('Cancel a job')
      .addStringOption((o) => o.setName('id').setDescription('Job id').setRequired(true).setAutocomplete(true)),
  )
  .addSubcommand((s) => s.setName('clear').setDescription('Cancel all your waiting jobs'))
  .toJSON();

export const queueCommand: BotCommand = {
  name: 'queue',
  data,
  async execute(ctx, i, caller) {
    const sub = i.options.getSubcommand(true);
    if (sub === 'view') {
      const snap = await ctx.jobs.queue();
      const lines = snap.active.slice(0, 20).map(({ job, progress }, n) => {
        const mine = job.userId === caller.userId;
        const visible = mine || (caller.level === 'admin' && job.guildId === caller.guildId && caller.guildId !== null);
        const what = visible
          ? `${shortId(job.id)} · ${oneLine(job.prompt, 60)}${mine ? '' : ` · <@${job.userId}>`}`
          : 'someone else’s job';
        return `**${n + 1}.** ${PHASE_LABELS[progress.phase]} ${Math.floor(progress.percent)}% — ${what}`;
      });
      const more = snap.active.length > 20 ? `\n…and ${snap.active.length - 20} more` : '';
      const head = snap.paused ? '⏸️ The queue is paused by the desktop owner.\n\n' : '';
      await replyInfo(
        i,
        `Queue (${snap.active.length})`,
        `${head}${lines.join('\n') || 'Nothing is waiting or running.'}${more}`,
        [],
        ctx.logger,
      );
      return;
    }
    if (sub === 'status') {
      const job = findJob(ctx, caller, i.options.getString('id', true));
      const snap = await ctx.jobs.queue();
      const live = snap.active.find((a) => a.job.id === job.id)?.progress;
      const lines = [`Status: **${job.status}**`, `> ${oneLine(job.prompt, 200)}`];
      if (live) {
        lines.push(`${progressBar(live.percent)} ${Math.floor(live.percent)}% · ${PHASE_LABELS[live.phase]}`);
        if (live.position) lines.push(`Position: #${live.position}`);
        if (live.etaMs !== null) lines.push(`Time left: about ${formatDuration(live.etaMs)}`);
      }
      if (job.error) lines.push(`Error: ${job.error}`);
      await replyInfo(i, `Job ${shortId(job.id)}`, lines.join('\n'), [], ctx.logger);
      return;
    }
    if (sub === 'cancel') {
      if (!atLeast(caller.level, 'generator'))
        throw new Refusal('Not allowed', deniedMessage('generator', 'cancel jobs'));
      const job = findJob(ctx, caller, i.options.getString('id', true));
      if (job.userId !== caller.userId && caller.level !== 'admin')
        throw new Refusal('Not allowed', deniedMessage('admin', 'cancel other people’s jobs'));
      const result = await ctx.jobs.cancel(job.id);
      const said = {
        removed: 'removed from the queue',
        deleted: 'removed from ComfyUI’s queue',
        interrupting: 'interrupted',
        'already-ended': 'already over',
      }[result.action];
      await replyInfo(i, 'Cancelled', `Job ${shortId(job.id)} was ${said}.`, [], ctx.logger);
      return;
    }
    if (sub === 'clear') {
      if (!atLeast(caller.level, 'generator'))
        throw new Refusal('Not allowed', deniedMessage('generator', 'clear your queue'));
      const { cancelled } = await ctx.jobs.clearUser(caller.userId);
      await replyInfo(
        i,
        'Queue cleared',
        cancelled ? `Cancelled ${cancelled} waiting job${cancelled === 1 ? '' : 's'}.` : 'You had nothing waiting.',
        [],
        ctx.logger,
      );
    }
  },
  async autocomplete(ctx, i, caller) {
    const focused = i.options.getFocused(true);
    if (focused.name !== 'id') return [];
    return jobChoices(ctx, caller, String(focused.value), i.options.getSubcommand(false) === 'cancel');
  },
};
