/** How the Queue page words a job: who asked, the ComfyUI it runs on, its progress line, how long it took. */
import type { BackendSummary } from '@shared/api/health';
import type { JobProgressView } from '@shared/api/jobs';
import { formatDuration, PHASE_LABELS, startsText } from '@shared/embeds';
import type { Job } from '@shared/jobs';
import { useBackends } from '../../stores/app-store';
import { useBot } from '../../stores/bot-store';
import { useCatalog } from '../../stores/catalog-store';
import { useGuildName, useUserName } from '../../stores/people-store';

/** Who asked for a job: "You", or the user's name and the server it came from. */
export function useWho(job: Job): string {
  const guilds = useBot((s) => s.guilds);
  const name = useUserName(job.userId);
  const server = useGuildName(job.guildId, guilds);
  if (job.source === 'desktop' && job.userId === 'desktop') return 'You';
  return job.guildId ? `${name} · ${server}` : name;
}

/** The workflow's title ("SDXL"), its id while the list loads or when it is not installed. */
export function useWorkflowTitle(id: string): string {
  return useCatalog((s) => s.workflows.find((w) => w.manifest.id === id)?.manifest.title ?? id);
}

/**
 * A short name for the ComfyUI a job runs on: "ComfyUI" when there is one, else its name without the scheme
 * ("192.168.1.20:8188"); the full address goes in the title.
 */
export function backendShortName(backend: Pick<BackendSummary, 'name' | 'url'>, count: number): string {
  if (count <= 1) return 'ComfyUI';
  return backend.name.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export function useBackendOf(job: Job): { short: string; full: string } | null {
  const backends = useBackends();
  const b = job.backendId ? backends.find((x) => x.id === job.backendId) : undefined;
  return b ? { short: backendShortName(b, backends.length), full: `${b.name} (${b.url})` } : null;
}

/**
 * Phase and step, or why it waits: in ComfyUI's own queue (sent, next there), in ComfyDesk's queue with its
 * place, or for a reason it cannot run yet (ComfyUI starting, a file missing…).
 */
export function phaseText(job: Job, p: JobProgressView | undefined): string {
  const sent = job.status === 'submitted';
  if (!p) return job.status === 'queued' ? 'Waiting in queue' : sent ? 'Sent to ComfyUI' : job.status;
  const waiting = p.wait && p.wait.kind !== 'queue' ? p.wait : null;
  const label = waiting
    ? waiting.reason
    : sent && p.phase === 'queued'
      ? 'Waiting in ComfyUI’s queue'
      : PHASE_LABELS[p.phase];
  const parts = [label];
  if (p.step && p.step.max > 0) parts.push(`step ${p.step.value}/${p.step.max}`);
  if (p.position !== null) parts.push(`#${p.position} in line`);
  return parts.join(' · ');
}

/** "about 12 s left" once running, "starts in about 2 min" while waiting, else null. */
export function timeText(p: JobProgressView | undefined): string | null {
  if (!p) return null;
  if (p.etaMs !== null) return `about ${formatDuration(p.etaMs)} left`;
  const starts = p.wait ? startsText(p.wait) : null;
  return starts ? starts.charAt(0).toLowerCase() + starts.slice(1) : null;
}

/** The whole line, as the Queue page and Generate's job list show it. */
export function progressText(job: Job, p: JobProgressView | undefined): string {
  const t = timeText(p);
  return t ? `${phaseText(job, p)} · ${t}` : phaseText(job, p);
}

/** How long an ended job took: its GPU time, else start to end; null when it never ran. */
export function jobDuration(job: Job): number | null {
  if (job.execMs !== null) return job.execMs;
  if (job.startedAt !== null && job.endedAt !== null) return Math.max(0, job.endedAt - job.startedAt);
  return null;
}
