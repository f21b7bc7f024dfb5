import { create } from 'zustand';
import type { AppInfo } from '@shared/api/app';
import type { HealthSummary } from '@shared/api/health';
import type { Settings, SettingsPatch } from '@shared/settings';
import { api, onConnectionStatus, type ConnectionStatus } from '../api/client';
import { errorMessage } from '../lib/format';
import { report } from './toast-store';

interface AppState {
  info: AppInfo | null;
  settings: Settings | null;
  health: HealthSummary | null;
  connection: ConnectionStatus;
  error: string | null;
  load(): Promise<void>;
  updateSettings(patch: SettingsPatch, success?: string): Promise<boolean>;
  /** Save without a toast (Settings shows "Saved" on the card); throws the readable error. */
  saveSettings(patch: SettingsPatch): Promise<Settings>;
}

/** App-wide state fed by one load and then by core events (no polling). */
export const useAppStore = create<AppState>((set) => ({
  info: null,
  settings: null,
  health: null,
  connection: 'connecting',
  error: null,
  async load() {
    try {
      const [info, settings, health] = await Promise.all([
        api.call('app.info'),
        api.call('settings.get'),
        api.call('health.summary'),
      ]);
      set({ info, settings, health, error: null });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async updateSettings(patch, success = 'Settings saved.') {
    const settings = await report(() => api.call('settings.set', patch), success);
    if (settings) set({ settings });
    return settings !== undefined;
  },
  async saveSettings(patch) {
    const settings = await api.call('settings.set', patch);
    set({ settings });
    return settings;
  },
}));

api.on('settings.changed', (settings) => useAppStore.setState({ settings }));
api.on('health.changed', (health) => useAppStore.setState({ health }));
// The bot's own event is sooner than the next summary: keep the status card in step with it.
api.on('bot.changed', (bot) =>
  useAppStore.setState((s) =>
    s.health ? { health: { ...s.health, bot: { status: bot.status, guilds: bot.guilds } } } : {},
  ),
);
/** Work to redo after the connection came back: events sent while it was down are lost, so snapshots are reloaded. */
const resyncs = new Set<() => void>();
export function onResync(reload: () => void): () => void {
  resyncs.add(reload);
  return () => resyncs.delete(reload);
}

let lostConnection = false;
onConnectionStatus((connection) => {
  useAppStore.setState({ connection });
  if (connection === 'closed') lostConnection = true;
  if (connection === 'open' && lostConnection) {
    lostConnection = false;
    void useAppStore.getState().load();
    for (const reload of resyncs) reload();
  }
});

const NO_BACKENDS: HealthSummary['comfy']['backends'] = [];

/** The backends of the latest health summary (a stable empty list before it arrives). */
/** The same empty object every time (a stable selector result). */
export const NO_MODELS: Readonly<Record<string, string>> = Object.freeze({});
export const useBackends = () => useAppStore((s) => s.health?.comfy.backends ?? NO_BACKENDS);

/** The theme the page uses: `system` follows the OS (dark when it cannot tell). */
export function resolvedTheme(theme: Settings['theme'] | undefined, systemLight = prefersLight()): 'dark' | 'light' {
  if (theme === 'light') return 'light';
  if (theme === 'system' && systemLight) return 'light';
  return 'dark';
}

function prefersLight(): boolean {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches;
}

/**
 * Apply the theme now and, for `system`, again whenever the OS switches between light and dark. Returns the
 * unsubscribe function (for a React effect).
 */
export function followTheme(theme: Settings['theme'] | undefined, apply: (t: 'dark' | 'light') => void): () => void {
  apply(resolvedTheme(theme));
  if (theme !== 'system' || typeof matchMedia === 'undefined') return () => undefined;
  const query = matchMedia('(prefers-color-scheme: dark)');
  const onChange = () => apply(resolvedTheme(theme));
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
