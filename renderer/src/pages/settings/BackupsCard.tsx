import { useEffect, useState } from 'react';
import { ArchiveRestore, DatabaseBackup, History } from 'lucide-react';
import { BackupSettingsSchema, type Settings } from '@shared/settings';
import type { Backup } from '@shared/api/data';
import { api } from '../../api/client';
import { NumberField } from '../../components/NumberField';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { EmptyState } from '../../components/ui/EmptyState';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { formatBytes, formatDate } from '../../lib/format';
import { numberBounds } from '../../lib/number-bounds';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { BACKUP_REASON_LABEL, useData } from '../../stores/data-store';
import { attempt, report, toast } from '../../stores/toast-store';

const KEEP = numberBounds(BackupSettingsSchema.shape.keep);

type Restoring = { kind: 'backup'; backup: Backup } | { kind: 'file'; path: string };

/**
 * Database backups: daily and kept to a number, "Back up now", and restoring one (the list, or a file elsewhere on
 * this machine). A restore backs the current state up first, then the core restarts and the page reloads.
 */
export function BackupsCard({ settings }: { settings: Settings }) {
  const status = useData((s) => s.status);
  const save = useAppStore((s) => s.saveSettings);
  const { state, run } = useSaveState();
  const [keep, setKeep] = useState(String(settings.backups.keep));
  const [keepError, setKeepError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState<Restoring | null>(null);
  const [filePath, setFilePath] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  useEffect(() => setKeep(String(settings.backups.keep)), [settings.backups.keep]);

  const commitKeep = () => {
    const n = Number(keep);
    if (keep.trim() === '' || !Number.isInteger(n) || n < KEEP.min || n > KEEP.max) {
      setKeepError(`Enter a whole number from ${KEEP.min} to ${KEEP.max}.`);
      return;
    }
    setKeepError(null);
    if (n !== settings.backups.keep) void run(() => save({ backups: { keep: n } }));
  };
  const backupNow = async () => {
    setBusy(true);
    await report(
      () => api.call('data.backupNow'),
      (b) => `Backed up (${formatBytes(b.bytes)}).`,
    );
    setBusy(false);
  };
  const restore = async (r: Restoring) => {
    setRestoring(null);
    setBusy(true);
    const input =
      r.kind === 'backup' ? { from: 'backup' as const, name: r.backup.name } : { from: 'file' as const, path: r.path };
    const onError = r.kind === 'file' ? setFileError : (message: string) => toast.error(message);
    const done = await attempt(() => api.call('data.restore', input), onError, 'Restored. ComfyDesk restarted on it.');
    setBusy(false);
    if (done) setFilePath('');
  };

  return (
    <section className="card form" aria-label="Backups">
      <div className="card-header">
        <h2>Backups</h2>
        <SaveStatus state={state} testId="saved-backups" />
      </div>
      <p className="muted small">
        Copies of the database (settings, jobs, the library's index) in {status?.backupsDir ?? 'the backups folder'}.
        One is also made before every update of the database, before a restore and before an import.
      </p>
      <div className="field-grid cols-2">
        <div className="field field-check">
          <Checkbox
            label="Back up every day"
            checked={settings.backups.daily}
            onCheckedChange={(daily) => void run(() => save({ backups: { daily } }))}
          />
        </div>
        <NumberField
          id="backups-keep"
          label="Backups to keep"
          hint="The oldest go first."
          {...KEEP}
          value={keep}
          error={keepError}
          onChange={setKeep}
          onBlur={commitKeep}
        />
      </div>
      <div className="actions">
        <Button
          variant="primary"
          icon={<DatabaseBackup size={16} />}
          loading={busy}
          onClick={() => void backupNow()}
          data-testid="backup-now"
        >
          Back up now
        </Button>
      </div>
      {!status || status.backups.length === 0 ? (
        <EmptyState icon={History} compact>
          No backups yet.
        </EmptyState>
      ) : (
        <ul className="backend-list" data-testid="backups">
          {status.backups.map((b) => (
            <li key={b.name} data-testid="backup-row">
              <div className="backend-main">
                <div>{formatDate(b.createdAt)}</div>
                <div className="muted small">
                  {BACKUP_REASON_LABEL[b.reason]} · {formatBytes(b.bytes)} · {b.name}
                </div>
              </div>
              <Button
                size="sm"
                icon={<ArchiveRestore size={16} />}
                disabled={busy}
                onClick={() => setRestoring({ kind: 'backup', backup: b })}
              >
                Restore
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="add-backend"
        aria-label="Restore from a file"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (filePath.trim()) setRestoring({ kind: 'file', path: filePath.trim() });
        }}
      >
        <Field
          id="restore-path"
          label="Restore from a file"
          hint="A backup copied from elsewhere: its full path on the computer ComfyDesk runs on. It is checked before anything changes."
          error={fileError}
        >
          <div className="input-row">
            <Input
              className="grow"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="/path/to/comfydesk-backup.db"
              value={filePath}
              onChange={(e) => {
                setFilePath(e.target.value);
                setFileError(null);
              }}
            />
            <Button type="submit" disabled={!filePath.trim() || busy} icon={<ArchiveRestore size={16} />}>
              Restore
            </Button>
          </div>
        </Field>
      </form>
      {restoring && (
        <ConfirmDialog
          title="Restore this backup?"
          message={`ComfyDesk goes back to ${
            restoring.kind === 'backup' ? `the state of ${formatDate(restoring.backup.createdAt)}` : restoring.path
          }. The current state is backed up first, then ComfyDesk restarts and this page reloads.`}
          confirmLabel="Restore"
          onCancel={() => setRestoring(null)}
          onConfirm={() => void restore(restoring)}
        />
      )}
    </section>
  );
}
