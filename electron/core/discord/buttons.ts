/**
 * Result and progress buttons (`cd:<action>:<jobId>`) and the Edit/Animate modals. The job is read from the
 * core on every click, so buttons keep working after a restart; every click is judged by the core as the clicker
 * in the server the job belongs to.
 */
import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { deniedMessage } from '@shared/permissions';
import { buttonId, parseButtonId, type ButtonAction } from '@shared/button-ids';
import { jobLabel } from '@shared/format';
import type { Job } from '@shared/jobs';
import { callerInGuild, type BotServices, type Caller } from './context';
import { BUTTON_KINDS } from './options';
import { Refusal, replyInfo } from './respond';
import { pickWorkflow, submitJob, submitRerun, type JobRequest } from './submit';

/**
 * The clicker as the core should judge them for this job: a click in a server acts there (a button never acts on
 * another server's job); a click in a DM (a result sent by DM) acts in the server the job came from.
 */
async function effectiveCaller(ctx: BotServices, caller: Caller, job: Job): Promise<Caller> {
  if (caller.guildId) {
    if (job.guildId !== caller.guildId)
      throw new Refusal('Unknown job', 'This button belongs to a job from somewhere else.');
    return caller;
  }
  if (job.userId !== caller.userId) throw new Refusal('Unknown job', 'This button belongs to someone else’s job.');
  if (!job.guildId) return caller;
  const there = await callerInGuild(ctx, caller, job.guildId);
  if (!there) throw new Refusal('Not available', 'You are no longer in the server this job came from.');
  return there;
}

async function loadJob(ctx: BotServices, caller: Caller, jobId: string): Promise<Job> {
  try {
    return await ctx.core.forUser(caller.actor).call('jobs.get', { id: jobId });
  } catch {
    throw new Refusal('Job gone', 'This job no longer exists (it was deleted on the desktop).');
  }
}

/** The first image this job made, as an input for the next job. */
async function firstImage(
  ctx: BotServices,
  caller: Caller,
  job: Job,
): Promise<{ slot: number; path: string; filename: string }> {
  const outputs = await ctx.core.forUser(caller.actor).call('library.byJob', { jobId: job.id });
  const out = outputs.find((o) => o.kind === 'image');
  if (!out) {
    throw new Refusal(
      'No image',
      'This job has no image to work on (it made a video, or its files were deleted on the desktop).',
    );
  }
  return { slot: 0, path: out.filePath, filename: out.filePath.split(/[\\/]/).pop() ?? 'image.png' };
}

async function requestFor(
  ctx: BotServices,
  caller: Caller,
  action: ButtonAction,
  job: Job,
  text: string | null,
): Promise<JobRequest> {
  const kind = BUTTON_KINDS[action];
  if (!kind) throw new Refusal('Unknown button', 'This button does nothing any more.');
  const workflow = pickWorkflow(
    ctx,
    kind,
    kind === 'upscale' && ctx.catalog.get('upscale')?.kind === 'upscale' ? 'upscale' : null,
  );
  const params: Record<string, unknown> = {};
  if (action === 'upscale2' || action === 'upscale4') params.scale = action === 'upscale2' ? '2x' : '4x';
  return {
    workflow,
    prompt: text ?? '',
    negative: '',
    params,
    localInputs: [await firstImage(ctx, caller, job)],
    delivery: job.delivery,
    parentJobId: job.id,
  };
}

/** Refusals thrown here are answered by the interaction router. */
export async function handleButton(ctx: BotServices, i: ButtonInteraction, rawCaller: Caller): Promise<void> {
  const parsed = parseButtonId(i.customId);
  if (!parsed) {
    throw new Refusal('Unknown button', 'This button is from an older version of ComfyDesk and does nothing now.');
  }
  const job = await loadJob(ctx, rawCaller, parsed.jobId);
  const caller = await effectiveCaller(ctx, rawCaller, job);
  switch (parsed.action) {
    case 'delete': {
      const me = await ctx.core.forUser(caller.actor).call('discord.whoami', {});
      if (job.userId !== caller.userId && me.level !== 'admin') {
        throw new Refusal('Not allowed', 'Only the person who asked for it, or a server admin, can delete this.');
      }
      await i.deferUpdate();
      await i.deleteReply();
      return;
    }
    case 'cancel': {
      const result = await ctx.core.forUser(caller.actor).call('jobs.cancel', { id: job.id });
      await replyInfo(
        i,
        'Cancelling',
        result.action === 'already-ended'
          ? `Job ${jobLabel(job)} is already over.`
          : `Job ${jobLabel(job)} is being cancelled.`,
        [],
        ctx.logger,
      );
      return;
    }
    case 'edit':
    case 'animate': {
      const me = await ctx.core.forUser(caller.actor).call('discord.whoami', {});
      if (me.level === 'user') throw new Refusal('Not allowed', deniedMessage('generator', 'start jobs'));
      await firstImage(ctx, caller, job);
      const input = new TextInputBuilder()
        .setCustomId('text')
        .setLabel(parsed.action === 'edit' ? 'What should change?' : 'What should happen? (optional)')
        .setStyle(TextInputStyle.Paragraph)
        .setMaxLength(2000)
        .setRequired(parsed.action === 'edit');
      const modal = new ModalBuilder()
        .setCustomId(buttonId(parsed.action, job.id))
        .setTitle(parsed.action === 'edit' ? 'Edit this image' : 'Animate this image')
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
      await i.showModal(modal);
      return;
    }
    case 'vary':
    case 'rerun':
      await submitRerun(ctx, i, caller, job, { newSeed: parsed.action === 'vary' });
      return;
    default:
      await submitJob(ctx, i, caller, await requestFor(ctx, caller, parsed.action, job, null));
  }
}

export async function handleModal(ctx: BotServices, i: ModalSubmitInteraction, rawCaller: Caller): Promise<void> {
  const parsed = parseButtonId(i.customId);
  if (!parsed || (parsed.action !== 'edit' && parsed.action !== 'animate'))
    throw new Refusal('Unknown form', 'This form is from an older version of ComfyDesk.');
  const job = await loadJob(ctx, rawCaller, parsed.jobId);
  const caller = await effectiveCaller(ctx, rawCaller, job);
  let text = '';
  try {
    text = i.fields.getTextInputValue('text');
  } catch {
    text = '';
  }
  if (parsed.action === 'edit' && text.trim() === '')
    throw new Refusal('Empty instruction', 'Tell me what to change, e.g. "make it night".');
  await submitJob(ctx, i, caller, await requestFor(ctx, caller, parsed.action, job, text));
}
