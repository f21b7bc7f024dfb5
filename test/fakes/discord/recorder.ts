/**
 * Every REST request the fake answers, in order, with what was sent and what came back. Tests filter it
 * (`callsTo`) or wait for a call to happen (`waitForCall`, event driven: it resolves from the `record()` that
 * appends the matching call, never by polling).
 */
import { EventEmitter } from 'node:events';
import type { RouteContext } from './router';

export interface RecordedFile {
  /** Multipart field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  size: number;
}

/** One request as the routes saw it (see RouteContext), plus when it came and what the fake answered. */
export interface RecordedCall extends RouteContext {
  /** 1-based position in `calls`. */
  seq: number;
  /** Fake clock time (ms) when the request arrived. */
  at: number;
  status: number;
  response: unknown;
  /** Headers the fake answered with (X-RateLimit-*, Retry-After, Content-Type …). */
  responseHeaders: Record<string, string>;
  /** Discord JSON error code of an error response, if any. */
  errorCode?: number;
}

export type CallPredicate = (call: RecordedCall) => boolean;

export interface WaitOptions {
  /** Only consider calls with `seq > since` (use `recorder.mark()`); default 0 = every call so far too. */
  since?: number;
  /** Reject after this many real milliseconds (a guard against hanging tests, default 10 000). */
  timeoutMs?: number;
}

export class Recorder {
  readonly calls: RecordedCall[] = [];
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  record(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const full: RecordedCall = { ...call, seq: this.calls.length + 1 };
    this.calls.push(full);
    this.events.emit('call', full);
    return full;
  }

  /** The seq of the latest call; pass it as `since` to wait only for later calls. */
  mark(): number {
    return this.calls.length;
  }

  /** Calls whose method matches (string, case-insensitive, or '*') and whose path matches `path` (regex or substring). */
  callsTo(method: string, path?: RegExp | string): RecordedCall[] {
    return this.calls.filter((c) => matches(c, method, path));
  }

  /** Answered with 429. */
  get rateLimitedCount(): number {
    return this.calls.filter((c) => c.status === 429).length;
  }

  waitForCall(predicate: CallPredicate, options: WaitOptions = {}): Promise<RecordedCall> {
    const since = options.since ?? 0;
    const existing = this.calls.find((c) => c.seq > since && predicate(c));
    if (existing) return Promise.resolve(existing);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall): void => {
        if (call.seq > since && predicate(call)) {
          cleanup();
          resolve(call);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((c) => `${c.method} ${c.path} -> ${c.status}`).join('\n  ');
        reject(new Error(`fake discord: no matching call within ${timeoutMs} ms. Calls so far:\n  ${seen}`));
      }, timeoutMs);
      timer.unref();
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('call', onCall);
      };
      this.events.on('call', onCall);
    });
  }

  /** Wait for a call by method and path (same matching as `callsTo`). */
  waitFor(method: string, path?: RegExp | string, options?: WaitOptions): Promise<RecordedCall> {
    return this.waitForCall((c) => matches(c, method, path), options);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

function matches(call: RecordedCall, method: string, path?: RegExp | string): boolean {
  if (method !== '*' && call.method.toUpperCase() !== method.toUpperCase()) return false;
  if (path === undefined) return true;
  return typeof path === 'string' ? call.path.includes(path) : path.test(call.path);
}
