import { create } from 'zustand';
import type { ComfyLogLine, LaunchSettingsView, LauncherStatus } from '@shared/api/backends';
import type { HealthCheckResult } from '@shared/api/health';
import { api } from '../api/client';
import { errorMessage } from '../lib/format';
import { useAppStore } from './app-store';
import { report, toast } from './toast-store';

export const LOG_LIMIT = 1000;

interface HealthState {
  running: boolean;
  /** Checks of the current (or last) run, in the order they completed. */
  checks: HealthCheckResult[];
  runBackend: string | null;
  runError: string | null;
  log: ComfyLogLine[];
  launch: LaunchSettingsView | null;
  launcher: LauncherStatus | null;
  busy: 'start' | 'stop' | 'restart' | 'vram' | null;
  runChecks(backendId?: string): Promise<void>;
  loadComfy(): Promise<void>;
  control(action: 'start' | 'stop' | 'restart'): Promise<void>;
  /** Add the flags a failed start's fix suggests (e.g. --cpu) to the launch settings, then start again. */
  addFlagsAndStart(flags: string[]): Promise<void>;
  freeVram(backendId?: string): Promise<void>;
}

/** Keep the newest `limit` lines. */
export function appendLog(lines: ComfyLogLine[], line: ComfyLogLine, limit = LOG_LIMIT): ComfyLogLine[] {
  const next = lines.length >= limit ? lines.slice(lines.length - limit + 1) : lines.slice();
  next.push(line);
  return next;
}

/** Health checks (streamed as they complete), the launched ComfyUI's state and log. */
export const useHealth = create<HealthState>((set, get) => ({
  running: false,
  checks: [],
  runBackend: null,
  runError: null,
  log: [],
  launch: null,
  launcher: null,
  busy: null,
  async runChecks(backendId) {
    set({ running: true, checks: [], runError: null, runBackend: backendId ?? null });
    try {
      const result = await api.call('health.run', backendId ? { backendId } : {});
      // The answer holds every result; rows streamed already stay in their order.
      const have = new Set(get().checks.map((c) => c.id));
      set({
        checks: [...get().checks, ...result.results.filter((r) => !have.has(r.id))],
        runBackend: result.backendId,
        running: false,
      });
      const failed = result.results.filter((r) => r.status === 'fail').length;
      if (failed > 0) toast.error(`${failed} check${failed === 1 ? '' : 's'} failed: see the fix hints.`);
      else toast.success('All checks passed.');
    } catch (err) {
      set({ running: false, runError: errorMessage(err) });
      toast.error(errorMessage(err));
    }
  },
  async loadComfy() {
    const [tail, launch] = await Promise.all([
      report(() => api.call('comfy.logTail')),
      report(() => api.call('comfy.launchSettings')),
    ]);
    set({
      log: tail?.lines.slice(-LOG_LIMIT) ?? get().log,
      launch: launch ?? null,
      launcher: launch?.launcher ?? get().launcher,
    });
  },
  async control(action) {
    set({ busy: action });
    const labels = { start: 'ComfyUI started.', stop: 'ComfyUI stopped.', restart: 'ComfyUI restarted.' };
    const status = await report(() => api.call(`comfy.${action}`), labels[action]);
    set({ busy: null, ...(status ? { launcher: status } : {}) });
  },
  async addFlagsAndStart(flags) {
    const saved = get().launch?.saved.extraArgs ?? [];
    const extraArgs = [...saved, ...flags.filter((f) => !saved.includes(f))];
    const view = await report(() => api.call('comfy.setLaunchSettings', { extraArgs }));
    if (!view) return;
    set({ launch: view, launcher: view.launcher });
    await get().control('start');
  },
  async freeVram(backendId) {
    set({ busy: 'vram' });
    await report(
      () => api.call('comfy.freeVram', backendId ? { backendId } : {}),
      (r) => {
        // The answer names backends by id: show the names the user knows them by.
        const backends = useAppStore.getState().health?.comfy.backends ?? [];
        const names = r.freed.map((id) => backends.find((b) => b.id === id)?.name ?? id);
        return names.length ? `Freed VRAM on ${names.join(', ')}.` : 'No backend was online to free.';
      },
    );
    set({ busy: null });
  },
}));

api.on('health.check', ({ backendId, result }) =>
  useHealth.setState((s) =>
    s.running ? { checks: [...s.checks.filter((c) => c.id !== result.id), result], runBackend: backendId } : {},
  ),
);
api.on('comfy.log', (line) => useHealth.setState((s) => ({ log: appendLog(s.log, line) })));
api.on('comfy.launcher', (launcher) => useHealth.setState({ launcher }));
