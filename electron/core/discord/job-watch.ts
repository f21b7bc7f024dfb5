/**
 * Follows Discord jobs through the core's events, like any client of the core: `job.progress` feeds the
 * progress messages, `job.changed` to an ended state delivers results (done) and puts the final state on the
 * progress message. The latest state of every Discord job not over is kept here (the progress messages are
 * drawn from it); jobs from before a restart are read once from the core and picked up by their message ids.
 */
import type { JobProgressView } from '@shared/api/jobs';
import { EMBED_COLORS, jobEndedEmbed, progressBar } from '@shared/embeds';
import { jobLabel } from '@shared/format';
import { ACTIVE_STATUSES, ENDED_STATUSES, type Job } from '@shared/jobs';
import type { Logger } from '../log';
import type { CoreEvents, WorkflowCatalog } from './catalog';
import type { CoreCalls } from './core-client';
import type { Delivery, DeliveryOutcome } from './delivery';
import type { EditPayload, ProgressMessenger } from './progress';
import { toApiEmbed } from './render';

export interface JobWatchOptions {
  events: CoreEvents;
  /** The core as the bot itself. */
  core: CoreCalls;
  catalog: Pick<WorkflowCatalog, 'title'>;
  progress: ProgressMessenger;
  delivery: Delivery;
  logger: Logger;
  /** The bot's application id once known. */
  applicationId(): string | null;
  /** Whether the bot is connected (progress edits are skipped while it is not). */
  online(): boolean;
}

/** Where the result is, as the progress message says it once the job is done. */
export type ResultWhere =
  /** Before delivery: where it is going. */
  | { kind: 'expected'; delivery: Job['delivery'] }
  /** After delivery: where it went (or that it is kept to retry). */
  | { kind: 'outcome'; outcome: DeliveryOutcome; besideProgress: boolean };

function whereText(where: ResultWhere | null): string {
  if (!where) return 'The result is posted below.';
  if (where.kind === 'expected') {
    return where.delivery === 'dm' ? 'Sending the result by direct message…' : 'The result is posted below.';
  }
  const { outcome, besideProgress } = where;
  if (outcome.kind === 'queued')
    return 'The result could not be posted yet; ComfyDesk will try again when Discord is reachable.';
  if (outcome.kind === 'skipped') return 'The result is posted below.';
  if (outcome.dmFallback) return 'Your DMs are closed, so the result is posted below.';
  if (besideProgress) return 'The result is posted below.';
  return outcome.where === 'dm' ? 'The result was sent to you by direct message.' : 'The result is posted below.';
}

/** The progress message's final state. */
export function endedPayload(job: Job, workflowTitle: string, where: ResultWhere | null): Omit<EditPayload, 'preview'> {
  if (job.status !== 'done') {
    return {
      embeds: [toApiEmbed(jobEndedEmbed(job, workflowTitle))],
      components: [],
      clearAttachments: true,
    };
  }
  return {
    embeds: [
      {
        title: 'Done',
        description: `${progressBar(100)} **100%**\n\n${whereText(where)}`,
        color: EMBED_COLORS.done,
        footer: { text: `Job ${jobLabel(job)}` },
      },
    ],
    components: [],
    clearAttachments: true,
  };
}

export class JobWatch {
  /** The latest state of every Discord job not over (and of ended ones until they are finished here). */
  private readonly jobs = new Map<string, Job>();
  private readonly off: Array<() => void> = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: JobWatchOptions) {}

  /** Follow the core's job events, and read the Discord jobs a previous run left unfinished. */
  start(): void {
    if (this.off.length) return;
    this.off.push(this.o.events.on('job.changed', (job) => this.onChanged(job)));
    this.off.push(this.o.events.on('job.progress', (view) => this.onProgress(view)));
    this.track(
      this.o.core.call('jobs.list', { statuses: [...ACTIVE_STATUSES], source: 'discord', limit: 500 }).then(
        (jobs) => {
          for (const job of jobs) if (!this.jobs.has(job.id)) this.jobs.set(job.id, job);
        },
        (err: unknown) => this.o.logger.warn('could not read the unfinished Discord jobs', { error: String(err) }),
      ),
    );
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
  }

  /** A Discord job's latest known state. */
  job(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** A job's progress message was just posted: follow it, and finish it at once if the job is already over. */
  follow(job: Job): void {
    if (!ENDED_STATUSES.includes(job.status)) {
      this.jobs.set(job.id, job);
      return;
    }
    this.track(this.finish(job, job.status === 'done' ? { kind: 'expected', delivery: job.delivery } : null));
  }

  /** An ended job's delivery or final edit is under way. */
  busy(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves when every ended-job task started so far (delivery + final edit) is done. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(task: Promise<unknown>): void {
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private onChanged(job: Job): void {
    if (job.source !== 'discord') return;
    if (!ENDED_STATUSES.includes(job.status)) {
      this.jobs.set(job.id, job);
      return;
    }
    this.jobs.delete(job.id);
    this.track(
      this.ended(job).catch((err: unknown) =>
        this.o.logger.error('finishing a Discord job failed', { jobId: job.id, error: err }),
      ),
    );
  }

  private onProgress(view: JobProgressView): void {
    if (!this.jobs.has(view.jobId) && !this.o.progress.has(view.jobId)) return;
    if (!this.o.online()) return;
    this.ensureAttached(view.jobId);
    this.o.progress.update(view);
  }

  /** After a restart, continue editing a job's stored progress message (bot token; its interaction token is old). */
  private ensureAttached(jobId: string, known?: Job): void {
    if (this.o.progress.has(jobId)) return;
    const job = known ?? this.jobs.get(jobId);
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

  /**
   * A job ended: its progress message shows the final state first, so it never says "Generating… 54%" under a
   * result already posted; then the result goes out, and the message is edited once more only when the result
   * did not go where it said (DMs closed, kept to retry, sent by DM to a different channel).
   */
  private async ended(job: Job): Promise<void> {
    if (job.status !== 'done') {
      await this.finish(job, null);
      return;
    }
    const expected: ResultWhere = { kind: 'expected', delivery: job.delivery };
    await this.finish(job, expected);
    const outcome = await this.o.delivery.deliver(job);
    const where: ResultWhere = {
      kind: 'outcome',
      outcome,
      besideProgress: outcome.kind === 'sent' && outcome.channelId === job.channelId,
    };
    if (whereText(where) !== whereText(expected)) await this.finish(job, where);
  }

  private async finish(job: Job, where: ResultWhere | null): Promise<void> {
    if (!this.o.online()) return;
    this.ensureAttached(job.id, job);
    await this.o.progress.finish(job.id, endedPayload(job, this.o.catalog.title(job.workflow), where));
  }
}
