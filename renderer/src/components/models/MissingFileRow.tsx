import { useState } from 'react';
import { Download, Lock } from 'lucide-react';
import { formatBytes } from '../../lib/format';
import type { MissingFile } from '../../stores/models-logic';
import { useModels } from '../../stores/models-store';
import { Button } from '../ui/Button';
import { Combobox } from '../ui/Combobox';
import { DownloadStatus } from './DownloadStatus';

interface Props {
  missing: MissingFile;
  /** The backend to download to (default: the one ComfyDesk launches, else one on this machine). */
  backendId?: string;
}

/**
 * One file a workflow lacks: its size and licence, a Download button (or the download under way), and a picker
 * of the files ComfyUI already has in that folder, to use one of those instead.
 */
export function MissingFileRow({ missing: m, backendId }: Props) {
  const { download, choose, loadFolder } = useModels();
  const files = useModels((s) => s.files[m.folder]);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const entry = m.catalog;
  const where = entry?.backends.find((b) => (backendId ? b.backendId === backendId : b.destination.ok));
  const start = async () => {
    setStarting(true);
    setError(
      await download({ entry: { folder: entry!.folder, file: entry!.file }, ...(backendId ? { backendId } : {}) }),
    );
    setStarting(false);
  };
  const active = m.download && m.download.state !== 'failed' ? m.download : null;
  const free = where?.destination.ok ? where.destination.freeBytes : null;
  return (
    <li className="missing-file" data-testid={`missing-${m.file}`}>
      <div className="missing-head">
        <span className="missing-name">
          <strong>{m.file}</strong>
          <span className="muted">
            {' '}
            · {m.label}
            {entry ? ` · ${formatBytes(entry.bytes)}` : ''}
            {entry?.gated ? ' · needs a Hugging Face token' : ''}
          </span>
        </span>
        {!active && entry && (
          <Button
            size="sm"
            variant="primary"
            icon={entry.gated ? <Lock size={14} /> : <Download size={14} />}
            loading={starting}
            onClick={() => void start()}
            data-testid={`download-${m.file}`}
          >
            Download {formatBytes(entry.bytes)}
          </Button>
        )}
      </div>
      {entry && (
        <p className="muted small">
          {entry.licence}
          {free !== null && free !== undefined ? ` · ${formatBytes(free)} free where it goes` : ''}
          {where && !where.destination.ok ? ` · ${where.destination.reason}` : ''}
        </p>
      )}
      {!entry && (
        <p className="muted small">
          Not in ComfyDesk’s catalogue: put this file into ComfyUI’s <code>models/{m.folder}</code> folder, or pick one
          ComfyUI has.
        </p>
      )}
      {active && <DownloadStatus download={active} />}
      {m.download?.state === 'failed' && entry && <DownloadStatus download={m.download} onRetry={() => void start()} />}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {m.setting && (
        <div className="missing-pick">
          <span className="muted small">or use a file ComfyUI has:</span>
          <Combobox
            value=""
            aria-label={`Use another ${m.label} file`}
            options={(files ?? []).map((f) => ({ value: f, label: f }))}
            onOpenChange={(open) => open && void loadFolder(m.folder)}
            onValueChange={(f) => void choose(m.setting!, f)}
            placeholder={files && files.length === 0 ? `No ${m.folder} files yet` : `Choose from ${m.folder}…`}
            searchPlaceholder="Search files…"
            emptyText={`ComfyUI has no ${m.folder} files.`}
            data-testid={`pick-${m.file}`}
          />
        </div>
      )}
    </li>
  );
}
