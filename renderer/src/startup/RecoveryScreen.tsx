import { useEffect, useState } from 'react';
import { ArchiveRestore, DatabaseZap, FilePlus2 } from 'lucide-react';
import type { Backup, DataStatus, RestoreInput } from '@shared/api/data';
import { api } from '../api/client';
import { Button } from '../components/ui/Button';
import { ConfirmDialog } from '../components/ui/ConfirmDialog';
import { Field } from '../components/ui/Field';
import { Input } from '../components/ui/Input';
import { Toaster } from '../components/ui/Toaster';
import { errorMessage, formatBytes, formatDate } from '../lib/format';
import { BACKUP_REASON_LABEL } from '../stores/data-store';

type Action = { kind: 'restore'; input: RestoreInput; what: string } | { kind: 'fresh' };

/**
 * Shown instead of the app when the database failed its check at start: what is wrong, the newest backup that
 * passed its own check (one click to restore it), any other backup or a file, or an empty database. The damaged
 * file is always kept aside. The core restarts on the result and the page reloads (data.restarted).
 */
export function RecoveryScreen({ initial }: { initial: DataStatus }) {
  const [status, setStatus] = useState(initial);
  const [action, setAction] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState('');
  useEffect(() => {
    void api.call('data.status').then(setStatus, () => undefined);
  }, []);
  const run = async (a: Action) => {
    setAction(null);
    setBusy(true);
    setError(null);
    try {
      if (a.kind === 'fresh') await api.call('data.startFresh');
      else await api.call('data.restore', a.input);
      // The core restarted: data.restarted reloads the page (and in case that event was missed, so does this).
      location.reload();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const restoreBackup = (b: Backup) =>
    setAction({
      kind: 'restore',
      input: { from: 'backup', name: b.name },
      what: `the backup of ${formatDate(b.createdAt)}`,
    });
  const { candidate } = status;
  const others = status.backups.filter((b) => b.name !== candidate?.name);

  return (
    <main className="recovery" data-testid="recovery">
      <section className="card form" aria-labelledby="recovery-title">
        <div className="card-header">
          <h1 id="recovery-title">
            <DatabaseZap className="inline-icon" size={22} aria-hidden="true" /> ComfyDesk did not start
          </h1>
        </div>
        <p role="alert" className="banner error" data-testid="recovery-problem">
          {status.problem ?? 'The database failed its check.'}
        </p>
        <p className="muted">
          Nothing was changed. Choose how to go on; the damaged file is kept in {status.dataDir}/damaged in every case.
        </p>
        {candidate ? (
          <div className="recovery-choice">
            <p>
              The newest backup that passed its check is from <strong>{formatDate(candidate.createdAt)}</strong> (
              {BACKUP_REASON_LABEL[candidate.reason].toLowerCase()}, {formatBytes(candidate.bytes)}). Work done after it
              is not in it.
            </p>
            <div className="actions">
              <Button
                variant="primary"
                icon={<ArchiveRestore size={16} />}
                loading={busy}
                onClick={() => restoreBackup(candidate)}
                data-testid="recovery-restore"
              >
                Restore this backup
              </Button>
            </div>
          </div>
        ) : (
          <p className="banner warn">
            {status.backups.length === 0 ? 'There are no backups in ' : 'No backup passed its check in '}
            {status.backupsDir}.
          </p>
        )}
        {others.length > 0 && (
          <ul className="backend-list">
            {others.map((b) => (
              <li key={b.name}>
                <div className="backend-main">
                  <div>{formatDate(b.createdAt)}</div>
                  <div className="muted small">
                    {BACKUP_REASON_LABEL[b.reason]} · {formatBytes(b.bytes)}
                  </div>
                </div>
                <Button size="sm" disabled={busy} onClick={() => restoreBackup(b)}>
                  Restore
                </Button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="add-backend"
          noValidate
          aria-label="Restore from a file"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim())
              setAction({ kind: 'restore', input: { from: 'file', path: path.trim() }, what: path.trim() });
          }}
        >
          <Field
            id="recovery-path"
            label="Restore from a file"
            hint="A backup copied from elsewhere: its full path on this computer."
          >
            <div className="input-row">
              <Input
                className="grow"
                type="text"
                spellCheck={false}
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="/path/to/comfydesk-backup.db"
              />
              <Button type="submit" disabled={!path.trim() || busy}>
                Restore
              </Button>
            </div>
          </Field>
        </form>
        {error && (
          <p className="field-error" role="alert" data-testid="recovery-error">
            {error}
          </p>
        )}
        <div className="actions">
          <Button
            variant="danger-ghost"
            icon={<FilePlus2 size={16} />}
            disabled={busy}
            onClick={() => setAction({ kind: 'fresh' })}
          >
            Start with an empty database
          </Button>
        </div>
      </section>
      {action && (
        <ConfirmDialog
          title={action.kind === 'fresh' ? 'Start with an empty database?' : 'Restore this backup?'}
          message={
            action.kind === 'fresh'
              ? 'ComfyDesk starts over without settings, templates or history. The library folder stays as it is; the damaged database is kept aside.'
              : `ComfyDesk is restored from ${action.what} (checked first) and starts. The damaged database is kept aside.`
          }
          confirmLabel={action.kind === 'fresh' ? 'Start empty' : 'Restore'}
          danger={action.kind === 'fresh'}
          onCancel={() => setAction(null)}
          onConfirm={() => void run(action)}
        />
      )}
      <Toaster />
    </main>
  );
}
