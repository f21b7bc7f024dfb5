import {
  Check,
  Download,
  FolderOpen,
  Play,
  RefreshCw,
  Settings,
  Bot,
  ListRestart,
  MemoryStick,
  TriangleAlert,
  X,
} from 'lucide-react';
import type { HealthCheckResult, HealthFix } from '@shared/api/health';
import { Button } from '../../components/ui/Button';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../lib/format';
import { fixKey, fixLabel } from '../../stores/health-logic';
import { useHealth, type CheckDownload } from '../../stores/health-store';

const ICON = { ok: Check, warn: TriangleAlert, fail: X } as const;
const FIX_ICON = {
  download: Download,
  'choose-model': FolderOpen,
  'start-comfy': Play,
  'open-settings': Settings,
  'open-bot': Bot,
  'start-bot': Play,
  'refresh-backend': RefreshCw,
  'resume-queue': ListRestart,
  'free-vram': MemoryStick,
} as const;

function DownloadState({ d, file }: { d: CheckDownload; file: string }) {
  if (d.state === 'failed') return <p className="check-download failed">Download failed: {d.error}</p>;
  if (d.state === 'done') return <p className="check-download done">{file} downloaded.</p>;
  if (d.state === 'cancelled') return null;
  const percent = d.totalBytes ? (d.bytesDone / d.totalBytes) * 100 : 0;
  return (
    <div className="check-download" data-testid="check-download">
      <ProgressBar percent={percent} label={`Downloading ${file}`} tone={d.state === 'queued' ? 'queued' : 'running'} />
      <span className="muted small">
        {d.state === 'queued'
          ? 'Waiting for another download to finish…'
          : d.state === 'verifying'
            ? 'Checking the file…'
            : `${formatBytes(d.bytesDone)}${d.totalBytes ? ` of ${formatBytes(d.totalBytes)}` : ''}`}
      </span>
    </div>
  );
}

/** One button per fix the core offers for a check; a download shows its progress instead of its button. */
function Fixes({ fixes }: { fixes: HealthFix[] }) {
  const fixing = useHealth((s) => s.fixing);
  const downloads = useHealth((s) => s.downloads);
  const act = useHealth((s) => s.fix);
  if (fixes.length === 0) return null;
  return (
    <div className="check-actions">
      {fixes.map((fix, i) => {
        const Icon = FIX_ICON[fix.kind];
        const d = fix.kind === 'download' ? downloads[`${fix.folder}/${fix.file}`] : undefined;
        if (fix.kind === 'download' && d && d.state !== 'failed' && d.state !== 'cancelled')
          return <DownloadState key={fixKey(fix)} d={d} file={fix.file} />;
        return (
          <div key={fixKey(fix)} className="check-action">
            <Button
              size="sm"
              variant={i === 0 ? 'primary' : 'secondary'}
              icon={<Icon size={14} />}
              loading={fixing[fixKey(fix)] === true}
              onClick={() => void act(fix)}
              data-testid={`fix-${fix.kind}`}
            >
              {fixLabel(fix, formatBytes)}
            </Button>
            {d && <DownloadState d={d} file={fix.kind === 'download' ? fix.file : ''} />}
          </div>
        );
      })}
    </div>
  );
}

/** The checks, failures first, each with what to do and its buttons. */
export function CheckList({ checks, running }: { checks: HealthCheckResult[]; running: boolean }) {
  return (
    <ul className="checks" aria-live="polite" data-testid="health-checks">
      {checks.map((c) => {
        const Icon = ICON[c.status];
        return (
          <li
            key={c.id}
            className={`check ${c.status}`}
            data-testid="health-check"
            data-status={c.status}
            data-check={c.id}
          >
            <span className={`check-icon ${c.status}`} role="img" aria-label={c.status}>
              <Icon size={14} strokeWidth={2.5} aria-hidden="true" />
            </span>
            <div className="check-body">
              <div className="check-title">
                {c.title} <span className="muted small">{Math.round(c.durationMs)} ms</span>
              </div>
              <div className="check-details">{c.details}</div>
              {c.fixHint && <div className="check-fix">What to do: {c.fixHint}</div>}
              <Fixes fixes={c.fixes} />
            </div>
          </li>
        );
      })}
      {running && <li className="check pending muted">Checking…</li>}
    </ul>
  );
}
