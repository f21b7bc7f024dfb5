/**
 * Helpers of ComfyBackend (backend.ts): the tracked-prompt record, the coalescing runner used for rechecks and
 * queue-position refreshes, the pure steps of deciding an ended prompt's outcome, and the status rules.
 */
import type { BackendProblem } from '@shared/api/health';
import { refusedMessage } from '../protocol/auth';
import { certificateErrorOf, type CertificateInfo } from '../protocol/tls';
import type { BackendStatus, JobOutcome } from './backend-types';
import { ComfyError } from '../protocol/errors';
import { fileRefsOf, type HistoryEntry } from '../protocol/http-schemas';
import { parseTextMessage, type ApiGraph } from '../protocol/messages';
import type { JobProgress, ProgressEvent, ProgressState } from '../protocol/progress';

export interface Tracked {
  promptId: string;
  graph: ApiGraph;
  state: ProgressState;
  /** POST /prompt answered (until then the prompt may legitimately be absent from /queue and /history). */
  submitted: boolean;
  finalizing: boolean;
  /** /history answers for it that were not ComfyUI's (garbage, wrong shape), in a row. */
  badHistory?: number;
}

/** Events of untracked prompts kept for replay. */
export const BUFFER_LIMIT = 500;
/** Reads of /history after `executing {node:null}` before giving up. */
export const HISTORY_RETRIES = 5;
export const LOST_MESSAGE = 'ComfyUI restarted and lost this job.';

/**
 * Runs `task` one at a time. A call while it runs shares the running promise and asks for one more run after
 * it (as long as `keepGoing()`), so a burst of calls costs at most two runs.
 */
export class Rerunner {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly keepGoing: () => boolean,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async (): Promise<void> => {
      do {
        this.again = false;
        await this.task();
      } while (this.again && this.keepGoing());
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

/** The history's status messages as progress events, closed by success (when it succeeded) and `executing null`. */
export function historyEvents(entry: HistoryEntry, promptId: string): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  for (const [type, data] of entry.status?.messages ?? []) {
    const m = parseTextMessage(JSON.stringify({ type, data }));
    if (m) events.push(m);
  }
  if (entry.status?.status_str === 'success' || entry.status === undefined) {
    events.push({ type: 'execution_success', data: { prompt_id: promptId } });
  }
  events.push({ type: 'executing', data: { node: null, prompt_id: promptId } });
  return events;
}

/** The outcome of an ended prompt from its final progress and history; null when it cannot be told yet. */
export function outcomeOf(promptId: string, p: JobProgress, entry: HistoryEntry | null): JobOutcome | null {
  if (p.phase === 'interrupted') return { kind: 'interrupted' };
  if (p.phase === 'failed') {
    const e = p.error;
    const message = e ? `${e.classType} (node ${e.nodeId}) failed: ${e.message}` : 'ComfyUI reported an error.';
    return { kind: 'failed', failure: { reason: 'error', message, error: e } };
  }
  if (!entry) return null;
  return {
    kind: 'completed',
    job: { promptId, outputs: entry.outputs, files: fileRefsOf(entry.outputs), history: entry },
  };
}

export function interruptedData(promptId: string): {
  prompt_id: string;
  node_id: string;
  node_type: string;
  executed: string[];
} {
  return { prompt_id: promptId, node_id: '', node_type: '', executed: [] };
}

/** The backend's status from what it knows: reachable wins, then booting, then a fatal answer, else offline. */
export function deriveStatus(s: {
  started: boolean;
  reachable: boolean;
  load: number;
  starting: boolean;
  fatal: boolean;
}): BackendStatus {
  if (!s.started) return 'offline';
  if (s.reachable) return s.load > 0 ? 'busy' : 'idle';
  if (s.starting) return 'starting';
  return s.fatal ? 'error' : 'offline';
}

/**
 * A failure in words, whether it is fatal — something answers, but not like a usable ComfyUI (an answer ComfyDesk
 * does not understand, a refusal by a proxy, a 4xx on the WebSocket upgrade, a certificate that is not trusted) —
 * and what kind of trouble it is, with the certificate that was refused.
 */
export function describeFailure(
  err: unknown,
  url: string,
): { message: string; fatal: boolean; problem: BackendProblem; certificate: CertificateInfo | null } {
  const message = err instanceof Error ? err.message : String(err);
  const untrusted = certificateErrorOf(err);
  if (untrusted) return { message, fatal: true, problem: 'certificate', certificate: untrusted.certificate };
  if (err instanceof ComfyError) {
    const refused = err.status === 401 || err.status === 403;
    const down = err.kind === 'unreachable' || err.kind === 'timeout';
    return {
      message,
      fatal: err.kind === 'invalid-response' || refused,
      problem: refused ? 'access-refused' : down ? 'unreachable' : 'other',
      certificate: null,
    };
  }
  const refused = /Unexpected server response: (401|403)/.exec(message);
  if (refused) {
    const text = refusedMessage(url, Number(refused[1]), false);
    return { message: text, fatal: true, problem: 'access-refused', certificate: null };
  }
  const upgradeRefused = /Unexpected server response: 4\d\d/.test(message);
  return {
    message: `ComfyUI at ${url} is not reachable — is it running? (${message})`,
    fatal: upgradeRefused,
    problem: upgradeRefused ? 'other' : 'unreachable',
    certificate: null,
  };
}
