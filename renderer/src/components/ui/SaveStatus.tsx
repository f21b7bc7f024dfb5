import { Check, CircleAlert, LoaderCircle } from 'lucide-react';
import type { SaveState } from '../../lib/use-save-state';

/** The autosave line in a card's header: "Saving…", "Saved" or "Not saved: why". */
export function SaveStatus({ state, testId }: { state: SaveState; testId?: string }) {
  return (
    <span className={`save-state ${state.status}`} role="status" data-testid={testId} data-status={state.status}>
      {state.status === 'saving' && (
        <>
          <LoaderCircle size={14} className="spin" aria-hidden="true" /> Saving…
        </>
      )}
      {state.status === 'saved' && (
        <>
          <Check size={14} aria-hidden="true" /> Saved
        </>
      )}
      {state.status === 'failed' && (
        <>
          <CircleAlert size={14} aria-hidden="true" /> Not saved: {state.error}
        </>
      )}
    </span>
  );
}
