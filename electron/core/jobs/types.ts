/** What the jobs engine needs from the rest of the core (backends and library), as small interfaces. */
import type { Job, JobStatus } from '@shared/jobs';
import type { Output } from '@shared/library';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { Placement } from '@core/comfy/backends/placement';
import type { CollectedFile } from '@core/comfy/protocol/collect-outputs';
import type { IntRange, Requirements } from '@core/comfy/backends/routing';

export interface JobBackends {
  /** Where a job with these needs can run (online backends that have everything, best first), or why not. */
  place(req: Requirements): Placement<ComfyBackend>;
  /** Read these model folders again before a file counts as missing; 'changed' follows. */
  recheckModels(targets: ReadonlyArray<{ backendId: string; folders: readonly string[] }>): Promise<void>;
  /** Resolves when the online backends have reported their nodes and models (or after a few seconds). */
  capabilitiesSettled(): Promise<void>;
  /** The range an INT input accepts on the online backends (e.g. a sampler's seed), or null when unknown. */
  intRange(classType: string, input: string): IntRange | null;
  get(id: string): ComfyBackend | undefined;
  /** Backends came, went or changed status. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** A backend will not come back (its launcher gave up restarting it). Returns an unsubscribe function. */
  onGone?(listener: (backendId: string, reason: string) => void): () => void;
}

export interface JobLibrary {
  /** A folder (same filesystem as the library) to stream a job's files into. */
  incomingDir(jobId: string): string;
  /** Move collected files into the library and index them. */
  ingest(job: Job, files: CollectedFile[]): Promise<Output[]>;
  byJob(jobId: string): Output[];
  /** Collecting has priority over thumbnails: hold them while a job's results come in; returns the release. */
  holdThumbnails?(): () => void;
}

/** How many of our prompts a backend holds at once: the running one plus one waiting, so the GPU never idles. */
export const PIPELINE_DEPTH = 2;
/** A job that failed from a backend fault is tried this many more times. */
export const MAX_RETRIES = 1;

/** The engine's way to end a job (stored with its reason; null when it had already ended or left `from`). */
export type EndJob = (
  jobId: string,
  status: Extract<JobStatus, 'failed'>,
  error: string,
  reason: string,
  from?: JobStatus[],
  more?: { hint?: string },
) => Job | null;
