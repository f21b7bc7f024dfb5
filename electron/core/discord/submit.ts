/**
 * The one path every job request takes (commands, buttons, modals): permission, prompt checks, attachment
 * checks, per-user queue, rate limits — all answered ephemerally before anything is acknowledged publicly —
 * then defer (well within 3 s), download the images, `jobs.submit`, and turn the deferred reply into the job's
 * progress message.
 */
import type { ButtonInteraction, ChatInputCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import type { JobProgressView } from '@shared/api/jobs';
import { progressButtons, progressEmbed } from '@shared/embeds';
import { ENDED_STATUSES, type Job } from '@shared/jobs';
import type { Delivery } from '@shared/settings';
import type { WorkflowKind } from '@shared/workflow-manifest';
import type { LoadedWorkflow } from '@core/workflows/registry';
import { attachmentProblem, downloadAttachment, type AttachmentMeta } from './attachments';
import type { BotServices, Caller } from './context';
import { promptProblem } from './guard';
import { atLeast, deniedMessage } from './permissions';
import { rateChecks } from './rate-limit';
import { formatWait } from './format';
import { buildParams } from './options';
import { Refusal, replyError } from './respond';
import { toApiEmbed, toApiRows } from './render';

export type JobInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export interface JobRequest {
  workflow: LoadedWorkflow;
  prompt: string;
  negative: string;
  params: Record<string, unknown>;
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
): LoadedWorkflow {
  if (name) {
    const wf =
      ctx.workflows.get(name.trim()) ??
      ctx.workflows.list().find((w) => w.manifest.title.toLowerCase() === name.trim().toLowerCase());
    if (!wf)
      throw new Refusal(
        'Unknown workflow',
        `There is no workflow "${name}".`,
        'Pick one from the list that appears while you type.',
      );
    if (wf.manifest.kind !== kind) {
      throw new Refusal(
        'Wrong workflow',
        `"${wf.manifest.title}" is a ${wf.manifest.kind} workflow; this command needs a ${kind} one.`,
        'Pick one from the list that appears while you type.',
      );
    }
    if ((opts.images ?? 0) > wf.manifest.images.length) {
      throw new Refusal(
        'Too many images',
        `"${wf.manifest.title}" takes ${wf.manifest.images.length} image(s), you gave ${opts.images}.`,
        'Leave out the extra images or pick a multi-image workflow.',
      );
    }
    return wf;
  }
  const candidates = ctx.workflows.byKind(kind).filter((w) => (opts.images ?? 0) <= w.manifest.images.length);
  const preferred = ctx.settings().defaults.workflow;
  const found = candidates.find((w) => w.manifest.id === preferred) ?? candidates[0];
  if (!found) {
    throw new Refusal(
      'No workflow',
      `ComfyDesk has no ${kind} workflow${opts.images && opts.images > 1 ? ` for ${opts.images} images` : ''}.`,
      'Ask the desktop owner to add one.',
    );
  }
  return found;
}

/** A command's options as `workflow`'s parameters (over `base`, e.g. a template's); throws Refusal naming the bad option. */
export function commandParams(
  workflow: LoadedWorkflow,
  options: Parameters<typeof buildParams>[1],
  base?: Readonly<Record<string, unknown>>,
  hint?: string,
): Record<string, unknown> {
  const built = buildParams(workflow.manifest, options, base);
  if (!built.ok) throw new Refusal('Invalid option', built.message, hint);
  return built.params;
}

/** Everything that can be refused without a network call; throws Refusal. */
export function precheck(
  ctx: BotServices,
  caller: Caller,
  req: Pick<JobRequest, 'prompt' | 'negative' | 'attachments'>,
): void {
  if (!caller.guildId && caller.level === 'user') {
    throw new Refusal(
      'Use a server',
      'Jobs are started from a server where ComfyDesk is; DMs only receive results.',
      'Run the command in your server’s channel (you can still get the result by DM with delivery:dm).',
    );
  }
  if (!atLeast(caller.level, 'generator')) throw new Refusal('Not allowed', deniedMessage('generator', 'start jobs'));
  const banned = caller.guild?.bannedWords ?? [];
  const problem = promptProblem({ prompt: req.prompt, negative: req.negative }, banned);
  if (problem) throw new Refusal('Prompt refused', problem);
  for (const a of req.attachments ?? []) {
    const bad = attachmentProblem(a.meta, a.option, ctx.cdnOrigins);
    if (bad) throw new Refusal('Image refused', bad);
  }
  const limit = caller.guild?.limits.perUserQueue ?? ctx.settings().queue.perUserLimit;
  const active = ctx.store.jobs.countActiveByUser(caller.userId);
  if (active >= limit) {
    throw new Refusal(
      'Queue limit reached',
      `You already have ${active} job${active === 1 ? '' : 's'} waiting or running; the limit here is ${limit}.`,
      'Wait until one finishes, or cancel one with /queue cancel.',
    );
  }
  const verdict = ctx.limiter.take(rateChecks(caller.userId, caller.guildId, caller.guild?.limits ?? {}));
  if (!verdict.ok) {
    const who = verdict.scope === 'user' ? 'You have' : 'This server has';
    throw new Refusal(
      'Slow down',
      `${who} started ${verdict.rule.count} jobs in the last ${formatWait(verdict.rule.windowSec * 1000)}, the most allowed.`,
      `Try again in ${formatWait(verdict.retryAfterMs)}.`,
    );
  }
}

/** The queued state shown right after submitting. */
export function queuedView(job: Job, now: number): JobProgressView {
  return {
    jobId: job.id,
    status: job.status,
    phase: 'queued',
    percent: 0,
    position: null,
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
  try {
    precheck(ctx, caller, req);
  } catch (err) {
    await replyError(i, err, ctx.logger);
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
      const kept = await ctx.jobs.uploadInput(a.meta.name.slice(0, 200) || `image-${a.slot + 1}.png`, bytes);
      inputs.push({ slot: a.slot, path: kept.path, filename: kept.filename });
    }
    const delivery =
      req.delivery ?? ctx.store.users.get(caller.userId)?.defaultDelivery ?? caller.guild?.settings.defaultDelivery;
    const job = await ctx.jobs.submit({
      source: 'discord',
      workflow: req.workflow.manifest.id,
      prompt: req.prompt,
      negative: req.negative,
      params: req.params,
      inputs,
      userId: caller.userId,
      userName: caller.userName,
      guildId: caller.guildId,
      ...(caller.guildName ? { guildName: caller.guildName } : {}),
      channelId: caller.channelId,
      ...(delivery ? { delivery } : {}),
      ...(caller.guild?.limits.perUserQueue ? { perUserLimit: caller.guild.limits.perUserQueue } : {}),
      parentJobId: req.parentJobId ?? null,
    });
    const view = queuedView(job, ctx.clock.now());
    const message = await i.editReply({
      embeds: [
        toApiEmbed(
          progressEmbed({
            job,
            progress: view,
            workflowTitle: req.workflow.manifest.title,
            who: `<@${caller.userId}>`,
          }),
        ),
      ],
      components: toApiRows(progressButtons(job.id)),
      allowedMentions: { parse: [] },
    });
    ctx.store.jobs.setMessages(job.id, {
      ...job.messages,
      progress: message.id,
      interactionToken: i.token,
      applicationId: ctx.applicationId,
    });
    ctx.progress.attach(job.id, {
      applicationId: ctx.applicationId,
      interactionToken: i.token,
      interactionAt: caller.receivedAt,
      channelId: caller.channelId,
      messageId: message.id,
    });
    // The job may have ended while the message was being sent (its final edit had nothing to edit then).
    const now = ctx.store.jobs.get(job.id);
    if (now && ENDED_STATUSES.includes(now.status)) void ctx.progress.finish(job.id, ctx.endedProgress(now));
    return job;
  } catch (err) {
    await replyError(i, err, ctx.logger);
    return null;
  }
}
