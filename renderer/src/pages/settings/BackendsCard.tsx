import { useState } from 'react';
import type { BackendSummary } from '@shared/api/health';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { useBackends } from '../../stores/app-store';
import { withScheme } from '../../lib/backend-url';
import { report } from '../../stores/toast-store';

/** ComfyUI backends: add by URL, enable or disable, remove. The list follows health.changed. */
export function BackendsCard() {
  const backends = useBackends();
  const [url, setUrl] = useState('');
  const [force, setForce] = useState(false);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<BackendSummary | null>(null);
  /** Switches on their way to the core: the box shows the new state at once and waits for the answer. */
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const setEnabled = async (b: BackendSummary, enabled: boolean) => {
    setPending((p) => ({ ...p, [b.id]: enabled }));
    await report(
      () => api.call('backends.setEnabled', { id: b.id, enabled }),
      enabled ? `${b.name} enabled.` : `${b.name} disabled.`,
    );
    setPending((p) => {
      const next = { ...p };
      delete next[b.id];
      return next;
    });
  };

  return (
    <div className="card">
      <h2>ComfyUI backends</h2>
      {backends.length === 0 ? (
        <p className="empty">
          No ComfyUI yet. Add one by its address, or set the ComfyUI folder below to let ComfyDesk launch it.
        </p>
      ) : (
        <ul className="backend-list" data-testid="backends">
          {backends.map((b) => (
            <li key={b.id}>
              <span
                className={`dot ${b.status === 'idle' || b.status === 'busy' ? 'ok' : b.status === 'starting' ? 'warn' : b.status === 'error' ? 'bad' : 'off'}`}
                aria-hidden="true"
              />
              <div className="backend-main">
                <div>
                  {b.name} <span className="muted small">{b.kind}</span>
                </div>
                <div className="muted small">
                  {b.url} · {b.status}
                  {b.version ? ` · ComfyUI ${b.version}` : ''}
                  {b.error ? ` · ${b.error}` : ''}
                </div>
              </div>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={pending[b.id] ?? b.enabled}
                  disabled={b.id in pending}
                  aria-label={`${b.name} enabled`}
                  onChange={(e) => void setEnabled(b, e.target.checked)}
                />
                Enabled
              </label>
              <button
                type="button"
                className="subtle danger"
                onClick={() => setRemoving(b)}
                aria-label={`Remove ${b.name}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="input-row"
        aria-label="Add a backend"
        onSubmit={(e) => {
          e.preventDefault();
          setAdding(true);
          void report(
            () => api.call('backends.add', { url: withScheme(url), force }),
            (b) => `Added ${b.name} (${b.status}).`,
          ).then((b) => {
            setAdding(false);
            if (b) setUrl('');
          });
        }}
      >
        <label className="grow">
          <span className="sr-only">ComfyUI address</span>
          <input
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="http://192.168.1.20:8188"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Add even if offline
        </label>
        <button type="submit" className="primary" disabled={adding || !url.trim()}>
          {adding ? 'Checking…' : 'Add'}
        </button>
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
    </div>
  );
}
