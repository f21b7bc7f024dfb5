import { create } from 'zustand';
import { api } from '../api/client';
import { onResync } from './app-store';
import { report } from './toast-store';
import { applyJobChanged, applyProgress, emptyQueue, fromSnapshot, type QueueData } from './queue-logic';

interface QueueState extends QueueData {
  loaded: boolean;
  load(): Promise<void>;
  cancel(id: string): Promise<void>;
  setPaused(paused: boolean): Promise<void>;
}

/** Jobs queued, running and recently ended; fed by `job.changed` / `job.progress` after one snapshot. */
export const useQueue = create<QueueState>((set, get) => ({
  ...emptyQueue(),
  loaded: false,
  async load() {
    const snapshot = await report(() => api.call('jobs.queue'));
    if (!snapshot) return;
    // Events seen while the snapshot was on its way are newer: replay them over it.
    const current = get();
    let next = fromSnapshot(snapshot);
    for (const job of Object.values(current.byId)) next = applyJobChanged(next, job);
    for (const view of Object.values(current.progress)) next = applyProgress(next, view);
    set({ ...next, loaded: true });
  },
  async cancel(id) {
    await report(
      () => api.call('jobs.cancel', { id }),
      (r) =>
        r.action === 'already-ended'
          ? 'That job had already ended.'
          : r.action === 'interrupting'
            ? 'Stopping the running job…'
            : 'Job cancelled.',
    );
  },
  async setPaused(paused) {
    const r = await report(
      () => api.call('queue.pause', { paused }),
      paused ? 'Queue paused: running jobs finish, nothing new starts.' : 'Queue resumed.',
    );
    if (r) set({ paused: r.paused });
  },
}));

api.on('job.changed', (job) => useQueue.setState((s) => applyJobChanged(s, job)));
api.on('job.progress', (view) => useQueue.setState((s) => applyProgress(s, view)));
api.on('health.changed', (h) => useQueue.setState({ paused: h.queue.paused }));
api.on('settings.changed', (s) => useQueue.setState({ paused: s.queue.paused }));
onResync(() => {
  // A fresh snapshot replaces what was missed (events replayed over it would be stale by now).
  useQueue.setState({ byId: {}, progress: {} });
  void useQueue.getState().load();
});

/** Jobs running (on a GPU now) and waiting (in any queue), as the Queue page and the sidebar count them. */
export function useQueueCounts(): { running: number; waiting: number } {
  const running = useQueue((s) => s.active.filter((j) => j.status === 'running' || j.status === 'collecting').length);
  const waiting = useQueue((s) => s.waiting);
  return { running, waiting };
}
