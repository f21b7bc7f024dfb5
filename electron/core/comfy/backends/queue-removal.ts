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

  /**
   * ComfyUI answered with this queue: the remembered prompts waiting there are deleted first (so none of them
   * starts when a running one is interrupted), then the queue is read again and those running are interrupted.
   * Prompts no longer in the queue are forgotten; one that slipped from waiting to running meanwhile is kept for
   * the next sweep.
   */
  async sweep(queue: QueueView): Promise<Map<string, Removal>> {
    const done = new Map<string, Removal>();
    try {
      const waiting = queue.pending.filter((e) => this.ids.has(e.promptId)).map((e) => e.promptId);
      let now = queue;
      if (waiting.length > 0) {
        await this.client.deletePending(waiting);
        now = await this.client.getQueue();
      }
      const stillThere = new Set([...now.running, ...now.pending].map((e) => e.promptId));
      for (const id of waiting) if (!stillThere.has(id)) done.set(id, 'deleted');
      for (const e of now.running) {
        if (!this.ids.has(e.promptId)) continue;
        done.set(e.promptId, (await this.client.interrupt(e.promptId)).sent ? 'interrupting' : 'not-found');
      }
      for (const id of [...this.ids]) {
        if (!done.has(id) && !stillThere.has(id)) done.set(id, 'not-found');
        if (done.has(id)) this.ids.delete(id);
      }
    } catch (err) {
      this.log.debug('could not take prompts out of the queue yet', { error: String(err) });
      return done; // ComfyUI stopped answering: the next sweep tries again
    }
    for (const [promptId, removal] of done) {
      if (removal !== 'not-found') this.log.info('took an abandoned prompt out of the queue', { promptId, removal });
    }
    return done;
  }
}
