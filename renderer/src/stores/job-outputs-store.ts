import { useEffect } from 'react';
import { create } from 'zustand';
import type { Output } from '@shared/library';
import { api } from '../api/client';

/**
 * The outputs of ended jobs, for the Queue page's thumbnails and its Open action: asked once per job
 * (library.byJob), kept, and updated by library events.
 */
interface JobOutputsState {
  byJob: Record<string, Output[]>;
  load(jobId: string): void;
}

const asked = new Set<string>();

export const useJobOutputs = create<JobOutputsState>((set) => ({
  byJob: {},
  load(jobId) {
    if (asked.has(jobId)) return;
    asked.add(jobId);
    api.call('library.byJob', { jobId }).then(
      (outputs) => set((s) => ({ byJob: { ...s.byJob, [jobId]: outputs } })),
      () => asked.delete(jobId),
    );
  },
}));

const NONE: Output[] = [];

/** A done job's outputs (empty until they are known). */
export function useOutputsOf(jobId: string, ended: boolean): Output[] {
  const outputs = useJobOutputs((s) => s.byJob[jobId] ?? NONE);
  useEffect(() => {
    if (ended) useJobOutputs.getState().load(jobId);
  }, [jobId, ended]);
  return outputs;
}

api.on('library.added', (added) =>
  useJobOutputs.setState((s) => {
    const byJob = { ...s.byJob };
    for (const o of added) {
      const known = byJob[o.jobId] ?? [];
      if (asked.has(o.jobId) && !known.some((k) => k.id === o.id)) byJob[o.jobId] = [...known, o];
    }
    return { byJob };
  }),
);
api.on('library.removed', ({ ids }) =>
  useJobOutputs.setState((s) => {
    const gone = new Set(ids);
    const byJob: Record<string, Output[]> = {};
    for (const [job, outputs] of Object.entries(s.byJob)) byJob[job] = outputs.filter((o) => !gone.has(o.id));
    return { byJob };
  }),
);
api.on('library.changed', (change) =>
  useJobOutputs.setState((s) => {
    const byJob: Record<string, Output[]> = {};
    for (const [job, outputs] of Object.entries(s.byJob))
      byJob[job] = outputs.map((o) =>
        o.id === change.id && change.thumbnailPath !== undefined ? { ...o, thumbnailPath: change.thumbnailPath } : o,
      );
    return { byJob };
  }),
);
