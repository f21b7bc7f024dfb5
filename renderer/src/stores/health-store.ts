import { create } from 'zustand';
import type { ComfyLogLine, LaunchSettingsView, LauncherStatus } from '@shared/api/backends';
import type { HealthCheckResult, HealthFix, HealthReport } from '@shared/api/health';
import type { DownloadView } from '@shared/downloads';
import { api } from '../api/client';
import { errorMessage, formatBytes } from '../lib/format';
import { useAppStore } from './app-store';
import { fixKey, mergeCheck, sortChecks } from './health-logic';
import { useNav } from './nav-store';
import { report, toast } from './toast-store';

export const LOG_LIMIT = 1000;

/** A download started from a check (or already running for a file a check names). */
export interface CheckDownload {
  id: string;
  state: DownloadView['state'];
  bytesDone: number;
  totalBytes: number | null;
  error: string | null;
}
export type ChooseFix = Extract<HealthFix, { kind: 'choose-model' }>;

interface HealthState {
  /** The backend picked on the page ('' = the first one). */
  selected: string;
  /** The backend the rows are for (null: no ComfyUI; the app's own checks). */
  shown: string | null;
  running: boolean;
  /** Checks of the current (or last) run: failures first, then warnings, then passes. */
  checks: HealthCheckResult[];
  /** When the rows' run ended. */
  at: number | null;
  runError: string | null;
  /** Fix buttons at work, by fixKey. */
  fixing: Record<string, boolean>;
  /** Downloads by "folder/file". */
  downloads: Record<string, CheckDownload>;
  /** The "Choose a file" dialog's fix, while it is open. */
  choosing: ChooseFix | null;
  log: ComfyLogLine[];
  launch: LaunchSettingsView | null;
  launcher: LauncherStatus | null;
  busy: 'start' | 'stop' | 'restart' | 'vram' | null;
  load(): Promise<void>;
  select(backendId: string): Promise<void>;
  runChecks(backendId?: string): Promise<void>;
  fix(fix: HealthFix): Promise<void>;
  choose(fix: ChooseFix | null): void;
  chooseFile(fix: ChooseFix, file: string): Promise<boolean>;
  loadComfy(): Promise<void>;
  /** Start, stop or restart every launched ComfyUI, or the one of GPU `device`. */
  control(action: 'start' | 'stop' | 'restart', device?: number): Promise<void>;
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

const downloadKey = (folder: string, file: string | null) => `${folder}/${file ?? ''}`;
const asCheckDownload = (d: DownloadView): CheckDownload => ({
  id: d.id,
  state: d.state,
  bytesDone: d.bytesDone,
  totalBytes: d.totalBytes,
  error: d.error?.message ?? null,
});

/** Health checks (kept current by the core's own runs), the launched ComfyUI's state and log, the fix buttons. */
export const useHealth = create<HealthState>((set, get) => {
  const show = (r: HealthReport) =>
    set({ checks: sortChecks(r.results), shown: r.backendId, at: r.at, running: false, runError: null });
  const busyWith = async (fix: HealthFix, action: () => Promise<unknown>) => {
    const key = fixKey(fix);
    set((s) => ({ fixing: { ...s.fixing, [key]: true } }));
    try {
      await action();
    } finally {
      set((s) => ({ fixing: { ...s.fixing, [key]: false } }));
    }
  };
  return {
    selected: '',
    shown: null,
    running: false,
    checks: [],
    at: null,
    runError: null,
    fixing: {},
    downloads: {},
    choosing: null,
    log: [],
    launch: null,
    launcher: null,
    busy: null,
    async load() {
      const { selected } = get();
      const [latest, downloads] = await Promise.all([
        report(() => api.call('health.latest', selected ? { backendId: selected } : {})),
        report(() => api.call('downloads.list')),
      ]);
      const active: Record<string, CheckDownload> = {};
      for (const d of downloads ?? []) active[downloadKey(d.folder, d.file)] = asCheckDownload(d);
      set({ downloads: active });
      // None yet: the core's first run is on its way (its report fills the rows), or the user runs them.
      if (latest) show(latest);
    },
    async select(backendId) {
      set({ selected: backendId, checks: [], at: null });
      await get().load();
    },
    async runChecks(backendId) {
      set({ running: true, checks: [], runError: null });
      try {
        const result = await api.call('health.run', backendId ? { backendId } : {});
        show(result);
        const failed = result.results.filter((r) => r.status === 'fail').length;
        if (failed > 0) toast.error(`${failed} check${failed === 1 ? '' : 's'} failed: see the fixes.`);
        else toast.success('All checks passed.');
      } catch (err) {
        set({ running: false, runError: errorMessage(err) });
        toast.error(errorMessage(err));
      }
    },
    async fix(fix) {
      switch (fix.kind) {
        case 'open-settings':
          return useNav.getState().go('settings');
        case 'open-bot':
          return useNav.getState().go('bot');
        case 'choose-model':
          return set({ choosing: fix });
        case 'start-comfy':
          return busyWith(fix, () => get().control('start'));
        case 'free-vram':
          return busyWith(fix, () => get().freeVram(fix.backendId));
        case 'start-bot':
          return busyWith(fix, () =>
            report(
              () => api.call('bot.start'),
              (s) => (s.status === 'online' ? 'The bot is online.' : `The bot is ${s.status}.`),
            ),
          );
        case 'resume-queue':
          return busyWith(fix, () => report(() => api.call('queue.pause', { paused: false }), 'Queue resumed.'));
        case 'refresh-backend':
          return busyWith(fix, () =>
            report(
              () => api.call('backends.refresh', { id: fix.backendId }),
              (r) => `${r.backend.name} read again: ${r.nodeClasses} node types, ${r.modelFiles} model files.`,
            ),
          );
        case 'download':
          return busyWith(fix, async () => {
            const d = await report(
              () =>
                api.call('downloads.start', {
                  backendId: fix.backendId,
                  entry: { folder: fix.folder, file: fix.file },
                }),
              (v) => `Downloading ${v.file ?? fix.file}${v.totalBytes ? ` (${formatBytes(v.totalBytes)})` : ''}.`,
            );
            if (d) set((s) => ({ downloads: { ...s.downloads, [downloadKey(d.folder, d.file)]: asCheckDownload(d) } }));
          });
      }
    },
    choose(fix) {
      set({ choosing: fix });
    },
    async chooseFile(fix, file) {
      const saved = await report(
        () => api.call('settings.set', { models: { [fix.setting]: file } }),
        `The workflow now uses ${file}.`,
      );
      if (saved) set({ choosing: null });
      return saved !== undefined;
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
    async control(action, device) {
      set({ busy: action });
      const done = { start: 'started', stop: 'stopped', restart: 'restarted' }[action];
      const name = get().launcher?.instances.find((i) => i.device === (device ?? null))?.name;
      const label = device === undefined ? `ComfyUI ${done}.` : `ComfyUI on ${name ?? `GPU ${device}`} ${done}.`;
      const status = await report(() => api.call(`comfy.${action}`, device === undefined ? {} : { device }), label);
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
  };
});

/** A report is for the rows on show: the picked backend's, or (first backend) the one shown, or a change of it. */
function isShown(backendId: string | null): boolean {
  const { selected, shown, at } = useHealth.getState();
  if (selected) return backendId === selected;
  return at === null || backendId === shown || backendId === null || shown === null;
}

api.on('health.started', ({ backendId }) => {
  if (isShown(backendId)) useHealth.setState({ running: true });
});
api.on('health.check', ({ backendId, result }) =>
  useHealth.setState((s) => (s.running && isShown(backendId) ? { checks: mergeCheck(s.checks, result) } : {})),
);
api.on('health.report', (r) => {
  if (!isShown(r.backendId)) return;
  useHealth.setState({ checks: sortChecks(r.results), shown: r.backendId, at: r.at, running: false });
});
api.on('download.changed', (d) =>
  useHealth.setState((s) => ({ downloads: { ...s.downloads, [downloadKey(d.folder, d.file)]: asCheckDownload(d) } })),
);
api.on('download.progress', (p) =>
  useHealth.setState((s) => {
    const entry = Object.entries(s.downloads).find(([, d]) => d.id === p.id);
    if (!entry) return {};
    const [key, d] = entry;
    return { downloads: { ...s.downloads, [key]: { ...d, bytesDone: p.bytesDone, totalBytes: p.totalBytes } } };
  }),
);
api.on('comfy.log', (line) => useHealth.setState((s) => ({ log: appendLog(s.log, line) })));
api.on('comfy.launcher', (launcher) => useHealth.setState({ launcher }));
