import { RotateCw, X } from 'lucide-react';
import type { DownloadView } from '@shared/downloads';
import { formatBytes } from '../../lib/format';
import { progressText } from '../../stores/models-logic';
import { useModels } from '../../stores/models-store';
import { ProgressBar } from '../ProgressBar';
import { Button } from '../ui/Button';
import { IconButton } from '../ui/IconButton';

interface Props {
  download: DownloadView;
  /** Start it again (a failed download). */
  onRetry?: () => void;
}

/** A download under way (bar, bytes, speed, time left, stop) or failed (why, try again). */
export function DownloadStatus({ download: d, onRetry }: Props) {
  const progress = useModels((s) => s.progress[d.id]);
  const cancel = useModels((s) => s.cancel);
  const name = d.file ?? 'the file';
  if (d.state === 'failed') {
    return (
      <div className="download-status failed" data-testid="download-failed">
        <p className="field-error" role="alert">
          {d.error?.message ?? 'The download failed.'}
        </p>
        {onRetry && (
          <Button size="sm" icon={<RotateCw size={14} />} onClick={onRetry}>
            Try again
          </Button>
        )}
      </div>
    );
  }
  const done = progress?.bytesDone ?? d.bytesDone;
  const total = progress?.totalBytes ?? d.totalBytes;
  return (
    <div className="download-status" data-testid="download-status">
      <ProgressBar
        percent={total ? (done / total) * 100 : 0}
        label={`Downloading ${name}`}
        tone={d.state === 'queued' ? 'queued' : 'running'}
      />
      <span className="muted download-text">{progressText(d, progress, formatBytes)}</span>
      <IconButton
        label={`Stop downloading ${name}`}
        icon={<X size={14} />}
        size="sm"
        onClick={() => void cancel(d.id)}
      />
    </div>
  );
}
