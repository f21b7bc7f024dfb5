/**
 * Each enabled backend as the Queue page and /status show it: its measured speed (a 20-step 1-megapixel image),
 * the cost of a model switch there, the job it runs, the jobs waiting on it, and its VRAM at the last reading.
 */
import type { BackendActivity } from '@shared/api/backends';
import type { BackendSummary } from '@shared/api/health';
import type { SpeedRouter } from './route-job';

export function backendActivity(summaries: readonly BackendSummary[], router: SpeedRouter): BackendActivity[] {
  return summaries
    .filter((b) => b.enabled)
    .map((b) => {
      const speed = router.speeds.view(b.id);
      const { current, queued } = router.activity(b.id);
      return {
        id: b.id,
        name: b.name,
        status: b.status,
        msPerImage: speed.msPerWork === null ? null : Math.round(speed.msPerWork),
        modelSwitchMs: speed.switchMs === null ? null : Math.round(speed.switchMs),
        current: current ? { jobId: current.id, workflow: current.workflow, percent: current.progress } : null,
        queued,
        vramFree: speed.vram?.free ?? null,
        vramTotal: speed.vram?.total ?? null,
      };
    });
}
