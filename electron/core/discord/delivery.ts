/**
 * Results go out as a NEW message (never through the interaction token, which dies after 15 minutes): the
 * fitted files, the result embed and the persistent buttons, in the channel or by DM. Closed DMs (50007 /
 * 50278) fall back to the channel with an ephemeral notice; anything else that fails goes to the outbox and is
 * retried after the bot reconnects.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MessageFlags, Routes, type Client, type RawFile } from 'discord.js';
import { resultButtons, resultEmbed } from '@shared/embeds';
import type { Job } from '@shared/jobs';
import { resultsAsSpoiler } from '@shared/sharing';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { WorkflowCatalog } from './catalog';
import type { CoreCalls } from './core-client';
import { TOKEN_LIFETIME_MS } from './progress';
import { toApiEmbed, toApiRows } from './render';

export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
const MAX_FILES = 10;
const DM_CLOSED = new Set([50007, 50278]);

export type FitResult =
  { path: string; bytes: number; mime: string } | { tooLarge: true; bytes: number; reason: string };
/** Makes a file fit an upload limit (the library's fitter); `tooLarge` when nothing fits. */
export type Fitter = (path: string, limitBytes: number) => Promise<FitResult>;

/** Without the library's fitter: a file is sent as is when it fits. */
export const sizeOnlyFitter: Fitter = async (path, limit) => {
  const { stat } = await import('node:fs/promises');
  const bytes = (await stat(path)).size;
  if (bytes <= limit) return { path, bytes, mime: mimeOf(path) };
  return {
    tooLarge: true,
    bytes,
    reason: `${(bytes / 1024 / 1024).toFixed(1)} MB is over the ${(limit / 1024 / 1024).toFixed(0)} MB upload limit`,
  };
};

function mimeOf(path: string): string {
  const ext = extname(path).toLowerCase();
  return (
    {
      '.png': 'image/png',
      '.jpg': 'image/jpeg',
      '.jpeg': 'image/jpeg',
      '.webp': 'image/webp',
      '.gif': 'image/gif',
      '.mp4': 'video/mp4',
      '.webm': 'video/webm',
    }[ext] ?? 'application/octet-stream'
  );
}

const EXT_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
};

export type DeliveryOutcome =
  | { kind: 'sent'; where: 'channel' | 'dm'; channelId: string; messageId: string; dmFallback: boolean }
  | { kind: 'queued'; error: string }
  | { kind: 'skipped'; reason: string };

export interface DeliveryOptions {
  /** The core as the bot itself: outputs, server settings, and the bookkeeping of deliveries. */
  core: CoreCalls;
  catalog: Pick<WorkflowCatalog, 'get' | 'byKind'>;
  clock: Clock;
  logger: Logger;
  fit: Fitter;
  client(): Client<true> | null;
}

interface Prepared {
  files: RawFile[];
  made: number;
  reason: string | undefined;
  media: 'image' | 'video';
}

export class Delivery {
  private readonly running = new Map<string, Promise<DeliveryOutcome>>();

  constructor(private readonly o: DeliveryOptions) {}

  /** Deliver a finished job's results once (concurrent calls share one attempt). */
  deliver(job: Job): Promise<DeliveryOutcome> {
    const existing = this.running.get(job.id);
    if (existing) return existing;
    const p = this.attempt(job).finally(() => this.running.delete(job.id));
    this.running.set(job.id, p);
    return p;
  }

  /** A result is being sent right now. */
  busy(): boolean {
    return this.running.size > 0;
  }

  /** Retry every delivery the core keeps for later (after a reconnect). */
  async retryOutbox(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    for (const job of await this.o.core.call('discord.pendingDeliveries', {})) {
      const outcome = await this.deliver(job);
      if (outcome.kind === 'sent') sent++;
      else if (outcome.kind === 'queued') failed++;
    }
    return { sent, failed };
  }

  private async attempt(job: Job): Promise<DeliveryOutcome> {
    const fresh = await this.o.core.call('jobs.get', { id: job.id }).catch(() => job);
    if (fresh.messages.results?.length) return { kind: 'skipped', reason: 'already delivered' };
    if (fresh.source !== 'discord' || fresh.status !== 'done')
      return { kind: 'skipped', reason: 'not a finished Discord job' };
    const client = this.o.client();
    if (!client?.isReady()) return this.queue(fresh, 'the bot is offline');
    try {
      const wantsDm = fresh.delivery === 'dm';
      if (wantsDm) {
        try {
          const dm = await client.users.createDM(fresh.userId);
          const id = await this.send(client, dm.id, fresh, { limit: DEFAULT_UPLOAD_LIMIT, mention: false });
          return await this.sent(fresh, { channelId: dm.id, messageId: id }, 'dm', false);
        } catch (err) {
          if (!DM_CLOSED.has(codeOf(err))) throw err;
          this.o.logger.info('DMs closed; delivering in the channel', { jobId: fresh.id });
          await this.noticeDmClosed(client, fresh);
          if (!fresh.channelId) throw err;
        }
      }
      if (!fresh.channelId) return this.queue(fresh, 'the job has no channel to post in');
      const guild = fresh.guildId ? await this.o.core.call('discord.guild', { id: fresh.guildId }) : null;
      const limit = guild?.settings.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
      const channel = client.channels.cache.get(fresh.channelId);
      const nsfw = channel !== undefined && 'nsfw' in channel && channel.nsfw === true;
      const spoiler = resultsAsSpoiler(guild?.settings.channelRules, nsfw);
      const id = await this.send(client, fresh.channelId, fresh, { limit, mention: true, dmClosed: wantsDm, spoiler });
      return await this.sent(fresh, { channelId: fresh.channelId, messageId: id }, 'channel', wantsDm);
    } catch (err) {
      return this.queue(fresh, err instanceof Error ? err.message : String(err));
    }
  }

