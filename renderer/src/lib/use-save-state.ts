import { useCallback, useRef, useState } from 'react';
import { errorMessage } from './format';

export type SaveState = { status: 'idle' | 'saving' | 'saved' } | { status: 'failed'; error: string };

/**
 * Autosave bookkeeping for one card: run a save, and show "Saving…", "Saved" or why not. Only the newest save's
 * outcome is shown, so a slow older answer cannot overwrite a newer "Saved".
 */
export function useSaveState(): {
  state: SaveState;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
} {
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const latest = useRef(0);
  const run = useCallback(async <T>(action: () => Promise<T>) => {
    const id = ++latest.current;
    setState({ status: 'saving' });
    try {
      const value = await action();
      if (id === latest.current) setState({ status: 'saved' });
      return value;
    } catch (err) {
      if (id === latest.current) setState({ status: 'failed', error: errorMessage(err) });
      return undefined;
    }
  }, []);
  return { state, run };
}
