/**
 * The one surface the renderer (IPC or WebSocket) and the Discord bot call: validates the method name and its
 * input against shared/api.ts, runs the handler, and turns every failure into a readable ApiError shape.
 * Nothing a caller sends can throw out of `dispatch`.
 */
import {
  ApiError,
  badRequest,
  isMethodName,
  methods,
  type CallResult,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '@shared/api';
import { DiscordUserActorSchema, OWNER, type Actor } from '@shared/actor';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { Person } from '@core/access/person';
import { nullLogger, type Logger } from '../log';
import { mayCall } from './access';

export interface CallContext {
  /** Which transport the call came through: the desktop window, a browser over the headless server, the bot, or a test. */
  caller: 'desktop' | 'remote' | 'discord' | 'test';
  /**
   * Who acts. Set by the transport, never from the input: the owner for the desktop and the headless UI (the
   * default); the bot itself or a Discord user only through the in-process bot (`caller: 'discord'`).
   */
  actor?: Actor;
}

/** What a handler gets: the call's context with the person behind it, resolved once per call. */
export interface HandlerContext extends CallContext {
  actor: Actor;
  person: Person;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: HandlerContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

export class CoreApi {
  constructor(
    private readonly handlers: Handlers,
    /** Turns the actor into the person (their level from the stored role mapping). */
    private readonly resolvePerson: (actor: Actor) => Person,
    private readonly logger: Logger = nullLogger,
    /** Refuses a call before its handler runs (a server's channel rules: throws the refusal). */
    private readonly guard: (method: MethodName, person: Person) => void = () => undefined,
  ) {}

  /** The method names this API answers (a test checks they are exactly the contract's). */
  handledMethods(): string[] {
    return Object.keys(this.handlers);
  }

  /** Untyped entry for transports: never throws. */
  async dispatch(method: string, input: unknown, ctx: CallContext): Promise<CallResult> {
    try {
      return { ok: true, output: await this.invoke(method, input, ctx) };
    } catch (err) {
      const name = clip(method);
      if (err instanceof ApiError) {
        const shape = err.toShape();
        const issues = shape.issues?.map((i) => ({ path: clip(i.path), message: clip(i.message) }));
        return { ok: false, error: { ...shape, message: clip(shape.message), ...(issues ? { issues } : {}) } };
      }
      // A ComfyUI that is down, slow or answering nonsense is a dependency problem with a readable message.
      if (err instanceof ComfyError) return { ok: false, error: { code: 'unavailable', message: clip(err.message) } };
      this.logger.error(`${name} failed`, { error: err });
      return {
        ok: false,
        error: { code: 'internal', message: clip(`${name} failed: ${(err as Error)?.message ?? String(err)}`) },
      };
    }
  }

  /** Typed entry for in-process callers (tests, the shells): throws ApiError. Acts as the owner unless told. */
  async call<M extends MethodName>(
    method: M,
    input: MethodInput<M>,
    ctx: CallContext = { caller: 'test' },
  ): Promise<MethodOutput<M>> {
    const result = await this.dispatch(method, input, ctx);
    if (!result.ok) throw new ApiError(result.error);
    return result.output as MethodOutput<M>;
  }

  private async invoke(method: string, input: unknown, ctx: CallContext): Promise<unknown> {
    if (!isMethodName(method)) throw badRequest(`Unknown method "${clip(method)}"`);
    const actor = actorOf(ctx);
    if (!mayCall(actor, method)) {
      throw new ApiError({ code: 'forbidden', title: 'Not allowed', message: `${method} is not available here.` });
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(input ?? undefined);
    if (!parsed.success) throw badRequest(`Invalid input for ${method}`, parsed.error);
    const handler = this.handlers[method] as (i: unknown, c: HandlerContext) => unknown;
    const person = this.resolvePerson(actor);
    this.guard(method, person);
    const output = await handler(parsed.data, { ...ctx, actor, person });
    const checked = spec.output.safeParse(output);
    if (!checked.success) {
      this.logger.error(`${method} produced output that breaks the contract`, { issues: checked.error.issues });
      throw new ApiError({ code: 'internal', message: `${method} produced an invalid answer` });
    }
    return checked.data;
  }
}

/**
 * The actor of a call: only the in-process bot may act as itself or for a Discord user (whose facts are checked
 * like any outside input); every other transport acts as the owner, whatever it claims.
 */
function actorOf(ctx: CallContext): Actor {
  if (ctx.caller !== 'discord') return OWNER;
  const actor = ctx.actor ?? { kind: 'bot' };
  if (actor.kind !== 'discord') return actor.kind === 'bot' ? actor : OWNER;
  const parsed = DiscordUserActorSchema.safeParse(actor);
  if (!parsed.success) throw badRequest('Invalid Discord user', parsed.error);
  return parsed.data;
}

/** Longest run of non-blank characters an error message shows as is, and the longest message. */
const MAX_WORD = 200;
const MAX_MESSAGE = 4000;

/**
 * Error messages quote what the caller sent ("There is no job <id>"): a 100 kB id must not come back as a
 * 100 kB message. Long runs are shortened to their start and their length.
 */
export function clip(message: string): string {
  const short = message.replace(
    new RegExp(`\\S{${MAX_WORD + 1},}`, 'g'),
    (run) => `${run.slice(0, 60)}…(${run.length} characters)`,
  );
  return short.length > MAX_MESSAGE ? `${short.slice(0, MAX_MESSAGE)}…` : short;
}