  private async sent(
    job: Job,
    posted: { channelId: string; messageId: string },
    where: 'channel' | 'dm',
    dmFallback: boolean,
  ): Promise<DeliveryOutcome> {
    await this.o.core.call('discord.delivered', { jobId: job.id, messageId: posted.messageId });
    return { kind: 'sent', where, ...posted, dmFallback };
  }

  private async queue(job: Job, error: string): Promise<DeliveryOutcome> {
    try {
      const entry = await this.o.core.call('discord.deliveryFailed', { jobId: job.id, error: error.slice(0, 2000) });
      this.o.logger.warn('result delivery failed; kept to retry', { jobId: job.id, attempts: entry.attempts, error });
    } catch (err) {
      this.o.logger.error('result delivery failed and could not be kept', { jobId: job.id, error: String(err) });
    }
    return { kind: 'queued', error };
  }

  private async prepare(job: Job, limit: number): Promise<Prepared> {
    const outputs = await this.o.core.call('library.byJob', { jobId: job.id });
    const files: RawFile[] = [];
    const reasons: string[] = [];
    for (const [n, out] of outputs.entries()) {
      if (files.length >= MAX_FILES) {
        reasons.push(`Discord takes ${MAX_FILES} files per message`);
        break;
      }
      try {
        const fitted = await this.o.fit(out.filePath, limit);
        if ('tooLarge' in fitted) {
          reasons.push(fitted.reason);
          continue;
        }
        const ext = EXT_BY_MIME[fitted.mime] ?? (extname(fitted.path).slice(1) || 'bin');
        files.push({ name: `result-${n + 1}.${ext}`, data: await readFile(fitted.path), contentType: fitted.mime });
      } catch (err) {
        reasons.push(`the file could not be read (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    const media = outputs.some((o) => o.kind === 'image') || outputs.length === 0 ? 'image' : 'video';
    return { files, made: outputs.length, reason: reasons[0], media };
  }

  private async send(
    client: Client<true>,
    channelId: string,
    job: Job,
    opts: { limit: number; mention: boolean; dmClosed?: boolean; spoiler?: boolean },
  ): Promise<string> {
    const prepared = await this.prepare(job, opts.limit);
    // Discord blurs attachments named SPOILER_…; an embed showing the image would not be blurred, so none does.
    if (opts.spoiler) for (const f of prepared.files) f.name = `SPOILER_${f.name}`;
    const manifest = this.o.catalog.get(job.workflow);
    const firstImage = opts.spoiler ? undefined : prepared.files.find((f) => /\.(png|jpe?g|webp|gif)$/i.test(f.name));
    const embed = resultEmbed({
      job,
      ...(manifest ? { workflowTitle: manifest.title } : {}),
      who: `<@${job.userId}>`,
      imageUrl: firstImage ? `attachment://${firstImage.name}` : null,
      made: prepared.made,
      attached: prepared.files.length,
      ...(prepared.reason ? { notAttachedReason: prepared.reason } : {}),
      durationMs: job.endedAt && job.startedAt ? job.endedAt - job.startedAt : null,
    });
    // Offer Upscale, Edit and Animate only when a workflow for them can run now.
    const readiness = await this.o.core.call('workflows.readiness', {}).catch(() => []);
    const runnable = (kind: 'upscale' | 'edit' | 'img2video'): boolean =>
      this.o.catalog.byKind(kind).some((w) => readiness.find((r) => r.id === w.id)?.state === 'ready');
    const available = { upscale: runnable('upscale'), edit: runnable('edit'), img2video: runnable('img2video') };
    let content: string | undefined;
    if (opts.mention)
      content = opts.dmClosed ? `<@${job.userId}> your DMs are closed, so your result is here.` : `<@${job.userId}>`;
    const body = {
      ...(content ? { content } : {}),
      embeds: [toApiEmbed(embed)],
      components: toApiRows(resultButtons(job.id, prepared.media, available)),
      attachments: prepared.files.map((f, id) => ({ id, filename: f.name })),
      allowed_mentions: { users: opts.mention ? [job.userId] : [] },
    };
    const message = (await client.rest.post(Routes.channelMessages(channelId), { body, files: prepared.files })) as {
      id: string;
    };
    return message.id;
  }

  /** Tell the user (only them) that their DMs are closed, while the interaction token still works. */
  private async noticeDmClosed(client: Client<true>, job: Job): Promise<void> {
    const { interactionToken, applicationId } = job.messages;
    if (!interactionToken || !applicationId || this.o.clock.now() - job.createdAt > TOKEN_LIFETIME_MS - 60_000) return;
    try {
      await client.rest.post(Routes.webhook(applicationId, interactionToken), {
        body: {
          content:
            'I could not DM you (your DMs are closed to me), so your result is posted in this channel. Open DMs from server members, or use /settings delivery:channel.',
          flags: MessageFlags.Ephemeral,
        },
        auth: false,
      });
    } catch (err) {
      this.o.logger.info('could not send the closed-DM notice', {
        jobId: job.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

export function codeOf(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : -1;
}
