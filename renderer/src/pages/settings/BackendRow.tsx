import { useState } from 'react';
import { KeyRound, ShieldCheck, Trash2 } from 'lucide-react';
import type { BackendSummary } from '@shared/api/health';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { IconButton } from '../../components/ui/IconButton';
import { backendProblemText } from '../../lib/backend-problem';
import { errorMessage } from '../../lib/format';
import { report } from '../../stores/toast-store';
import { NO_ACCESS, accessOf, type AccessDraft } from '../../lib/backend-access';
import { AccessFields } from './AccessFields';
import { CertificateFacts } from './CertificateFacts';

const STATUS_TEXT: Record<string, string> = {
  idle: 'Online',
  busy: 'Busy',
  starting: 'Starting…',
  offline: 'Offline',
  error: 'Error',
};
const STATUS_PILL: Record<string, string> = { idle: 'online', busy: 'online', starting: 'starting', error: 'error' };
const STATUS_TONE: Record<string, string> = { idle: 'ok', busy: 'ok', starting: 'warn', error: 'bad' };
const KIND_TEXT: Record<string, string> = {
  launched: 'started by ComfyDesk',
  local: 'on this computer',
  remote: 'on another computer',
};
const SAVED_TEXT: Record<string, string> = { bearer: 'Token saved', basic: 'User name and password saved' };

interface Props {
  backend: BackendSummary;
  /** The "Use it" box's state while its change is on the way (undefined: none pending). */
  pending: boolean | undefined;
  onEnabled(enabled: boolean): void;
  onRemove(): void;
}

/**
 * One ComfyUI in Settings: status and what to do about its trouble (a proxy that refuses, nothing answering, an
 * untrusted certificate), its access (a saved secret is never shown back: Replace or Remove), its trusted certificate.
 */
export function BackendRow({ backend: b, pending, onEnabled, onRemove }: Props) {
  const [editing, setEditing] = useState<AccessDraft | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [clearing, setClearing] = useState(false);
  const address = b.url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const named = b.name.replace(/^https?:\/\//, '').replace(/\/+$/, '') !== address;
  const title = named ? b.name : address;
  const problem = backendProblemText(b);
  const https = b.url.startsWith('https:');

  const saveAccess = async () => {
    if (!editing) return;
    const checked = accessOf(editing);
    if ('error' in checked) return setEditError(checked.error);
    setSaving(true);
    try {
      await api.call('backends.setAuth', { id: b.id, auth: checked.auth });
      setEditing(null);
    } catch (err) {
      setEditError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  const trust = (fingerprint: string | null) =>
    report(
      () => api.call('backends.trustCertificate', { id: b.id, fingerprint }),
      fingerprint ? `${title}: certificate trusted; connecting.` : `${title}: only certificates the system trusts now.`,
    );

  return (
    <li data-backend-id={b.id} className="backend-item">
      <div className="backend-head">
        <span className={`dot ${STATUS_TONE[b.status] ?? 'off'}`} aria-hidden="true" />
        <div className="backend-main">
          <div className="backend-name">
            {title}
            <span className={`status-pill ${STATUS_PILL[b.status] ?? ''}`}>{STATUS_TEXT[b.status] ?? b.status}</span>
          </div>
          <div className="muted small">
            {[named ? address : null, b.version ? `ComfyUI ${b.version}` : null, KIND_TEXT[b.kind]]
              .filter(Boolean)
              .join(' · ')}
          </div>
        </div>
        <Checkbox
          label="Use it"
          checked={pending ?? b.enabled}
          disabled={pending !== undefined}
          aria-label={`Use ${title}`}
          onCheckedChange={onEnabled}
        />
        <IconButton variant="danger-ghost" label={`Remove ${title}`} icon={<Trash2 size={16} />} onClick={onRemove} />
      </div>
      {(problem || b.error) && (
        <div className="backend-extra backend-trouble">
          {problem && (
            <div className="backend-problem" data-testid="backend-problem">
              {problem}
            </div>
          )}
          {b.error && <div className={problem ? 'muted small' : 'backend-error small'}>{b.error}</div>}
        </div>
      )}
      {b.problem === 'certificate' && b.untrustedCertificate && (
        <div className="backend-extra" role="group" aria-label={`Certificate of ${title}`}>
          <CertificateFacts certificate={b.untrustedCertificate} label="It presents this SHA-256 fingerprint" />
          <Button
            size="sm"
            icon={<ShieldCheck size={16} />}
            onClick={() => void trust(b.untrustedCertificate!.fingerprint256)}
          >
            Trust this certificate
          </Button>
        </div>
      )}
      {https && b.trustedCertificate && b.problem !== 'certificate' && (
        <div className="backend-extra small" data-testid="trusted-certificate">
          <span className="muted">
            Trusted certificate <code className="fingerprint">{b.trustedCertificate}</code>
          </span>
          <Button size="sm" variant="ghost" onClick={() => void trust(null)}>
            Stop trusting it
          </Button>
        </div>
      )}
      {b.kind !== 'launched' && !editing && (
        <div className="backend-extra small" data-testid="backend-access">
          <span className="muted">{SAVED_TEXT[b.auth] ?? 'No token or password'}</span>
          <Button
            size="sm"
            variant="ghost"
            icon={<KeyRound size={16} />}
            aria-label={`${b.auth === 'none' ? 'Add a token or password for' : 'Replace the access of'} ${title}`}
            onClick={() => setEditing({ ...NO_ACCESS, kind: b.auth === 'basic' ? 'basic' : 'bearer' })}
          >
            {b.auth === 'none' ? 'Add a token or password' : 'Replace'}
          </Button>
          {b.auth !== 'none' && (
            <Button size="sm" variant="danger-ghost" onClick={() => setClearing(true)}>
              Remove
            </Button>
          )}
        </div>
      )}
      {editing && (
        <form
          className="backend-extra access-editor"
          aria-label={`Access of ${title}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void saveAccess();
          }}
        >
          <AccessFields
            idPrefix={`access-${b.id}`}
            value={editing}
            error={editError}
            forName={title}
            onChange={(next) => {
              setEditing(next);
              setEditError(null);
            }}
          />
          <div className="actions">
            <Button type="submit" variant="primary" loading={saving}>
              Save
            </Button>
            <Button onClick={() => setEditing(null)}>Cancel</Button>
          </div>
        </form>
      )}
      {clearing && (
        <ConfirmDialog
          title={`Remove the access of ${title}?`}
          message="ComfyDesk forgets the saved token or password and connects without it."
          confirmLabel="Remove"
          onCancel={() => setClearing(false)}
          onConfirm={() => {
            setClearing(false);
            void report(() => api.call('backends.setAuth', { id: b.id, auth: null }), `${title}: access removed.`);
          }}
        />
      )}
    </li>
  );
}
