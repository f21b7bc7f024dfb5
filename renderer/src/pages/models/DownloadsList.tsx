import { Check, Download } from 'lucide-react';
import { ACTIVE_DOWNLOAD_STATES } from '@shared/downloads';
import { DownloadStatus } from '../../components/models/DownloadStatus';
import { EmptyState } from '../../components/ui/EmptyState';
import { formatAgo, formatBytes } from '../../lib/format';
import { useModels } from '../../stores/models-store';

/** Downloads: the ones under way first (live), then the latest finished, failed or stopped. */
export function DownloadsList() {
  const downloads = useModels((s) => s.downloads);
  const active = downloads.filter((d) => ACTIVE_DOWNLOAD_STATES.includes(d.state));
  const ended = downloads.filter((d) => !ACTIVE_DOWNLOAD_STATES.includes(d.state)).slice(0, 8);
  return (
    <section className="card" aria-labelledby="downloads-title">
      <div className="card-header">
        <Download size={18} aria-hidden="true" />
        <h2 id="downloads-title">Downloads</h2>
      </div>
      {downloads.length === 0 && (
        <EmptyState icon={Download} compact>
          Nothing downloaded yet. Use a Download button beside a missing file, or paste a link below.
        </EmptyState>
      )}
      <ul className="download-list" data-testid="downloads">
        {active.map((d) => (
          <li key={d.id}>
            <strong>{d.file ?? d.url}</strong> <span className="muted">→ {d.folder}</span>
            <DownloadStatus download={d} />
          </li>
        ))}
        {ended.map((d) => (
          <li key={d.id} className={`download-ended state-${d.state}`}>
            {d.state === 'done' && <Check size={14} aria-hidden="true" className="ok-icon" />}
            <strong>{d.file ?? d.url}</strong>{' '}
            <span className="muted">
              {d.state === 'done'
                ? `${d.totalBytes ? formatBytes(d.totalBytes) : ''} in ${d.folder} · ${formatAgo(d.finishedAt ?? d.updatedAt)}`
                : d.state === 'cancelled'
                  ? 'stopped'
                  : (d.error?.message ?? 'failed')}
            </span>
            {d.note && <p className="muted small">{d.note}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
