/**
 * A finished prompt's files, from ComfyUI into the library: streamed from /view, ingested, retried on network
 * faults with backoff. Thumbnails wait meanwhile (delivery first). Results already in the library (a restart after
 * ingest) are not fetched again.
 */
import type { Job, JobStatus } from '@shared/jobs';
import { delay, type Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { Logger } from '../log';
import type { JobLibrary } from './types';

const ATTEMPTS = 4;

export interface CollectOutcome {
  status: Extract<JobStatus, 'done' | 'failed'>;
  error: string | null;
  /** For a failure: what would help. */
  hint?: string;
  reason: string;
}

/** How the job ends, or null when the engine stopped meanwhile (the next start collects it again). */
export async function collectResults(
  deps: { library: JobLibrary; clock: Clock; log: Logger; stopped: () => boolean },
  job: Job,
  backend: ComfyBackend,
  promptId: string,
): Promise<CollectOutcome | null> {
  const release = deps.library.holdThumbnails?.();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        let outputs = deps.library.byJob(job.id);
        if (outputs.length === 0)
          outputs = await deps.library.ingest(
            job,
            await backend.collectOutputs(promptId, deps.library.incomingDir(job.id)),
          );
        return outputs.length === 0
          ? {
              status: 'failed',
              error: 'ComfyUI finished without saving any image or video.',
              hint: 'The workflow must end in a Save Image or Save Video node; check it on the Workflows page.',
              reason: 'no outputs',
            }
          : { status: 'done', error: null, reason: `${outputs.length} output(s)` };
      } catch (err) {
        if (deps.stopped()) return null;
        if (!(err instanceof ComfyError) || err.kind === 'rejected' || attempt >= ATTEMPTS) {
          return {
            status: 'failed',
            error: `Could not save the results: ${(err as Error).message}`,
            hint: 'Check that the library folder (Settings) has free space and can be written; the images stay in ComfyUI’s output folder.',
            reason: 'collect failed',
          };
        }
        deps.log.warn('collecting outputs failed; retrying', { job: job.id, attempt, error: err.message });
        await delay(deps.clock, 500 * 2 ** attempt);
      }
    }
  } finally {
    release?.();
  }
}
