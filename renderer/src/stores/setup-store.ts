import { create } from 'zustand';
import type { SetupStepId, SetupView } from '@shared/api/setup';
import { api } from '../api/client';
import { onResync } from './app-store';
import { report } from './toast-store';

interface SetupState {
  view: SetupView | null;
  /** The step shown (the first one to do, unless the user picked another). */
  open: SetupStepId | null;
  load(): Promise<SetupView | null>;
  show(step: SetupStepId): void;
  /** Mark a step and move on to the next one to do. */
  mark(step: SetupStepId, state: 'done' | 'skipped' | 'todo'): Promise<void>;
}

/** The setup guide's progress (kept by the core) and the step on screen. */
export const useSetup = create<SetupState>((set, get) => ({
  view: null,
  open: null,
  async load() {
    try {
      const view = await api.call('setup.get');
      set({ view, open: get().open ?? view.next ?? 'comfy' });
      return view;
    } catch {
      return null;
    }
  },
  show(step) {
    set({ open: step });
  },
  async mark(step, state) {
    const view = await report(() => api.call('setup.mark', { step, state }));
    if (!view) return;
    set({ view, open: state === 'todo' ? step : (view.next ?? step) });
  },
}));

/** What the guide sees changes with ComfyUI, the files, the jobs and the bot: read it again after those. */
let timer: ReturnType<typeof setTimeout> | null = null;
const reload = () => {
  if (!useSetup.getState().view || timer) return;
  timer = setTimeout(() => {
    timer = null;
    void api.call('setup.get').then(
      (view) => useSetup.setState({ view }),
      () => undefined,
    );
  }, 250);
};
api.on('setup.changed', (view) => useSetup.setState({ view }));
for (const event of ['health.changed', 'models.changed', 'workflows.changed', 'bot.changed', 'library.added'] as const)
  api.on(event, reload);
onResync(reload);
