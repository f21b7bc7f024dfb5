/**
 * Server-side life of each interaction the fake dispatched: when it happened (fake clock), whether and how it
 * was acknowledged, its original response and follow-ups. The 3 s and 15 min rules (discord-facts.md §1.2)
 * are evaluated against this record.
 */
export interface InteractionRecord {
  id: string;
  token: string;
  /** InteractionType: 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 4 AUTOCOMPLETE, 5 MODAL_SUBMIT. */
  type: number;
  createdAt: number;
  payload: Record<string, unknown>;
  channelId: string | null;
  guildId: string | null;
  userId: string;
  commandName?: string;
  /** Set by the first accepted callback. */
  callbackType: number | null;
  acknowledgedAt: number | null;
  /** The message a type 4/5 callback created, or the component's message for 6/7. */
  originalMessageId: string | null;
  /** A type-5 deferral whose original is still the loading ("thinking") message. */
  loading: boolean;
  /** Message a component interaction came from (buttons, selects, modals opened from a message). */
  sourceMessageId: string | null;
  followupIds: string[];
  attachmentSizeLimit: number;
}

export class InteractionStore {
  private readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();

  add(record: InteractionRecord): void {
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
  }

  get(id: string): InteractionRecord | undefined {
    return this.byId.get(id);
  }

  withToken(token: string): InteractionRecord | undefined {
    return this.byToken.get(token);
  }

  all(): InteractionRecord[] {
    return [...this.byId.values()];
  }
}
