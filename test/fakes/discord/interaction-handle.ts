/**
 * What a test holds after dispatching an interaction: the payload sent, the server-side record, and waits
 * for the bot's answers (callback, edits of @original, follow-ups), all filtered from the recorder by this
 * interaction's id / token.
 */
import type { FakeContext } from './context';
import type { InteractionRecord } from './interaction-store';
import type { FakeMessage } from './model';
import type { RecordedCall, WaitOptions } from './recorder';

export class InteractionHandle {
  constructor(
    private readonly ctx: FakeContext,
    readonly record: InteractionRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get token(): string {
    return this.record.token;
  }

  /** The INTERACTION_CREATE `d` payload as dispatched. */
  get payload(): Record<string, unknown> {
    return this.record.payload;
  }

  /** Callback type of the accepted first response, or null. */
  get callbackType(): number | null {
    return this.record.callbackType;
  }

  /** True when this call belongs to this interaction (callback route or its webhook token). */
  owns(call: RecordedCall): boolean {
    return (
      call.path.startsWith(`/interactions/${this.id}/`) ||
      call.path.startsWith(`/webhooks/${this.ctx.state.app.id}/${this.token}`)
    );
  }

  calls(): RecordedCall[] {
    return this.ctx.recorder.calls.filter((c) => this.owns(c));
  }

  waitForCall(predicate: (call: RecordedCall) => boolean = () => true, options?: WaitOptions): Promise<RecordedCall> {
    return this.ctx.recorder.waitForCall((c) => this.owns(c) && predicate(c), options);
  }

  /** The first POST …/callback (whatever its status). */
  waitForCallback(options?: WaitOptions): Promise<RecordedCall> {
    return this.waitForCall((c) => c.method === 'POST' && c.path.endsWith('/callback'), options);
  }

  /** A PATCH of `@original` (or of a given follow-up id). */
  waitForEdit(messageId = '@original', options?: WaitOptions): Promise<RecordedCall> {
    return this.waitForCall((c) => c.method === 'PATCH' && c.path.endsWith(`/messages/${messageId}`), options);
  }

  /** The n-th (1-based) follow-up POST. */
  waitForFollowUp(n = 1, options?: WaitOptions): Promise<RecordedCall> {
    let seen = 0;
    const isFollowUp = (c: RecordedCall): boolean =>
      c.method === 'POST' && c.path === `/webhooks/${this.ctx.state.app.id}/${this.token}`;
    return this.waitForCall((c) => isFollowUp(c) && ++seen === n, options);
  }

  originalMessage(): FakeMessage | undefined {
    return this.record.originalMessageId ? this.ctx.state.messages.get(this.record.originalMessageId) : undefined;
  }

  followUps(): FakeMessage[] {
    return this.record.followupIds.flatMap((id) => {
      const m = this.ctx.state.messages.get(id);
      return m ? [m] : [];
    });
  }
}
