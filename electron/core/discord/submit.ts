/**
 * The one path every job request takes (commands, buttons, modals): the core's admission check (permission,
 * prompt rules, queue and rate limits, parameters) and the attachment checks, answered privately before anything
 * is acknowledged publicly; then defer (well within 3 s), download the images, `jobs.submit` for the user, and
 * turn the deferred reply into the job's progress message.
 */
import type { ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import type { JobProgressView } from '@shared/api/jobs';
import { progressButtons, progressEmbed } from '@shared/embeds';
import type { Job } from '@shared/jobs';
import type { Delivery } from '@shared/settings';
import type { WorkflowKind, WorkflowManifest } from '@shared/workflow-manifest';
import { attachmentProblem, downloadAttachment, type AttachmentMeta } from './attachments';
import type { BotServices, Caller } from './context';
import { inOptionTerms, paramsFromOptions, type OptionValues } from './options';
import { Refusal, replyError } from './respond';
import { toApiEmbed, toApiRows } from './render';

export type JobInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export interface JobRequest {
  workflow: WorkflowManifest;
  prompt: string;
  negative: string;
  params: Record<string, unknown>;
  lora?: { name: string; strength?: number };
  /** Model file by the workflow's model setting (the others as remembered). */
  models?: Readonly<Record<string, string>>;
  /** Parameter → the option the user typed for it, to name it in refusals. */
  optionOf?: Readonly<Record<string, string>>;
  /** Images from Discord (downloaded after the defer). */
  attachments?: Array<{ slot: number; option: string; meta: AttachmentMeta }>;
  /** Images already on this machine (a previous result). */
  localInputs?: Array<{ slot: number; path: string; filename: string }>;
  /** Where the result goes; when absent, the caller's own default, else their server's. */
  delivery?: Delivery | null;
  parentJobId?: string | null;
}

/** The workflow to use: the named one (must be of `kind`), else the default setting if it fits, else the first of the kind. */
export function pickWorkflow(
  ctx: BotServices,
  kind: WorkflowKind,
  name: string | null | undefined,
  opts: { images?: number } = {},
): WorkflowManifest {
  const pickHint = 'Pick one from the list that appears while you type.';
  if (name) {
    const wanted = name.trim();
    const wf =
      ctx.catalog.get(wanted) ?? ctx.catalog.list().find((w) => w.title.toLowerCase() === wanted.toLowerCase());
    if (!wf) throw new Refusal('Unknown workflow', `There is no workflow "${name}".`, pickHint);
    if (wf.kind !== kind) {
      throw new Refusal(
        'Wrong workflow',
        `"${wf.title}" is a ${wf.kind} workflow; this command needs a ${kind} one.`,
        pickHint,
      );
    }
    if ((opts.images ?? 0) > wf.images.length) {
      throw new Refusal(
        'Too many images',
        `"${wf.title}" takes ${wf.images.length} image(s), you gave ${opts.images}.`,
        'Leave out the extra images or pick a multi-image workflow.',
      );
    }
    return wf;
  }
  const candidates = ctx.catalog.byKind(kind).filter((w) => (opts.images ?? 0) <= w.images.length);
  const found = candidates.find((w) => w.id === ctx.catalog.preferred()) ?? candidates[0];
  if (!found) {
    const forImages = opts.images && opts.images > 1 ? ` for ${opts.images} images` : '';
    throw new Refusal(
      'No workflow',
      `ComfyDesk has no ${kind} workflow${forImages}.`,
      'Ask the desktop owner to add one.',
    );
  }
  return found;
}

/** A command's options as a request of `workflow` (over `base`, e.g. a template's values). */
export function requestFromOptions(
  workflow: WorkflowManifest,
  options: OptionValues,
  base?: Readonly<Record<string, unknown>>,
): Pick<JobRequest, 'params' | 'lora' | 'optionOf'> {
  const asked = paramsFromOptions(workflow, options, base);
  return { params: asked.params, ...(asked.lora ? { lora: asked.lora } : {}), optionOf: asked.optionOf };
}

/** The queued state shown right after submitting. */
export function queuedView(job: Job, now: number): JobProgressView {
  return {
    jobId: job.id,
    status: job.status,
    phase: 'queued',
    percent: 0,
    position: null,
    wait: null,
    notice: null,
    step: null,
    etaMs: null,
    preview: null,
    previewSeq: 0,
    updatedAt: now,
  };
}

/** Run a job request for an interaction; answers the interaction in every case. Returns the job or null. */
export async function submitJob(
  ctx: BotServices,
  i: JobInteraction,
  caller: Caller,
  req: JobRequest,
): Promise<Job | null> {
  const core = ctx.core.forUser(caller.actor);
  const optionOf = req.optionOf ?? {};
  const asked = {
    workflow: req.workflow.id,
    prompt: req.prompt,
    negative: req.negative,
    params: req.params,
    ...(req.lora ? { lora: req.lora } : {}),
    ...(req.models && Object.keys(req.models).length > 0 ? { models: { ...req.models } } : {}),
    ...(req.delivery ? { delivery: req.delivery } : {}),
  };
  try {
    for (const a of req.attachments ?? []) {
      const bad = attachmentProblem(a.meta, a.option, ctx.cdnOrigins);
      if (bad) throw new Refusal('Image refused', bad);
    }
    await core.call('jobs.admit', {
      ...asked,
      images: (req.attachments?.length ?? 0) + (req.localInputs?.length ?? 0),
    });
  } catch (err) {
    await replyError(i, inOptionTerms(err, optionOf), ctx.logger);
    return null;
  }
  const acked = ctx.acks.begin();
  try {
    await i.deferReply();
  } catch (err) {
    ctx.logger.warn('could not acknowledge a job request in time', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  } finally {
    acked();
  }
  await ctx.acks.clear();
  try {
    const inputs = [...(req.localInputs ?? [])];
    for (const a of req.attachments ?? []) {
      const bytes = await downloadAttachment(a.meta, a.option);
      const kept = await core.call('jobs.uploadInput', {
        filename: a.meta.name.slice(0, 200) || `image-${a.slot + 1}.png`,
        dataBase64: bytes.toString('base64'),
      });
      inputs.push({ slot: a.slot, path: kept.path, filename: kept.filename });
    }
    const job = await core.call('jobs.submit', { ...asked, inputs, parentJobId: req.parentJobId ?? null });
    await postProgress(ctx, i, caller, job);
    return job;
  } catch (err) {
    await replyError(i, inOptionTerms(err, optionOf), ctx.logger);
    return null;
  }
}

/**
 * Run a job again for the clicker or the /history user: Rerun keeps the seed, Vary (`seed: -1`) draws a new one.
 * The core checks it like any request (admission first, answered privately) and queues it as their job.
 */
export async function submitRerun(
  ctx: BotServices,
  i: JobInteraction,
  caller: Caller,
  job: Job,
  opts: { newSeed: boolean; delivery?: Delivery | null },
): Promise<Job | null> {
  const core = ctx.core.forUser(caller.actor);
  const reseed = opts.newSeed && 'seed' in job.params;
  try {
    await core.call('jobs.admit', {
      workflow: job.workflow,
      prompt: job.prompt,
      negative: job.negative,
      params: reseed ? { ...job.params, seed: -1 } : job.params,
      lora: job.lora,
      models: job.models,
      images: job.inputs.length,
    });
  } catch (err) {
    await replyError(i, err, ctx.logger);
    return null;
  }
  const acked = ctx.acks.begin();
  try {
    await i.deferReply();
  } catch (err) {
    ctx.logger.warn('could not acknowledge a rerun in time', {
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  } finally {
    acked();
  }
  await ctx.acks.clear();
  try {
    const again = await core.call('jobs.rerun', {
      id: job.id,
      ...(reseed ? { seed: -1 } : {}),
      ...(opts.delivery ? { delivery: opts.delivery } : {}),
    });
    await postProgress(ctx, i, caller, again);
    return again;
  } catch (err) {
    await replyError(i, err, ctx.logger);
    return null;
  }
}

/** Turn the deferred reply into the job's progress message and follow the job from there. */
export async function postProgress(ctx: BotServices, i: JobInteraction, caller: Caller, job: Job): Promise<void> {
  const view = queuedView(job, ctx.clock.now());
  const message = await i.editReply({
    embeds: [
      toApiEmbed(
        progressEmbed({
          job,
          progress: view,
          workflowTitle: ctx.catalog.title(job.workflow),
          who: `<@${caller.userId}>`,
        }),
      ),
    ],
    components: toApiRows(progressButtons(job.id)),
    allowedMentions: { parse: [] },
  });
  const stored = await ctx.core.call('discord.setJobMessages', {
    jobId: job.id,
    messages: { progress: message.id, interactionToken: i.token, applicationId: ctx.applicationId },
  });
  ctx.progress.attach(job.id, {
    applicationId: ctx.applicationId,
    interactionToken: i.token,
    interactionAt: caller.receivedAt,
    channelId: caller.channelId,
    messageId: message.id,
  });
  // The job may have ended while the message was being sent (its final edit had nothing to edit then).
  ctx.followJob(stored);
}
