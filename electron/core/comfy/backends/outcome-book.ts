/**
 * The outcomes ComfyBackend (backend.ts) has reported, and the callers waiting for them: each prompt's outcome
 * is kept (the newest 1000) so a late waitForCompletion() still gets it.
 */
import { ComfyJobError, type CompletedJob, type JobOutcome } from './backend-types';

const KEPT_OUTCOMES = 1000;

interface Waiter {
  deliver: (o: JobOutcome) => void;
  abort: (e: Error) => void;
}

export class OutcomeBook {
  private readonly known = new Map<string, JobOutcome>();
  private readonly waiters = new Map<string, Waiter[]>();

  get(promptId: string): JobOutcome | null {
    return this.known.get(promptId) ?? null;
  }

  has(promptId: string): boolean {
    return this.known.has(promptId);
  }

  /** Keep the outcome (call deliver() after announcing it). */
  add(promptId: string, outcome: JobOutcome): void {
    this.known.set(promptId, outcome);
    if (this.known.size > KEPT_OUTCOMES) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** Hand the kept outcome to everyone waiting for it. */
  deliver(promptId: string): void {
    const outcome = this.known.get(promptId);
    if (!outcome) return;
    for (const w of this.waiters.get(promptId) ?? []) w.deliver(outcome);
    this.waiters.delete(promptId);
  }

  /**
   * Resolves with the completed job; rejects with ComfyJobError when it failed or was cancelled, or at once
   * with `unknown()`'s error when there is no outcome yet and the prompt is not being watched.
   */
  wait(promptId: string, unknown: () => Error | null): Promise<CompletedJob> {
    return new Promise((resolve, reject) => {
      const deliver = (o: JobOutcome): void => {
        if (o.kind === 'completed') resolve(o.job);
        else reject(new ComfyJobError(promptId, o));
      };
      const known = this.known.get(promptId);
      if (known) return deliver(known);
      const err = unknown();
      if (err) return reject(err);
      const list = this.waiters.get(promptId) ?? [];
      list.push({ deliver, abort: reject });
      this.waiters.set(promptId, list);
    });
  }

  /** Reject every pending wait (the backend stopped watching). */
  abortAll(err: Error): void {
    for (const list of this.waiters.values()) for (const w of list) w.abort(err);
    this.waiters.clear();
  }
}
