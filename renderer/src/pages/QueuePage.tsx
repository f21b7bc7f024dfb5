import { useEffect } from 'react';
import { Clock, History, Inbox, Pause, Play, Sparkles, X } from 'lucide-react';
import { formatDuration, PHASE_LABELS, startsText } from '@shared/embeds';
import type { JobProgressView } from '@shared/api/jobs';
import { jobLabel } from '@shared/format';
import type { Job } from '@shared/jobs';
import { ProgressBar } from '../components/ProgressBar';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { useNav } from '../stores/nav-store';
import { formatAgo } from '../lib/format';
import { useBackends } from '../stores/app-store';
import { guildName } from '../stores/catalog-store';
import { useBot } from '../stores/bot-store';
import { useUserName } from '../stores/people-store';
import { useQueue } from '../stores/queue-store';
import { BackendStrip } from './queue/BackendStrip';

/** Who asked for a job: "You", or the user's name and the server it came from. */
function useWho(job: Job): string {
  const guilds = useBot((s) => s.guilds);
  const name = useUserName(job.userId);
  if (job.source === 'desktop' && job.userId === 'desktop') return 'You';
  return job.guildId ? `${name} · ${guildName(guilds, job.guildId)}` : name;
}

/**
 * Phase, step, place, start estimate and time left. A job that waits says why: in ComfyUI's own queue (sent, next
 * there), in ComfyDesk's queue, or for a reason it cannot run yet (ComfyUI starting, a file missing…). Places
 * count every waiting job once, in the order they will run.
 */
export function progressText(job: Job, p: JobProgressView | undefined): string {
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
  const starts = p.wait ? startsText(p.wait) : null;
  if (starts) parts.push(starts.charAt(0).toLowerCase() + starts.slice(1));
  if (p.etaMs !== null) parts.push(`about ${formatDuration(p.etaMs)} left`);
  return parts.join(' · ');
}

export function JobCard({
  job,
  progress,
  compact,
}: {
  job: Job;
  progress: JobProgressView | undefined;
  compact?: boolean;
}) {
  const who = useWho(job);
  const cancel = useQueue((s) => s.cancel);
  const backends = useBackends();
  const backend = job.backendId ? (backends.find((b) => b.id === job.backendId)?.name ?? null) : null;
  const percent = progress?.percent ?? job.progress;
  return (
    <li className={`job-card ${job.status}`} data-testid="job-card" data-job-id={job.id} data-status={job.status}>
      <div className="job-preview">
        {progress?.preview ? (
          <img src={progress.preview} alt="Live preview" />
        ) : (
          <div className="job-preview-empty" aria-hidden="true">
            {job.status === 'queued' ? <Clock size={22} /> : <Sparkles size={22} />}
          </div>
        )}
      </div>
      <div className="job-main">
        <div className="job-line">
          <span className="job-number" data-testid="job-number">
            {jobLabel(job)}
          </span>
          <span className={`source-badge ${job.source}`}>{job.source === 'discord' ? 'Discord' : 'Desktop'}</span>
          <span className="job-who">{who}</span>
          <span className="muted">
            {job.workflow}
            {backend ? ` · on ${backend}` : ''}
          </span>
          {!compact && <span className="muted job-time">{formatAgo(job.createdAt)}</span>}
        </div>
        <p className="job-prompt" title={job.prompt}>
          {job.prompt || <em className="muted">no prompt</em>}
        </p>
        <ProgressBar
          percent={percent}
          label={`Progress of job ${job.id}`}
          tone={job.status === 'queued' || job.status === 'submitted' ? 'queued' : 'running'}
        />
        <div className="job-status muted" data-testid="job-progress-text">
          {progressText(job, progress)} · {Math.floor(percent)}%
        </div>
        {progress?.notice && (
          <p className="job-hint" data-testid="job-notice">
            {progress.notice}
          </p>
        )}
        {progress?.wait && progress.wait.kind !== 'queue' && progress.wait.hint && (
          <p className="job-hint" data-testid="job-wait-hint">
            {progress.wait.hint}
          </p>
        )}
      </div>
      <Button
        variant="danger-ghost"
        size="sm"
        icon={<X size={14} />}
        onClick={() => void cancel(job.id)}
        aria-label={`Cancel job: ${job.prompt || job.id}`}
      >
        Cancel
      </Button>
    </li>
  );
}

export function EndedJob({ job }: { job: Job }) {
  const who = useWho(job);
  return (
    <li className={`ended-job ${job.status}`} data-testid="recent-job" data-job-id={job.id} data-status={job.status}>
      <span className="job-number">{jobLabel(job)}</span>
      <span className={`status-pill ${job.status}`}>
        {job.status === 'done' ? 'Done' : job.status === 'failed' ? 'Failed' : 'Cancelled'}
      </span>
      <span className="job-who">{who}</span>
      <span className="job-prompt" title={job.prompt}>
        {job.prompt || '—'}
      </span>
      <span className="muted">{formatAgo(job.endedAt ?? job.updatedAt)}</span>
      {job.status === 'failed' && job.error && (
        <p className="job-error">
          {job.error}
          {job.errorHint && <span className="job-hint"> {job.errorHint}</span>}
        </p>
      )}
    </li>
  );
}

export function QueuePage() {
  const { active, waiting, progress, recent, paused, loaded, setPaused, load } = useQueue();
  const shownWaiting = active.filter((j) => j.status === 'queued' || j.status === 'submitted').length;
  const further = waiting - shownWaiting;
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  return (
    <section className="page" aria-labelledby="queue-title">
      <header className="page-header">
        <h1 id="queue-title">Queue</h1>
        <span className="muted" aria-live="polite">
          {active.length - shownWaiting} running · {waiting} waiting{paused ? ' · paused' : ''}
        </span>
        <div className="spacer" />
        <Button
          variant={paused ? 'primary' : 'secondary'}
          icon={paused ? <Play size={16} /> : <Pause size={16} />}
          onClick={() => void setPaused(!paused)}
          data-testid="pause-toggle"
        >
          {paused ? 'Resume queue' : 'Pause queue'}
        </Button>
      </header>
      {paused && (
        <p className="banner warn">The queue is paused: running jobs finish, queued jobs wait until you resume.</p>
      )}
      <BackendStrip />
      <h2 className="section-title">Now</h2>
      {active.length === 0 ? (
        <EmptyState
          icon={Inbox}
          compact
          action={
            <Button variant="primary" icon={<Sparkles size={16} />} onClick={() => useNav.getState().go('generate')}>
              Generate something
            </Button>
          }
        >
          Nothing queued. Jobs from Discord and from Generate show up here live.
        </EmptyState>
      ) : (
        <ul className="job-list" data-testid="active-jobs">
          {active.map((job) => (
            <JobCard key={job.id} job={job} progress={progress[job.id]} />
          ))}
          {further > 0 && (
            <li className="muted" data-testid="further-waiting">
              …and {further.toLocaleString()} more waiting further back. They show here as they move up.
            </li>
          )}
        </ul>
      )}
      <h2 className="section-title">Recent</h2>
      {recent.length === 0 ? (
        <EmptyState icon={History} compact>
          No finished jobs yet.
        </EmptyState>
      ) : (
        <ul className="ended-list" data-testid="recent-jobs">
          {recent.map((job) => (
            <EndedJob key={job.id} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}
