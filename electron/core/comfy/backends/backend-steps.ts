/**
 * Steps of ComfyBackend (backend.ts) that only read and report through it: deciding an ended prompt's outcome from
 * its progress and history, a /history read that failed, and a running prompt ComfyUI went quiet about. Plus the
 * one place a backend's HTTP client and WebSocket are made, with the same credentials and TLS rule (tls.ts).
 */
import { delay, type Clock } from '@core/clock';
import type { Logger } from '@core/log';
import { authHeaders } from '../protocol/auth';
import { ComfyClient } from '../protocol/client';
import { ComfyError } from '../protocol/errors';
import type { HistoryEntry } from '../protocol/http-schemas';
import type { ProgressEvent } from '../protocol/progress';
import { ComfySocket } from '../protocol/socket';
import type { ComfyBackendOptions, JobOutcome } from './backend-types';
import { HISTORY_RETRIES, historyEvents, outcomeOf, type Tracked } from './tracked-prompts';

/** What the steps need of their backend. */
export interface BackendStepsHost {
  readonly url: string;
  readonly client: ComfyClient;
  readonly socket: ComfySocket;
  readonly clock: Clock;
  readonly log: Logger;
  /** `t` is still the record followed for its prompt. */
  current(t: Tracked): boolean;
  apply(t: Tracked, event: ProgressEvent, now: number): void;
  settle(promptId: string, outcome: JobOutcome): void;
  noteFailure(err: unknown): void;
  recheck(): Promise<void>;
}

/**
 * The HTTP client and the WebSocket of one backend: both send its credentials, and over https/wss both accept only
 * a certificate the system trusts or the one pinned for it.
 */
export function connectionOf(
  opts: ComfyBackendOptions,
  clock: Clock,
  log: Logger,
): { client: ComfyClient; socket: ComfySocket } {
  const headers = authHeaders(opts.auth);
  const tlsPin = opts.tlsPin ?? null;
  const client = new ComfyClient({ ...opts.client, headers, tlsPin, url: opts.url, clock, logger: log });
  const socket = new ComfySocket({
    ...opts.socket,
    headers,
    tlsPin,
    url: opts.url,
    clientId: opts.clientId,
    clock,
    ...(opts.random ? { random: opts.random } : {}),
    logger: log,
  });
  return { client, socket };
}

/** Decide the outcome of an ended prompt, from the progress state and (for success) its history. */
export async function finalizePrompt(host: BackendStepsHost, t: Tracked, known: HistoryEntry | null): Promise<void> {
  if (t.finalizing || !host.current(t)) return;
  t.finalizing = true;
  try {
    let entry = known;
    const phase = t.state.progress.phase;
    if (!entry && phase !== 'failed' && phase !== 'interrupted') {
      for (let i = 0; i < HISTORY_RETRIES && !entry; i++) {
        entry = await host.client.getHistory(t.promptId);
        if (!entry) await delay(host.clock, 25 * 2 ** i);
      }
      if (!entry) {
        host.settle(t.promptId, {
          kind: 'failed',
          failure: {
            reason: 'no-history',
            message: 'ComfyUI finished the job but kept no record of its outputs.',
            error: null,
          },
        });
        return;
      }
    }
    if (entry) {
      // The history's status messages go through the reducer so the final progress matches the outcome.
      const now = host.clock.now();
      for (const e of historyEvents(entry, t.promptId)) host.apply(t, e, now);
    }
    const outcome = outcomeOf(t.promptId, t.state.progress, entry);
    if (outcome) host.settle(t.promptId, outcome);
  } catch (err) {
    // Network trouble while reading history: leave it to the next recheck.
    t.finalizing = false;
    historyFailed(host, t, err);
  }
}

/**
 * A failed /history read. Network trouble is retried at the next recheck; answers that are not ComfyUI's
 * are retried a few times, then the job fails with the reason (else it would wait forever).
 */
export function historyFailed(host: BackendStepsHost, t: Tracked, err: unknown): void {
  host.noteFailure(err);
  if (!(err instanceof ComfyError) || err.kind !== 'invalid-response') return;
  t.badHistory = (t.badHistory ?? 0) + 1;
  if (t.badHistory < HISTORY_RETRIES || !host.current(t)) return;
  host.settle(t.promptId, {
    kind: 'failed',
    failure: {
      reason: 'no-history',
      message: `The job's record could not be read from ComfyUI: ${err.message}`,
      error: null,
    },
  });
}

/**
 * ComfyUI has been silent about our running prompt for too long. If /queue still lists it running, the socket
 * is stale: reconnect and re-check. If ComfyUI does not answer at all, it is offline (said with the reason).
 */
export async function promptWentQuiet(host: BackendStepsHost, promptId: string, silentMs: number): Promise<void> {
  const silence = `${Math.round(silentMs / 1000)} s`;
  try {
    const queue = await host.client.getQueue();
    const stillRunning = queue.running.some((e) => e.promptId === promptId);
    host.log.warn(
      stillRunning ? 'no messages for a running prompt; reconnecting' : 'a prompt went quiet; re-checking',
      { promptId, silence },
    );
  } catch (err) {
    host.log.warn('ComfyUI stopped answering', { promptId, silence, error: String(err) });
    host.noteFailure(
      new ComfyError('unreachable', `ComfyUI at ${host.url} stopped answering (nothing for ${silence}).`, {
        url: host.url,
        cause: err,
      }),
    );
  }
  host.socket.reconnectNow();
  void host.recheck();
}
