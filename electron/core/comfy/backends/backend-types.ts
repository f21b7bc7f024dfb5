/** Types of ComfyBackend's public surface: status, events, job outcomes. */
import type { BackendAuth } from '@shared/backend-auth';
import type { FileRef, HistoryEntry } from '../protocol/http-schemas';
import type { JobError, JobProgress } from '../protocol/progress';
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { ComfyClientOptions } from '../protocol/client';
import type { ComfySocketOptions, SocketMode } from '../protocol/socket';

export interface ComfyBackendOptions {
  id: string;
  url: string;
  /** Persisted client id for the WebSocket and POST /prompt. */
  clientId: string;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** Source of prompt ids (default randomUUID). */
  newPromptId?: () => string;
  client?: Partial<Omit<ComfyClientOptions, 'url' | 'clock' | 'logger'>>;
  /** A ComfyUI behind a reverse proxy: sent with every request and the WebSocket upgrade. */
  auth?: BackendAuth | null;
  /** https/wss: the SHA-256 fingerprint of the one certificate trusted for it; null: the system's trust. */
  tlsPin?: string | null;
  socket?: Partial<Omit<ComfySocketOptions, 'url' | 'clientId' | 'clock' | 'random' | 'logger'>>;
}

export type BackendStatus = 'offline' | 'starting' | 'idle' | 'busy' | 'error';

export interface CompletedJob {
  promptId: string;
  outputs: Record<string, Record<string, unknown>>;
  files: Array<FileRef & { nodeId: string }>;
  history: HistoryEntry;
}

export interface JobFailure {
  /** `error`: a node raised; `lost`: ComfyUI no longer knows the prompt (restart); `no-history`: finished without a record. */
  reason: 'error' | 'lost' | 'no-history';
  message: string;
  error: JobError | null;
}

export interface ComfyBackendEvents {
  status: [status: BackendStatus];
  /** The reason given with the status (`statusDetail`) changed while the status stayed the same. */
  detail: [detail: string | null];
  connection: [info: { connected: boolean; mode: SocketMode }];
  progress: [promptId: string, progress: JobProgress];
  completed: [promptId: string, job: CompletedJob];
  failed: [promptId: string, failure: JobFailure];
  interrupted: [promptId: string];
}

export type JobOutcome =
  { kind: 'completed'; job: CompletedJob } | { kind: 'failed'; failure: JobFailure } | { kind: 'interrupted' };

/** Thrown by waitForCompletion when a job did not complete. */
export class ComfyJobError extends Error {
  override readonly name = 'ComfyJobError';
  constructor(
    readonly promptId: string,
    readonly outcome: Exclude<JobOutcome, { kind: 'completed' }>,
  ) {
    super(outcome.kind === 'failed' ? outcome.failure.message : 'The job was cancelled.');
  }
}
