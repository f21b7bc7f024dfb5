import { useState } from 'react';
import type { BackendSummary } from '@shared/api/health';
import { Server } from 'lucide-react';
import { api } from '../../api/client';
import { EmptyState } from '../../components/ui/EmptyState';
import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { useBackends } from '../../stores/app-store';
import { report } from '../../stores/toast-store';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { useSaveState } from '../../lib/use-save-state';
import { AddBackendForm } from './AddBackendForm';
import { BackendRow } from './BackendRow';

/**
 * The ComfyUI servers jobs go to: add by address (with the access a proxy in front wants), use or leave unused
 * (saved at once), change their access or trusted certificate, remove. Follows health.changed.
 */
export function BackendsCard() {
  const backends = useBackends();
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
          {backends.map((b) => (
            <BackendRow
              key={b.id}
              backend={b}
              pending={pending[b.id]}
              onEnabled={(enabled) => void setEnabled(b, enabled)}
              onRemove={() => setRemoving(b)}
            />
          ))}
        </ul>
      )}
      <AddBackendForm
        idPrefix="backend"
        name="Add a ComfyUI"
        label="Add a ComfyUI by its address"
        hint="As ComfyUI prints it at start, e.g. 127.0.0.1:8188, a computer on your network, or a friend's https:// address."
        submitLabel="Add"
      />
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
