import { Download, RotateCw } from 'lucide-react';
import type { UpdateState } from '@shared/api/updates';
import { useUpdates } from '../stores/update-store';
import { Button, buttonClass } from './ui/Button';

/**
 * A downloaded update, above every page: its release notes and "Restart to update", which waits while jobs run
 * or the bot is delivering. A .deb install is told the version is out and how to update it instead.
 */
export function UpdateBanner() {
  const { state, restart, cancelRestart } = useUpdates();
  return <UpdateBannerView state={state} onRestart={() => void restart()} onCancel={() => void cancelRestart()} />;
}

export function UpdateBannerView({
  state,
  onRestart,
  onCancel,
}: {
  state: UpdateState | null;
  onRestart(): void;
  onCancel(): void;
}) {
  if (!state || !state.version) return null;
  const ready = state.status === 'downloaded';
  const manual = state.status === 'available' && state.manual;
  if (!ready && !manual) return null;
  return (
    <section className="banner info update-banner" aria-label="Update" data-testid="update-banner">
      <Download size={16} aria-hidden />
      <div className="grow">
        <strong>
          ComfyDesk {state.version} {ready ? 'is ready to install' : 'is out'}
        </strong>
        {manual && <p className="hint">{state.manual}</p>}
        {ready && state.restartPending && (
          <p className="hint" role="status">
            {state.restartBlockedBy ? `Restarting once nothing runs: ${state.restartBlockedBy}.` : 'Restarting…'}
          </p>
        )}
        {state.releaseNotes && (
          <details>
            <summary>Release notes</summary>
            <pre className="release-notes">{state.releaseNotes}</pre>
          </details>
        )}
      </div>
      {manual && state.releasesUrl && (
        <a className={buttonClass('secondary', 'sm')} href={state.releasesUrl} target="_blank" rel="noreferrer">
          Releases page
        </a>
      )}
      {ready &&
        (state.restartPending ? (
          <Button size="sm" variant="ghost" onClick={onCancel}>
            Not now
          </Button>
        ) : (
          <Button size="sm" variant="primary" icon={<RotateCw size={14} />} onClick={onRestart}>
            Restart to update
          </Button>
        ))}
    </section>
  );
}
