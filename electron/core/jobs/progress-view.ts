/**
 * A job's progress as the renderer and the bot see it (shared/api/jobs.ts JobProgressView), from the ComfyUI
 * reducer's JobProgress. Previews become data: URLs once per new preview, never per tick.
 */
import type { JobPhase, JobProgressView } from '@shared/api/jobs';
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

/** The view of a job that has not reached ComfyUI (or has no live progress): from its stored state. */
export function storedView(job: Job, position: number | null, now: number): JobProgressView {
  const phase: JobPhase =
    ENDED_PHASE[job.status] ??
    (job.status === 'collecting' ? 'saving' : job.status === 'running' ? 'processing' : 'queued');
  return {
    jobId: job.id,
    status: job.status,
    phase,
    percent: job.status === 'done' ? 100 : job.progress,
    position,
    step: null,
    etaMs: null,
    preview: null,
    previewSeq: 0,
    updatedAt: now,
  };
}

/** The view of a job ComfyUI is working on. */
export function liveView(
  job: Job,
  progress: JobProgress,
  preview: { url: string | null; seq: number },
): JobProgressView {
  const queued = progress.phase === 'queued';
  return {
    jobId: job.id,
    status: job.status,
    phase: job.status === 'collecting' ? 'saving' : progress.phase,
    percent: Math.max(job.progress, progress.percent),
    position: queued && progress.queuePosition !== null ? progress.queuePosition + 1 : null,
    step: progress.step,
    etaMs: progress.etaMs,
    preview: preview.url,
    previewSeq: preview.seq,
    updatedAt: progress.updatedAt,
  };
}
