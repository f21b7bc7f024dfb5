import { create } from 'zustand';
import type { AppInfo } from '../../../shared/api/app';
import type { HealthSummary } from '../../../shared/api/health';
import type { Settings } from '../../../shared/settings';
import { api } from '../api/client';

interface AppState {
  info: AppInfo | null;
  settings: Settings | null;
  health: HealthSummary | null;
  error: string | null;
  load(): Promise<void>;
}

/** App-wide state fed by one load and then by core events (no polling). */
export const useAppStore = create<AppState>((set) => ({
  info: null,
  settings: null,
  health: null,
  error: null,
  async load() {
    try {
      const [info, settings, health] = await Promise.all([api.call('app.info'), api.call('settings.get'), api.call('health.summary')]);
      set({ info, settings, health, error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

api.on('settings.changed', (settings) => useAppStore.setState({ settings }));
api.on('health.changed', (health) => useAppStore.setState({ health }));
