/**
 * Follows Discord jobs through the core's events: `job.progress` feeds the progress messages, `job.changed` to
 * an ended state delivers results (done) and puts the final state on the progress message. Jobs from before a
 * restart are picked up from their stored message ids.
 */
import type { JobProgressView } from '@shared/api/jobs';
import { EMBED_COLORS, jobEndedEmbed, progressBar } from '@shared/embeds';
import { ENDED_STATUSES, type Job } from '@shared/jobs';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import type { Delivery, DeliveryOutcome } from './delivery';
import type { EditPayload, ProgressMessenger } from './progress';
import { toApiEmbed } from './render';

export interface JobWatchOptions {
  events: EventBus;
  store: Store;
  workflows: WorkflowRegistry;
  progress: ProgressMessenger;
  delivery: Delivery;
  logger: Logger;
  /** The bot's application id once known. */
  applicationId(): string | null;
  /** Whether the bot is connected (progress edits are skipped while it is not). */
  online(): boolean;
}

/** The progress message's final state. */
export function endedPayload(
  job: Job,
  workflows: WorkflowRegistry,
  outcome: DeliveryOutcome | null,
): Omit<EditPayload, 'preview'> {
  if (job.status !== 'done') {
    return {
      embeds: [toApiEmbed(jobEndedEmbed(job, workflows.get(job.workflow)?.manifest.title))],
      components: [],
      clearAttachments: true,
    };
  }
  let where = 'The result is posted below.';
  if (outcome?.kind === 'sent' && outcome.where === 'dm') where = 'The result was sent to you by direct message.';
  if (outcome?.kind === 'sent' && outcome.dmFallback) where = 'Your DMs are closed, so the result is posted below.';
  if (outcome?.kind === 'queued')
    where = 'The result could not be posted yet; ComfyDesk will try again when Discord is reachable.';
  return {
    embeds: [
      {
        title: 'Done',
        description: `${progressBar(100)} **100%**\n\n${where}`,
        color: EMBED_COLORS.done,
        footer: { text: `Job ${job.id}` },
      },
    ],
    components: [],
    clearAttachments: true,
  };
}

export class JobWatch {
  private readonly active = new Set<string>();
  private readonly off: Array<() => void> = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: JobWatchOptions) {}

  start(): void {
    if (this.off.length) return;
    for (const job of this.o.store.jobs.byStatus(['queued', 'submitted', 'running', 'collecting']))
      if (job.source === 'discord') this.active.add(job.id);
    this.off.push(this.o.events.on('job.changed', (job) => this.onChanged(job)));
    this.off.push(this.o.events.on('job.progress', (view) => this.onProgress(view)));
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** Resolves when every ended-job task started so far (delivery + final edit) is done. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private onChanged(job: Job): void {
    if (job.source !== 'discord') return;
    if (!ENDED_STATUSES.includes(job.status)) {
      this.active.add(job.id);
      return;
    }
    this.active.delete(job.id);
    const task = this.ended(job).catch((err: unknown) =>
      this.o.logger.error('finishing a Discord job failed', { jobId: job.id, error: err }),
    );
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private onProgress(view: JobProgressView): void {
    if (!this.active.has(view.jobId) && !this.o.progress.has(view.jobId)) return;
    if (!this.o.online()) return;
    this.ensureAttached(view.jobId);
    this.o.progress.update(view);
  }

  /** After a restart, continue editing a job's stored progress message (bot token; its interaction token is old). */
  private ensureAttached(jobId: string): void {
    if (this.o.progress.has(jobId)) return;
    const job = this.o.store.jobs.get(jobId);
    const appId = this.o.applicationId();
    if (!job?.messages.progress || !appId) return;
    this.o.progress.attach(jobId, {
      applicationId: job.messages.applicationId ?? appId,
      interactionToken: job.messages.interactionToken ?? null,
      interactionAt: job.createdAt,
      channelId: job.channelId,
      messageId: job.messages.progress,
    });
  }

  private async ended(job: Job): Promise<void> {
    const outcome = job.status === 'done' ? await this.o.delivery.deliver(job) : null;
    if (!this.o.online()) return;
    this.ensureAttached(job.id);
    await this.o.progress.finish(job.id, endedPayload(this.o.store.jobs.get(job.id) ?? job, this.o.workflows, outcome));
  }
}
