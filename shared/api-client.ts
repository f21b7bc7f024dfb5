/**
 * The one typed client of the core API. The renderer (over Electron IPC or the headless WebSocket), tests and
 * tools all use it; a Transport only moves calls and events.
 */
import {
  ApiError,
  CallResultSchema,
  events,
  isEventName,
  methods,
  type CallResult,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from './api';

export interface Transport {
  call(method: string, input: unknown): Promise<CallResult>;
  /** Subscribe to one pushed event; returns an unsubscribe. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export class ApiClient {
  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, ...args: CallArgs<M>): Promise<MethodOutput<M>> {
    const spec = methods[method];
    if (!spec) throw new ApiError({ code: 'bad_request', message: `Unknown method "${String(method)}"` });
    const raw = CallResultSchema.parse(await this.transport.call(method, args[0] ?? {}));
    if (!raw.ok) throw new ApiError(raw.error);
    return spec.output.parse(raw.output) as MethodOutput<M>;
  }

  /** Listen to an event; payloads are parsed with the contract, a malformed one is dropped, never thrown. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventName(event)) throw new ApiError({ code: 'bad_request', message: `Unknown event "${String(event)}"` });
    const schema = events[event];
    return this.transport.on(event, (payload) => {
      const parsed = schema.safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  }
}

/** Methods whose input is all-optional may be called with no argument. */
type CallArgs<M extends MethodName> = {} extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];
