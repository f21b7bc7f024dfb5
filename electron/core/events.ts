/**
 * The core's typed event bus. Events named in shared/api.ts are forwarded to every renderer (IPC or WebSocket);
 * a throwing listener is logged and never breaks the emitter or other listeners.
 */
import type { EventName, EventPayload } from '@shared/api';
import { nullLogger, type Logger } from './log';

type AnyListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly byName = new Map<EventName, Set<(payload: never) => void>>();
  private readonly any = new Set<AnyListener>();

  constructor(private readonly logger: Logger = nullLogger) {}

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.byName.get(event);
    if (!set) this.byName.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Every event, for transports that forward all of them. */
  onAny(listener: AnyListener): () => void {
    this.any.add(listener);
    return () => this.any.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.byName.get(event) ?? [])])
      this.safely(event, () => (listener as (p: unknown) => void)(payload));
    for (const listener of [...this.any]) this.safely(event, () => listener(event, payload));
  }

  private safely(event: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error(`listener for ${event} failed`, { error: err });
    }
  }
}
