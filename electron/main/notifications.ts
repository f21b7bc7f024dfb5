/**
 * Desktop notifications from core events, each kind switchable in settings.notifications:
 * - jobFailed: a job ended as failed (`job.changed`), once per job;
 * - comfyStatus: ComfyUI went offline after being online, and came back (the first connection at start is silent);
 * - botDisconnected: the Discord bot lost its connection (online → reconnecting/error; a stop you asked for is silent).
 */
import { Notification } from 'electron';
import { z } from 'zod';
import { BotStatusSchema, type HealthSummary } from '../../shared/api/health';
import type { Settings } from '../../shared/settings';
import type { EventBus } from '../core/events';

export type NotificationKind = keyof Settings['notifications'];
export interface NotificationContent {
  kind: NotificationKind;
  title: string;
  body: string;
}

export interface NotifierDeps {
  events: Pick<EventBus, 'on' | 'onAny'>;
  settings(): Settings;
  initial: HealthSummary;
  show(notification: NotificationContent): void;
}

const FailedJobSchema = z.object({
  id: z.string(),
  status: z.string(),
  workflow: z.string(),
  prompt: z.string().default(''),
  error: z.string().nullable().default(null),
});
/** `bot.changed` is owned by the bot; only its status (and an error text, if any) matter here. */
const BotChangedSchema = z.object({ status: BotStatusSchema, error: z.string().nullable().optional() });

const SEEN_JOBS_LIMIT = 500;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function watchForNotifications(deps: NotifierDeps): () => void {
  let comfy = deps.initial.comfy.status;
  let announcedOffline = false;
  let bot = deps.initial.bot.status;
  const failedJobs = new Set<string>();

  const show = (n: NotificationContent): void => {
    if (deps.settings().notifications[n.kind]) deps.show(n);
  };

  const onComfy = (next: HealthSummary['comfy']['status']): void => {
    const before = comfy;
    comfy = next;
    if (before === next) return;
    if (before === 'online' && (next === 'offline' || next === 'starting')) {
      announcedOffline = true;
      show({ kind: 'comfyStatus', title: 'ComfyUI went offline', body: 'Jobs wait in the queue until it is back.' });
    } else if (next === 'online' && announcedOffline) {
      announcedOffline = false;
      show({ kind: 'comfyStatus', title: 'ComfyUI is back online', body: 'The queue is running again.' });
    }
  };

  const onBot = (next: HealthSummary['bot']['status'], error?: string | null): void => {
    const before = bot;
    bot = next;
    if (before !== 'online' || (next !== 'reconnecting' && next !== 'error')) return;
    show({
      kind: 'botDisconnected',
      title: 'Discord bot disconnected',
      body: next === 'reconnecting' ? 'Reconnecting to Discord…' : shorten(error || 'It stopped with an error.', 200),
    });
  };

  const onJob = (payload: unknown): void => {
    const job = FailedJobSchema.safeParse(payload);
    if (!job.success || job.data.status !== 'failed' || failedJobs.has(job.data.id)) return;
    failedJobs.add(job.data.id);
    if (failedJobs.size > SEEN_JOBS_LIMIT) failedJobs.delete(failedJobs.values().next().value!);
    const what = job.data.prompt ? `${job.data.workflow}: “${shorten(job.data.prompt, 60)}”` : job.data.workflow;
    show({ kind: 'jobFailed', title: 'A job failed', body: `${what}\n${shorten(job.data.error ?? 'No reason given.', 200)}` });
  };

  const off = [
    deps.events.on('health.changed', (summary) => {
      onComfy(summary.comfy.status);
      onBot(summary.bot.status);
    }),
    // job.changed and bot.changed belong to other capabilities: read leniently, by the fields used here.
    deps.events.onAny((event, payload) => {
      const name: string = event;
      if (name === 'bot.changed') {
        const status = BotChangedSchema.safeParse(payload);
        if (status.success) onBot(status.data.status, status.data.error);
      } else if (name === 'job.changed') {
        onJob(payload);
      }
    }),
  ];
  return () => {
    for (const f of off) f();
  };
}

/** Shows notifications with Electron; a click brings the window forward. Status changes arrive silently. */
export function electronNotifier(options: { icon?: string; onClick(): void }): (n: { title: string; body: string; kind?: NotificationKind }) => void {
  return (n) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: n.title,
      body: n.body,
      silent: n.kind === 'comfyStatus',
      ...(options.icon ? { icon: options.icon } : {}),
    });
    notification.on('click', options.onClick);
    notification.show();
  };
}
