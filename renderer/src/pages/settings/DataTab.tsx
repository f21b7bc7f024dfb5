import { useEffect, useState } from 'react';
import { ScanSearch } from 'lucide-react';
import type { Settings } from '@shared/settings';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { formatDate } from '../../lib/format';
import { useData } from '../../stores/data-store';
import { report } from '../../stores/toast-store';
import { BackupsCard } from './BackupsCard';
import { RetentionCard } from './RetentionCard';
import { TransferCard } from './TransferCard';

/** The library check: files without rows and rows without files, found at every start and on demand. */
function LibraryCheckCard() {
  const last = useData((s) => s.status?.lastOrphans ?? null);
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    await report(
      () => api.call('data.scanOrphans'),
      (r) =>
        r.notFixed ??
        (r.filesWithoutRows + r.rowsWithoutFiles + r.thumbnailsRemoved === 0
          ? 'The library is in order.'
          : `Fixed: ${r.filesMovedAside} files moved aside, ${r.rowsRelinked + r.rowsRemoved} entries mended, ${r.thumbnailsRemoved} stray thumbnails removed.`),
    );
    setBusy(false);
  };
  return (
    <section className="card form" aria-label="Library check">
      <div className="card-header">
        <h2>Library check</h2>
      </div>
      <p className="muted small" data-testid="orphans-last">
        {last
          ? `Last checked ${formatDate(last.at)}: ${last.filesWithoutRows} files without an entry (moved to ${last.orphansDir}), ${last.rowsWithoutFiles} entries without a file, ${last.thumbnailsRemoved} stray thumbnails.${last.notFixed ? ` ${last.notFixed}.` : ''}`
          : 'Checked at every start: files in the library folder that the gallery does not know, and entries whose file is gone.'}
      </p>
      <div className="actions">
        <Button icon={<ScanSearch size={16} />} loading={busy} onClick={() => void check()}>
          Check now
        </Button>
      </div>
    </section>
  );
}

/** Settings → Data: backups and restore, moving settings to another computer, retention, the library check. */
export function DataTab({ settings }: { settings: Settings }) {
  const load = useData((s) => s.load);
  const error = useData((s) => s.error);
  useEffect(() => void load(), [load]);
  return (
    <>
      {error && (
        <p role="alert" className="banner error">
          {error}
        </p>
      )}
      <BackupsCard settings={settings} />
      <TransferCard />
      <RetentionCard settings={settings} />
      <LibraryCheckCard />
    </>
  );
}
