/**
 * A job's progress as the renderer and the bot see it (shared/api/jobs.ts JobProgressView), from the ComfyUI
 * reducer's JobProgress. Previews become data: URLs once per new preview, never per tick.
 */
import type { JobPhase, JobProgressView, JobWait } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { JobPreview, JobProgress } from '@core/comfy/protocol/progress';

export class PreviewCache {
  private seq = new Map<string, { preview: JobPreview; seq: number; url: string }>();

  /** The data: URL and sequence number of a job's latest preview. */
  get(jobId: string, preview: JobPreview | null): { url: string | null; seq: number } {
    const known = this.seq.get(jobId);
    if (!preview) return { url: known?.url ?? null, seq: known?.seq ?? 0 };
    if (known && known.preview === preview) return { url: known.url, seq: known.seq };
    const url = `data:${preview.mime};base64,${Buffer.from(preview.image).toString('base64')}`;
    const next = { preview, seq: (known?.seq ?? 0) + 1, url };
    this.seq.set(jobId, next);
    return { url, seq: next.seq };
  }

  forget(jobId: string): void {
    this.seq.delete(jobId);
  }
}

const ENDED_PHASE: Partial<Record<Job['status'], JobPhase>> = {
  done: 'done',
  failed: 'failed',
  cancelled: 'interrupted',
};

/** Where a waiting job stands (queue-plan.ts); null for jobs that run or are over. */
export type Standing = { position: number | null; wait: JobWait | null } | null;

/** The view of a job that has not reached ComfyUI (or has no live progress): from its stored state. */
export function storedView(job: Job, standing: Standing, now: number, notice: string | null = null): JobProgressView {
  const phase: JobPhase =
    ENDED_PHASE[job.status] ??
    (job.status === 'collecting' ? 'saving' : job.status === 'running' ? 'processing' : 'queued');
  return {
    jobId: job.id,
    status: job.status,
    phase,
    percent: job.status === 'done' ? 100 : job.progress,
    position: standing?.position ?? null,
    wait: standing?.wait ?? null,
    notice,
    step: null,
    etaMs: null,
    preview: null,
    previewSeq: 0,
    updatedAt: now,
  };
}

/**
 * The view of a job ComfyUI is working on. Percent, step and time left all come from the one reducer state, so
 * they always agree; a job still in ComfyUI's own queue shows its place in the whole queue.
 */
export function liveView(
  job: Job,
  progress: JobProgress,
  preview: { url: string | null; seq: number },
  standing: Standing,
): JobProgressView {
  const queued = progress.phase === 'queued';
  return {
    jobId: job.id,
    status: job.status,
    phase: job.status === 'collecting' ? 'saving' : progress.phase,
    percent: progress.percent,
    position: queued ? (standing?.position ?? null) : null,
    wait: queued ? (standing?.wait ?? null) : null,
    notice: null,
    step: progress.step,
    etaMs: progress.etaMs,
    preview: preview.url,
    previewSeq: preview.seq,
    updatedAt: progress.updatedAt,
  };
}
