import { Copy, ImageOff, Maximize2, RotateCw } from 'lucide-react';
import { formatDuration } from '@shared/embeds';
import { jobLabel } from '@shared/format';
import type { Job } from '@shared/jobs';
import { api } from '../../api/client';
import { mediaUrl } from '../../api/media';
import { Button } from '../../components/ui/Button';
import { copyText } from '../../lib/clipboard';
import { formatAgo } from '../../lib/format';
import { useGallery } from '../../stores/gallery-store';
import { useOutputsOf } from '../../stores/job-outputs-store';
import { useNav } from '../../stores/nav-store';
import { report } from '../../stores/toast-store';
import { jobDuration, useWho, useWorkflowTitle } from './job-text';

const STATUS_LABEL = { done: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as Record<string, string>;

/** Open an output in the gallery's details panel (fetched there when the gallery has not loaded it). */
function openInGallery(outputId: number): void {
  useGallery.getState().open(outputId);
  useNav.getState().go('gallery');
}

/** Queue it again: for its own user when it came from Discord (the result goes back to them), else as yours. */
async function retry(job: Job): Promise<void> {
  await report(
    () => api.call('jobs.rerun', { id: job.id, asOriginalUser: job.source === 'discord' }),
    (j) => `Queued again as job #${j.number}.`,
  );
}

/**
 * A finished, failed or cancelled job: its picture, number and workflow, who asked, how long it took, and what can
 * be done (open the result, retry, copy the error). `compact` leaves the picture out (Generate shows its own).
 */
export function EndedJob({ job, compact }: { job: Job; compact?: boolean }) {
  const who = useWho(job);
  const title = useWorkflowTitle(job.workflow);
  const outputs = useOutputsOf(job.id, job.status === 'done' && !compact);
  const first = outputs[0];
  const duration = jobDuration(job);
  return (
    <li
      className={`ended-job ${job.status}${compact ? ' compact' : ''}`}
      data-testid="recent-job"
      data-job-id={job.id}
      data-status={job.status}
    >
      {!compact &&
        (first ? (
          <button
            type="button"
            className="ended-thumb"
            onClick={() => openInGallery(first.id)}
            aria-label={`Open the result of job ${jobLabel(job)}`}
          >
            {first.thumbnailPath || first.kind === 'image' ? (
              <img src={mediaUrl(first.thumbnailPath ? 'thumb' : 'file', first.id)} alt="" loading="lazy" />
            ) : (
              <Maximize2 size={18} aria-hidden="true" />
            )}
          </button>
        ) : (
          <span className="ended-thumb empty" aria-hidden="true">
            <ImageOff size={18} />
          </span>
        ))}
      <div className="ended-main">
        <div className="job-line">
          <span className="job-number">{jobLabel(job)}</span>
          <span className="job-title">{title}</span>
          <span className="job-who" title={who}>
            {who}
          </span>
        </div>
        <p className="job-prompt" title={job.prompt}>
          {job.prompt || <em className="muted">No prompt</em>}
        </p>
        {job.status === 'failed' && job.error && (
          <p className="job-error" data-testid="job-error">
            {job.error}
            {job.errorHint && <span className="job-hint"> {job.errorHint}</span>}
          </p>
        )}
      </div>
      <div className="ended-side">
        <span className={`status-pill ${job.status}`}>{STATUS_LABEL[job.status] ?? job.status}</span>
        <span className="muted small">
          {duration !== null ? `${formatDuration(duration)} · ` : ''}
          {formatAgo(job.endedAt ?? job.updatedAt)}
        </span>
      </div>
      {!compact && (
        <div className="ended-actions">
          {first && (
            <Button size="sm" variant="ghost" onClick={() => openInGallery(first.id)}>
              Open
            </Button>
          )}
          {job.status !== 'done' && (
            <Button size="sm" variant="ghost" icon={<RotateCw size={14} />} onClick={() => void retry(job)}>
              Retry
            </Button>
          )}
          {job.status === 'failed' && job.error && (
            <Button
              size="sm"
              variant="ghost"
              icon={<Copy size={14} />}
              onClick={() =>
                void report(() => copyText([job.error, job.errorHint].filter(Boolean).join('\n')), 'Error copied.')
              }
            >
              Copy error
            </Button>
          )}
        </div>
      )}
    </li>
  );
}
