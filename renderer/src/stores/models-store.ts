import { create } from 'zustand';
import type { CatalogModel, DownloadStartInput } from '@shared/api/models';
import type { WorkflowReadiness } from '@shared/api/workflows';
import type { DownloadProgress, DownloadService, DownloadTokens, DownloadView } from '@shared/downloads';
import { api } from '../api/client';
import { attempt, report } from './toast-store';
import { onResync } from './app-store';

interface ModelsState {
  loaded: boolean;
  catalog: CatalogModel[];
  /** Why the catalogue could not be read, when it could not. */
  catalogProblem: string | null;
  readiness: WorkflowReadiness[];
  downloads: DownloadView[];
  progress: Record<string, DownloadProgress>;
  tokens: DownloadTokens | null;
  /** Files of each model folder across the online ComfyUIs (asked when a picker opens). */
  files: Record<string, string[]>;
  load(): Promise<void>;
  refreshReadiness(): Promise<void>;
  loadFolder(folder: string): Promise<string[]>;
  /** Start a download; the error text (for the field or row that asked), or null when it started. */
  download(input: DownloadStartInput): Promise<string | null>;
  cancel(id: string): Promise<void>;
  /** Remember a file for a workflow's model setting (e.g. a checkpoint ComfyUI already has). */
  choose(setting: string, file: string): Promise<boolean>;
  setToken(service: DownloadService, token: string): Promise<string | null>;
  clearToken(service: DownloadService): Promise<void>;
}

/** Model files: the catalogue, what each workflow lacks, downloads with live progress, the download tokens. */
export const useModels = create<ModelsState>((set, get) => ({
  loaded: false,
  catalog: [],
  catalogProblem: null,
  readiness: [],
  downloads: [],
  progress: {},
  tokens: null,
  files: {},
  async load() {
    const [catalog, readiness, downloads, tokens] = await Promise.all([
      report(() => api.call('models.catalog')),
      report(() => api.call('workflows.readiness')),
      report(() => api.call('downloads.list')),
      report(() => api.call('downloads.tokens')),
    ]);
    set({
      loaded: true,
      catalog: catalog?.models ?? get().catalog,
      catalogProblem: catalog?.problem ?? null,
      readiness: readiness ?? get().readiness,
      downloads: downloads ?? get().downloads,
      tokens: tokens ?? get().tokens,
    });
  },
  async refreshReadiness() {
    try {
      const [readiness, catalog] = await Promise.all([api.call('workflows.readiness'), api.call('models.catalog')]);
      set({ readiness, catalog: catalog.models, catalogProblem: catalog.problem });
    } catch {
      // The next event tries again; a toast for a background refresh would only be noise.
    }
  },
  async loadFolder(folder) {
    try {
      const { files } = await api.call('models.list', { folder });
      set({ files: { ...get().files, [folder]: files } });
      return files;
    } catch {
      return get().files[folder] ?? [];
    }
  },
  async download(input) {
    let error: string | null = null;
    const view = await attempt(
      () => api.call('downloads.start', input),
      (message) => (error = message),
    );
    if (view) set({ downloads: [view, ...get().downloads.filter((d) => d.id !== view.id)] });
    return error;
  },
  async cancel(id) {
    const view = await report(
      () => api.call('downloads.cancel', { id }),
      'Download stopped; its partial file is deleted.',
    );
    if (view) set({ downloads: get().downloads.map((d) => (d.id === view.id ? view : d)) });
  },
  async choose(setting, file) {
    const settings = await report(() => api.call('settings.set', { models: { [setting]: file } }), `Using ${file}.`);
    if (settings) await get().refreshReadiness();
    return !!settings;
  },
  async setToken(service, token) {
    let error: string | null = null;
    const tokens = await attempt(
      () => api.call('downloads.setToken', service === 'huggingface' ? { service, token } : { service, token }),
      (message) => (error = message),
      'Token saved in the secret store.',
    );
    if (tokens) set({ tokens });
    return error;
  },
  async clearToken(service) {
    const tokens = await report(() => api.call('downloads.clearToken', { service }), 'Token removed.');
    if (tokens) set({ tokens });
  },
}));

/** Read readiness again soon (many events come in bursts: one read for a burst). */
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
const refresh = () => {
  if (!useModels.getState().loaded || refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void useModels.getState().refreshReadiness();
  }, 300);
};
/** Which ComfyUIs are online, as last seen: readiness changes with them, not with every queue count. */
let lastBackends = '';
api.on('download.progress', (p) => useModels.setState((s) => ({ progress: { ...s.progress, [p.id]: p } })));
api.on('download.changed', (d) =>
  useModels.setState((s) => ({ downloads: [d, ...s.downloads.filter((x) => x.id !== d.id)] })),
);
api.on('models.changed', ({ folder }) => {
  refresh();
  if (useModels.getState().files[folder]) void useModels.getState().loadFolder(folder);
});
api.on('workflows.changed', refresh);
api.on('health.changed', (h) => {
  const now = h.comfy.backends.map((b) => `${b.id}:${b.status}`).join(',');
  if (now === lastBackends) return;
  lastBackends = now;
  refresh();
});
api.on('settings.changed', refresh);
onResync(() => {
  if (useModels.getState().loaded) void useModels.getState().load();
});
