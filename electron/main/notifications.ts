/**
 * Desktop notifications from core events, each kind switchable in settings.notifications:
 * - jobFailed: a job ended as failed (`job.changed`), once per job;
 * - comfyStatus: ComfyUI went offline after being online, and came back (the first connection at start is silent);
 * - botDisconnected: the Discord bot lost its connection (online → reconnecting/error; a stop you asked for is silent).
 */
import { Notification } from 'electron';
import type { HealthSummary } from '@shared/api/health';
import type { Job } from '@shared/jobs';
import type { Settings } from '@shared/settings';
import type { EventBus } from '@core/events';

export type NotificationKind = keyof Settings['notifications'];
export interface NotificationContent {
  kind: NotificationKind;
  title: string;
  body: string;
}

export interface NotifierDeps {
  events: Pick<EventBus, 'on'>;
  settings(): Settings;
  initial: HealthSummary;
  show(notification: NotificationContent): void;
}

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

  const onJob = (job: Job): void => {
    if (job.status !== 'failed' || failedJobs.has(job.id)) return;
    failedJobs.add(job.id);
    if (failedJobs.size > SEEN_JOBS_LIMIT) failedJobs.delete(failedJobs.values().next().value!);
    const what = job.prompt ? `${job.workflow}: “${shorten(job.prompt, 60)}”` : job.workflow;
    show({
      kind: 'jobFailed',
      title: 'A job failed',
      body: `${what}\n${shorten(job.error ?? 'No reason given.', 200)}`,
    });
  };

  const off = [
    deps.events.on('health.changed', (summary) => {
      onComfy(summary.comfy.status);
      onBot(summary.bot.status);
    }),
    deps.events.on('bot.changed', (state) => onBot(state.status, state.error)),
    deps.events.on('job.changed', (job) => onJob(job)),
  ];
  return () => {
    for (const f of off) f();
  };
}

/** Shows notifications with Electron; a click brings the window forward. Status changes arrive silently. */
export function electronNotifier(options: {
  icon?: string;
  onClick(): void;
}): (n: { title: string; body: string; kind?: NotificationKind }) => void {
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
