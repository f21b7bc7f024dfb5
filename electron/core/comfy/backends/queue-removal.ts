/**
 * Taking our prompts back out of ComfyUI's queue: deleted while they wait, interrupted while they run
 * (comfyui-api.md §1 POST /queue, POST /interrupt). A prompt whose job ended in ComfyDesk while its ComfyUI could
 * not be reached (cancelled, or moved to another backend) is remembered and taken out the next time it answers,
 * so it does not run there for nothing (or twice).
 */
import type { Logger } from '@core/log';
import type { ComfyClient, QueueEntry } from '../protocol/client';

export type Removal = 'deleted' | 'interrupting' | 'not-found';

interface QueueView {
  running: QueueEntry[];
  pending: QueueEntry[];
}

/** Delete the prompt if it waits, interrupt it if it runs; `queue` is a fresh view of ComfyUI's queue. */
export async function removeFromQueue(client: ComfyClient, promptId: string, queue: QueueView): Promise<Removal> {
  if (queue.pending.some((e) => e.promptId === promptId)) {
    await client.deletePending([promptId]);
    return 'deleted';
  }
  if (queue.running.some((e) => e.promptId === promptId)) {
    const r = await client.interrupt(promptId);
    return r.sent ? 'interrupting' : 'not-found';
  }
  return 'not-found';
}

/** Prompts to take out of ComfyUI's queue as soon as it answers. */
export class AbandonedPrompts {
  private readonly ids = new Set<string>();

  constructor(
    private readonly client: ComfyClient,
    private readonly log: Logger,
    private readonly limit = 1000,
  ) {}

  get size(): number {
    return this.ids.size;
  }

  has(promptId: string): boolean {
    return this.ids.has(promptId);
  }

  /** Remember it, and try now when ComfyUI is reachable ('later': it is kept for the next time it answers). */
  async add(promptId: string, reachable: boolean): Promise<Removal | 'later'> {
    this.ids.add(promptId);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
    if (!reachable) return 'later';
    try {
      return (await this.sweep(await this.client.getQueue())).get(promptId) ?? 'not-found';
    } catch (err) {
      this.log.debug('could not take a prompt out of the queue yet', { promptId, error: String(err) });
      return 'later';
    }
  }

  /** ComfyUI answered with this queue: take every remembered prompt out of it; what is done is forgotten. */
  async sweep(queue: QueueView): Promise<Map<string, Removal>> {
    const done = new Map<string, Removal>();
    for (const promptId of [...this.ids]) {
      try {
        const removal = await removeFromQueue(this.client, promptId, queue);
        this.ids.delete(promptId);
        done.set(promptId, removal);
        if (removal !== 'not-found') this.log.info('took an abandoned prompt out of the queue', { promptId, removal });
      } catch (err) {
        this.log.debug('could not take a prompt out of the queue yet', { promptId, error: String(err) });
        break; // ComfyUI stopped answering: the next sweep tries again
      }
    }
    return done;
  }
}
