import { useState } from 'react';
import { Clock, Maximize2, Sparkles, X } from 'lucide-react';
import type { JobProgressView } from '@shared/api/jobs';
import { jobLabel } from '@shared/format';
import type { Job } from '@shared/jobs';
import { ProgressBar } from '../../components/ProgressBar';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { formatAgo } from '../../lib/format';
import { useQueue } from '../../stores/queue-store';
import { phaseText, timeText, useBackendOf, useWho, useWorkflowTitle } from './job-text';

/** The live preview, large, updating while it is open. */
function PreviewDialog({ job, onClose }: { job: Job; onClose: () => void }) {
  const progress = useQueue((s) => s.progress[job.id]);
  const title = useWorkflowTitle(job.workflow);
  return (
    <Dialog title={`Live preview of job ${jobLabel(job)}`} onClose={onClose} testId="preview-dialog">
      <div className="preview-large">
        {progress?.preview ? (
          <img src={progress.preview} alt={`Live preview: ${job.prompt || title}`} />
        ) : (
          <p className="muted">{job.status === 'running' ? 'No preview yet.' : 'The job has ended.'}</p>
        )}
      </div>
      <p className="muted">
        {jobLabel(job)} {title} · {phaseText(job, progress)}
      </p>
      <div className="actions">
        <Button onClick={onClose} data-autofocus>
          Close
        </Button>
      </div>
    </Dialog>
  );
}

/**
 * A job not over: number and workflow, who asked, the ComfyUI it is on, the prompt, progress with phase, step
 * and time, why it waits and what helps; the live preview enlarges on a click.
 */
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
  const title = useWorkflowTitle(job.workflow);
  const backend = useBackendOf(job);
  const cancel = useQueue((s) => s.cancel);
  const [enlarged, setEnlarged] = useState(false);
  const percent = progress?.percent ?? job.progress;
  const time = timeText(progress);
  const waiting = job.status === 'queued' || job.status === 'submitted';
  return (
    <li className={`job-card ${job.status}`} data-testid="job-card" data-job-id={job.id} data-status={job.status}>
      {progress?.preview ? (
        <button
          type="button"
          className="job-preview"
          onClick={() => setEnlarged(true)}
          aria-label={`Enlarge the live preview of job ${jobLabel(job)}`}
          data-testid="job-preview"
        >
          <img src={progress.preview} alt="" />
          <span className="job-preview-zoom" aria-hidden="true">
            <Maximize2 size={14} />
          </span>
        </button>
      ) : (
        <div className="job-preview" aria-hidden="true">
          {waiting ? <Clock size={22} /> : <Sparkles size={22} />}
        </div>
      )}
      <div className="job-main">
        <div className="job-line">
          <span className="job-number" data-testid="job-number">
            {jobLabel(job)}
          </span>
          <span className="job-title">{title}</span>
          <span className="job-who" title={who}>
            {who}
          </span>
          {backend && (
            <span className="job-backend" title={`On ${backend.full}`} data-testid="job-backend">
              on {backend.short}
            </span>
          )}
          {!compact && <span className="muted job-time">{formatAgo(job.createdAt)}</span>}
        </div>
        <p className="job-prompt" title={job.prompt}>
          {job.prompt || <em className="muted">No prompt</em>}
        </p>
        <ProgressBar
          percent={percent}
          label={`Progress of job ${jobLabel(job)}`}
          tone={waiting ? 'queued' : 'running'}
        />
        <div className="job-status">
          <span data-testid="job-progress-text">{phaseText(job, progress)}</span>
          {time && <span data-testid="job-eta">{time}</span>}
          <span className="job-percent">{Math.floor(percent)}%</span>
        </div>
        {progress?.notice && (
          <p className="job-hint warn" data-testid="job-notice">
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
        variant="ghost"
        size="sm"
        className="job-cancel"
        icon={<X size={14} />}
        onClick={() => void cancel(job.id)}
        aria-label={`Cancel job ${jobLabel(job)}: ${job.prompt || title}`}
      >
        <span className="btn-label">Cancel</span>
      </Button>
      {enlarged && <PreviewDialog job={job} onClose={() => setEnlarged(false)} />}
    </li>
  );
}
