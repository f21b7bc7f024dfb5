/** /history list [status] [limit] | view id | rerun id [delivery] — your own jobs. */
import { SlashCommandBuilder } from 'discord.js';
import { jobEndedEmbed, resultEmbed } from '@shared/embeds';
import { JobStatusSchema } from '@shared/jobs';
import { DeliverySchema } from '@shared/settings';
import { jobChoices } from '../autocomplete';
import type { BotCommand } from '../context';
import { jobLabel, oneLine } from '@shared/format';
import { Refusal, replyEphemeral, replyInfo } from '../respond';
import { submitRerun } from '../submit';

const data = new SlashCommandBuilder()
  .setName('history')
  .setDescription('Your past jobs')
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('Your recent jobs')
      .addStringOption((o) =>
        o
          .setName('status')
          .setDescription('Only jobs in this state')
          .addChoices(
            { name: 'done', value: 'done' },
            { name: 'failed', value: 'failed' },
            { name: 'cancelled', value: 'cancelled' },
            { name: 'queued', value: 'queued' },
            { name: 'running', value: 'running' },
          ),
      )
      .addIntegerOption((o) => o.setName('limit').setDescription('How many (1-25)').setMinValue(1).setMaxValue(25)),
  )
  .addSubcommand((s) =>
    s
      .setName('view')
      .setDescription('Details of a job')
      .addStringOption((o) => o.setName('id').setDescription('Job id').setRequired(true).setAutocomplete(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('rerun')
      .setDescription('Run a job again')
      .addStringOption((o) => o.setName('id').setDescription('Job id').setRequired(true).setAutocomplete(true))
      .addStringOption((o) =>
        o
          .setName('delivery')
          .setDescription('Where the result goes')
          .addChoices({ name: 'This channel', value: 'channel' }, { name: 'Direct message', value: 'dm' }),
      ),
  )
  .toJSON();

export const command: BotCommand = {
  name: 'history',
  data,
  async execute(ctx, i, caller) {
    const sub = i.options.getSubcommand(true);
    const core = ctx.core.forUser(caller.actor);
    if (sub === 'list') {
      const status = JobStatusSchema.safeParse(i.options.getString('status'));
      const limit = Math.min(25, Math.max(1, i.options.getInteger('limit') ?? 10));
      const jobs = await core.call('jobs.list', { ...(status.success ? { statuses: [status.data] } : {}), limit });
      const lines = jobs.map(
        (j) => `\`${jobLabel(j)}\` ${j.status} · ${ctx.catalog.title(j.workflow)} · ${oneLine(j.prompt, 60)}`,
      );
      await replyInfo(i, 'Your jobs', lines.join('\n') || 'No jobs yet.', [], ctx.logger);
      return;
    }
    const job = await core.call('jobs.find', { query: i.options.getString('id', true) });
    if (sub === 'view') {
      const manifest = ctx.catalog.get(job.workflow);
      const embed =
        job.status === 'failed' || job.status === 'cancelled'
          ? jobEndedEmbed(job, manifest?.title)
          : resultEmbed({
              job,
              ...(manifest ? { workflowTitle: manifest.title } : {}),
              who: `<@${job.userId}>`,
              durationMs: job.endedAt && job.startedAt ? job.endedAt - job.startedAt : null,
            });
      if (job.status !== 'done' && job.status !== 'failed' && job.status !== 'cancelled')
        embed.title = `Job ${job.status}`;
      await replyEphemeral(i, embed, ctx.logger);
      return;
    }
    if (sub === 'rerun') {
      if (!ctx.catalog.get(job.workflow))
        throw new Refusal('Workflow gone', `The workflow "${job.workflow}" is not installed any more.`);
      const delivery = DeliverySchema.safeParse(i.options.getString('delivery'));
      await submitRerun(ctx, i, caller, job, {
        newSeed: false,
        delivery: delivery.success ? delivery.data : job.delivery,
      });
    }
  },
  async autocomplete(ctx, i, caller) {
    const focused = i.options.getFocused(true);
    return focused.name === 'id' ? jobChoices(ctx, caller, String(focused.value), false) : [];
  },
};
