/**
 * Result and progress buttons (`cd:<action>:<jobId>`) and the Edit/Animate modals. The job is looked up in
 * SQLite on every click, so buttons keep working after a restart; every click is permission-checked in the
 * guild the job belongs to.
 */
import {
  ActionRowBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ModalSubmitInteraction,
} from 'discord.js';
import { buttonId, parseButtonId, type ButtonAction } from '@shared/button-ids';
import type { Job } from '@shared/jobs';
import type { RoleLevel } from '@shared/guilds';
import { levelInGuild, type BotServices, type Caller } from './context';
import { shortId } from './format';
import { BUTTON_KINDS } from './options';
import { atLeast, deniedMessage } from './permissions';
import { Refusal, replyInfo } from './respond';
import { pickWorkflow, submitJob, type JobRequest } from './submit';

/** The clicker's level where the job lives (a DM click is judged in the job's guild). */
async function effectiveCaller(ctx: BotServices, caller: Caller, job: Job): Promise<Caller> {
  if (caller.guildId) {
    // A button in one guild never acts on another guild's job.
    if (job.guildId !== caller.guildId)
      throw new Refusal('Unknown job', 'This button belongs to a job from somewhere else.');
    return caller;
  }
  if (job.userId !== caller.userId) throw new Refusal('Unknown job', 'This button belongs to someone else’s job.');
  if (!job.guildId) return { ...caller, level: 'generator' };
  const level: RoleLevel | null = await levelInGuild(ctx, job.guildId, caller.userId);
  const guild = ctx.store.guilds.get(job.guildId);
  if (level === null || !guild)
    throw new Refusal('Not available', 'You are no longer in the server this job came from.');
  return { ...caller, level, guildId: job.guildId, guildName: guild.name, guild, channelId: caller.channelId };
}

function loadJob(ctx: BotServices, jobId: string): Job {
  const job = ctx.store.jobs.get(jobId);
  if (!job) throw new Refusal('Job gone', 'This job no longer exists (it was deleted on the desktop).');
  return job;
}

/** The first image this job made, as an input for the next job. */
function firstImage(ctx: BotServices, job: Job): { slot: number; path: string; filename: string } {
  const out = ctx.outputsOf(job.id).find((o) => o.kind === 'image');
  if (!out)
    throw new Refusal(
      'No image',
      'This job has no image to work on (it made a video, or its files were deleted on the desktop).',
    );
  return { slot: 0, path: out.filePath, filename: out.filePath.split(/[\\/]/).pop() ?? 'image.png' };
}

function requestFor(ctx: BotServices, action: ButtonAction, job: Job, text: string | null): JobRequest {
  if (action === 'vary' || action === 'rerun') {
    const workflow = ctx.workflows.get(job.workflow);
    if (!workflow) throw new Refusal('Workflow gone', `The workflow "${job.workflow}" is not installed any more.`);
    const params = { ...job.params };
    if (action === 'vary' && 'seed' in params) params.seed = -1;
    return {
      workflow,
      prompt: job.prompt,
      negative: job.negative,
      params,
      localInputs: job.inputs,
      delivery: job.delivery,
      parentJobId: job.id,
    };
  }
  const kind = BUTTON_KINDS[action];
  if (!kind) throw new Refusal('Unknown button', 'This button does nothing any more.');
  const workflow = pickWorkflow(
    ctx,
    kind,
    kind === 'upscale' && ctx.workflows.get('upscale')?.manifest.kind === 'upscale' ? 'upscale' : null,
  );
  const params: Record<string, unknown> = {};
  if (action === 'upscale2' || action === 'upscale4') params.scale = action === 'upscale2' ? '2x' : '4x';
  return {
    workflow,
    prompt: text ?? '',
    negative: '',
    params,
    localInputs: [firstImage(ctx, job)],
    delivery: job.delivery,
    parentJobId: job.id,
  };
}

/** Refusals thrown here are answered by the interaction router. */
export async function handleButton(ctx: BotServices, i: ButtonInteraction, rawCaller: Caller): Promise<void> {
  const parsed = parseButtonId(i.customId);
  if (!parsed)
    throw new Refusal('Unknown button', 'This button is from an older version of ComfyDesk and does nothing now.');
  const job = loadJob(ctx, parsed.jobId);
  const caller = await effectiveCaller(ctx, rawCaller, job);
  const own = job.userId === caller.userId;
  switch (parsed.action) {
    case 'delete': {
      if (!own && caller.level !== 'admin')
        throw new Refusal('Not allowed', 'Only the person who asked for it, or a server admin, can delete this.');
      await i.deferUpdate();
      await i.deleteReply();
      return;
    }
    case 'cancel': {
      if (!own && caller.level !== 'admin')
        throw new Refusal('Not allowed', deniedMessage('admin', 'cancel other people’s jobs'));
      if (!atLeast(caller.level, 'generator'))
        throw new Refusal('Not allowed', deniedMessage('generator', 'cancel jobs'));
      const result = await ctx.jobs.cancel(job.id);
      await replyInfo(
        i,
        'Cancelling',
        result.action === 'already-ended'
          ? `Job ${shortId(job.id)} is already over.`
          : `Job ${shortId(job.id)} is being cancelled.`,
        [],
        ctx.logger,
      );
      return;
    }
    case 'edit':
    case 'animate': {
      if (!atLeast(caller.level, 'generator'))
        throw new Refusal('Not allowed', deniedMessage('generator', 'start jobs'));
      firstImage(ctx, job);
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
    default: {
      const request = requestFor(ctx, parsed.action, job, null);
      await submitJob(ctx, i, caller, request);
    }
  }
}

export async function handleModal(ctx: BotServices, i: ModalSubmitInteraction, rawCaller: Caller): Promise<void> {
  const parsed = parseButtonId(i.customId);
  if (!parsed || (parsed.action !== 'edit' && parsed.action !== 'animate'))
    throw new Refusal('Unknown form', 'This form is from an older version of ComfyDesk.');
  const job = loadJob(ctx, parsed.jobId);
  const caller = await effectiveCaller(ctx, rawCaller, job);
  let text = '';
  try {
    text = i.fields.getTextInputValue('text');
  } catch {
    text = '';
  }
  if (parsed.action === 'edit' && text.trim() === '')
    throw new Refusal('Empty instruction', 'Tell me what to change, e.g. "make it night".');
  await submitJob(ctx, i, caller, requestFor(ctx, parsed.action, job, text));
}
