/** /queue view | status id | cancel id | clear */
import { SlashCommandBuilder } from 'discord.js';
import type { JobProgressView } from '@shared/api/jobs';
import { formatDuration, progressBar, PHASE_LABELS, startsText } from '@shared/embeds';
import { jobChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { jobLabel, oneLine } from '@shared/format';
import { replyInfo } from '../respond';

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

/** A job's state in one line: running ("Sampling 45% · about 1 min left") or waiting ("#3 in line · starts in about 2 min"). */
function standing(p: JobProgressView): string {
  if (!p.wait) {
    const left = p.etaMs !== null ? ` · about ${formatDuration(p.etaMs)} left` : '';
    return `${PHASE_LABELS[p.phase]} ${Math.floor(p.percent)}%${left}`;
  }
  const where = p.wait.kind === 'queue' ? `#${p.position ?? '?'} in line` : p.wait.reason;
  const starts = startsText(p.wait);
  return starts ? `${where} · ${starts.charAt(0).toLowerCase()}${starts.slice(1)}` : where;
}

/** Jobs listed from the front of the line (Discord's embed has room for about this many). */
const SHOWN = 20;

export const command: BotCommand = {
  name: 'queue',
  data,
  async execute(ctx, i, caller) {
    const sub = i.options.getSubcommand(true);
    const core = ctx.core.forUser(caller.actor);
    if (sub === 'view') {
      const snap = await core.call('jobs.queue', { limit: SHOWN });
      const describe = ({ job }: (typeof snap.active)[number]): string => {
        const mine = job.userId === caller.userId;
        // The core blanks the prompts of jobs this user may not see.
        const visible = mine || job.prompt !== '' || Object.keys(job.params).length > 0;
        return visible
          ? `${jobLabel(job)} · ${oneLine(job.prompt, 60)}${mine ? '' : ` · <@${job.userId}>`}`
          : 'someone else’s job';
      };
      const front = snap.active.slice(0, SHOWN);
      const lines = front.map((a, n) => `**${n + 1}.** ${standing(a.progress)} — ${describe(a)}`);
      // The caller's own jobs further back (the core adds them past the window).
      const yours = snap.active.slice(SHOWN).filter((a) => a.job.userId === caller.userId);
      if (yours.length)
        lines.push('', '**Yours, further back:**', ...yours.map((a) => `${standing(a.progress)} — ${describe(a)}`));
      const total = snap.active.filter((a) => a.progress.position === null).length + snap.waiting;
      const rest = total - front.length - yours.length;
      const more = rest > 0 ? `\n…and ${rest} more` : '';
      const head = snap.paused ? '⏸️ The queue is paused by the desktop owner.\n\n' : '';
      await replyInfo(
        i,
        `Queue (${total})`,
        `${head}${lines.join('\n') || 'Nothing is waiting or running.'}${more}`,
        [],
        ctx.logger,
      );
      return;
    }
    if (sub === 'status') {
      const job = await core.call('jobs.find', { query: i.options.getString('id', true) });
      const snap = await core.call('jobs.queue', {});
      const live = snap.active.find((a) => a.job.id === job.id)?.progress;
      const lines = [`Status: **${job.status}**`, `> ${oneLine(job.prompt, 200)}`];
      if (live) {
        lines.push(`${progressBar(live.percent)} ${standing(live)}`);
        if (live.wait && live.wait.kind !== 'queue') lines.push(live.wait.hint);
        if (live.notice) lines.push(`⚠️ ${live.notice}`);
      }
      if (job.error) lines.push(`Error: ${job.error}${job.errorHint ? `\n${job.errorHint}` : ''}`);
      await replyInfo(i, `Job ${jobLabel(job)}`, lines.join('\n'), [], ctx.logger);
      return;
    }
    if (sub === 'cancel') {
      const job = await core.call('jobs.find', { query: i.options.getString('id', true) });
      const result = await core.call('jobs.cancel', { id: job.id });
      const said = {
        removed: 'removed from the queue',
        deleted: 'removed from ComfyUI’s queue',
        interrupting: 'interrupted',
        'already-ended': 'already over',
      }[result.action];
      await replyInfo(i, 'Cancelled', `Job ${jobLabel(job)} was ${said}.`, [], ctx.logger);
      return;
    }
    if (sub === 'clear') {
      const { cancelled } = await core.call('jobs.clearUser', { userId: caller.userId });
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
