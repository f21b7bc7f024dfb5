/**
 * The bot's client of the core API, like the renderer's: typed calls through `dispatch` (transport `discord`),
 * either as the bot itself (its bookkeeping, reading jobs to follow them) or for one Discord user (`forUser`),
 * so every request goes through the same validation, permissions and limits as any other client's.
 * Failures arrive as ApiError.
 */
import { ApiError, type MethodInput, type MethodName, type MethodOutput, type CallResult } from '@shared/api';
import { BOT, type Actor, type DiscordUserActor } from '@shared/actor';

/** The one entry the core gives the bot (CoreApi.dispatch). */
export interface CoreDispatch {
  dispatch(method: string, input: unknown, ctx: { caller: 'discord'; actor: Actor }): Promise<CallResult>;
}

export interface CoreCalls {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
}

export class CoreClient implements CoreCalls {
  constructor(
    private readonly core: CoreDispatch,
    private readonly actor: Actor = BOT,
  ) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await this.core.dispatch(method, input, { caller: 'discord', actor: this.actor });
    if (!result.ok) throw new ApiError(result.error);
    // dispatch() already checked the output against the contract.
    return result.output as MethodOutput<M>;
  }

  /** The same core, acting for this Discord user. */
  forUser(actor: DiscordUserActor): CoreClient {
    return new CoreClient(this.core, actor);
  }
}
