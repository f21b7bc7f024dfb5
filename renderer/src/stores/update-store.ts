import { create } from 'zustand';
import type { UpdateState } from '@shared/api/updates';
import { api } from '../api/client';
import { report } from './toast-store';

interface UpdateStore {
  state: UpdateState | null;
  checking: boolean;
  load(): Promise<void>;
  /** "Check for updates" now; says what it found. */
  check(): Promise<void>;
  /** "Restart to update" (waits for running jobs and deliveries). */
  restart(): Promise<void>;
  cancelRestart(): Promise<void>;
}

/** What the updater knows, from one load and then `updates.changed`. */
export const useUpdates = create<UpdateStore>((set) => ({
  state: null,
  checking: false,
  async load() {
    const state = await api.call('updates.status').catch(() => null);
    if (state) set({ state });
  },
  async check() {
    set({ checking: true });
    const state = await report(() => api.call('updates.check'), checkedMessage);
    set(state ? { state, checking: false } : { checking: false });
  },
  async restart() {
    const state = await report(() => api.call('updates.restart'));
    if (state) set({ state });
  },
  async cancelRestart() {
    const state = await report(() => api.call('updates.cancelRestart'), 'The update waits until you restart.');
    if (state) set({ state });
  },
}));

api.on('updates.changed', (state) => useUpdates.setState({ state }));

export function checkedMessage(state: UpdateState): string {
  switch (state.status) {
    case 'up-to-date':
      return `ComfyDesk ${state.current} is the newest version.`;
    case 'downloading':
    case 'downloaded':
      return `ComfyDesk ${state.version ?? ''} is downloading in the background.`;
    case 'available':
      return `ComfyDesk ${state.version ?? ''} is out.`;
    case 'error':
      return state.error ?? 'The update check failed.';
    default:
      return 'Checked for updates.';
  }
}
