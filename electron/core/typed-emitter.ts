/** A small typed event emitter shared by the ComfyUI socket and backend (no `any`). */
import { nullLogger, type Logger } from './log';

/** A minimal typed event emitter: `on` returns an unsubscribe function; a throwing listener is logged. */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly listeners = new Map<keyof E, Set<unknown>>();
  protected emitterLog: Logger = nullLogger;

  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn);
    return () => this.off(event, fn);
  }

  once<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    const off = this.on(event, (...args: E[K]) => {
      off();
      fn(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, fn: (...args: E[K]) => void): void {
    this.listeners.get(event)?.delete(fn);
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (...a: E[K]) => void)(...args);
      } catch (err) {
        this.emitterLog.error('event listener failed', { event: String(event), error: String(err) });
      }
    }
  }
}
