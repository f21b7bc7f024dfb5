import { useState } from 'react';
import type { BackendSummary } from '@shared/api/health';
import { Plus, Server, Trash2 } from 'lucide-react';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { EmptyState } from '../../components/ui/EmptyState';
import { Field } from '../../components/ui/Field';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { useBackends } from '../../stores/app-store';
import { withScheme } from '../../lib/backend-url';
import { attempt, report } from '../../stores/toast-store';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { useSaveState } from '../../lib/use-save-state';

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

/** The ComfyUI servers jobs go to: add by address, use or leave unused (saved at once), remove. Follows health.changed. */
export function BackendsCard() {
  const backends = useBackends();
  const [url, setUrl] = useState('');
  const [force, setForce] = useState(false);
  const [adding, setAdding] = useState(false);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<BackendSummary | null>(null);
  /** Switches on their way to the core: the box shows the new state at once and waits for the answer. */
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const { state: saveState, run } = useSaveState();
  const setEnabled = async (b: BackendSummary, enabled: boolean) => {
    setPending((p) => ({ ...p, [b.id]: enabled }));
    await run(() => api.call('backends.setEnabled', { id: b.id, enabled }));
    setPending((p) => {
      const next = { ...p };
      delete next[b.id];
      return next;
    });
  };

  return (
    <section className="card" aria-label="ComfyUI">
      <div className="card-header">
        <h2>ComfyUI</h2>
        <SaveStatus state={saveState} testId="saved-backends" />
      </div>
      <p className="card-lead">The ComfyUI servers ComfyDesk sends jobs to. Untick one to stop using it for a while.</p>
      {backends.length === 0 ? (
        <EmptyState icon={Server} compact>
          No ComfyUI yet. Add one by its address below, or set the ComfyUI folder to let ComfyDesk launch it.
        </EmptyState>
      ) : (
        <ul className="backend-list" data-testid="backends">
          {backends.map((b) => {
            const address = b.url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
            const named = b.name.replace(/^https?:\/\//, '').replace(/\/+$/, '') !== address;
            return (
              <li key={b.id} data-backend-id={b.id}>
                <span className={`dot ${STATUS_TONE[b.status] ?? 'off'}`} aria-hidden="true" />
                <div className="backend-main">
                  <div className="backend-name">
                    {named ? b.name : address}
                    <span className={`status-pill ${STATUS_PILL[b.status] ?? ''}`}>
                      {STATUS_TEXT[b.status] ?? b.status}
                    </span>
                  </div>
                  <div className="muted small">
                    {[named ? address : null, b.version ? `ComfyUI ${b.version}` : null, KIND_TEXT[b.kind]]
                      .filter(Boolean)
                      .join(' · ')}
                  </div>
                  {b.error && <div className="backend-error small">{b.error}</div>}
                </div>
                <Checkbox
                  label="Use it"
                  checked={pending[b.id] ?? b.enabled}
                  disabled={b.id in pending}
                  aria-label={`Use ${named ? b.name : address}`}
                  onCheckedChange={(enabled) => void setEnabled(b, enabled)}
                />
                <IconButton
                  variant="danger-ghost"
                  label={`Remove ${named ? b.name : address}`}
                  icon={<Trash2 size={16} />}
                  onClick={() => setRemoving(b)}
                />
              </li>
            );
          })}
        </ul>
      )}
      <form
        className="add-backend"
        aria-label="Add a ComfyUI"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setAdding(true);
          void attempt(
            () => api.call('backends.add', { url: withScheme(url), force }),
            setUrlError,
            (b) => `Added ${b.name} (${b.status}).`,
          ).then((b) => {
            setAdding(false);
            if (b) {
              setUrl('');
              setUrlError(null);
            }
          });
        }}
      >
        <Field
          id="backend-url"
          label="Add a ComfyUI by its address"
          hint="As ComfyUI prints it at start, e.g. 127.0.0.1:8188 or a computer on your network."
          error={urlError}
        >
          <div className="input-row">
            <Input
              className="grow"
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="http://192.168.1.20:8188"
              value={url}
              onChange={(e) => {
                setUrl(e.target.value);
                setUrlError(null);
              }}
            />
            <Button type="submit" variant="primary" icon={<Plus size={16} />} loading={adding} disabled={!url.trim()}>
              {adding ? 'Checking…' : 'Add'}
            </Button>
          </div>
        </Field>
        <Checkbox label="Add it even if it does not answer now" checked={force} onCheckedChange={setForce} />
      </form>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          message="ComfyDesk stops using it. Its outputs stay in the library."
          confirmLabel="Remove"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const b = removing;
            setRemoving(null);
            void report(() => api.call('backends.remove', { id: b.id }), `${b.name} removed.`);
          }}
        />
      )}
    </section>
  );
}
