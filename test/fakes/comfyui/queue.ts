/**
 * The prompt queue, as `execution.py` PromptQueue keeps it: a Python `heapq` min-heap of
 * `[number, prompt_id, prompt, extra_data, outputs]` (GET /queue shows the raw heap array, not sorted:
 * comfyui-api.md section 1 "GET /queue"), at most one running item, and the in-memory history.
 */
import type { ApiGraph } from '@core/comfy/protocol/messages';

export type QueueTuple = [number, string, ApiGraph, Record<string, unknown>, string[]];

export interface HistoryRecord {
  prompt: QueueTuple;
  outputs: Record<string, Record<string, unknown>>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

const MAX_HISTORY = 10000;
/** Keys removed from extra_data before the entry goes into history (section 1, POST /prompt). */
const SENSITIVE = ['auth_token_comfy_org', 'api_key_comfy_org'];

/** Python tuple ordering on (number, prompt_id); later elements never decide in practice. */
function less(a: QueueTuple, b: QueueTuple): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  return a[1] < b[1];
}

// heapq._siftdown / _siftup, kept identical so the array order matches the real server's.
function siftDown(heap: QueueTuple[], start: number, pos: number): void {
  const item = heap[pos]!;
  while (pos > start) {
    const parentPos = (pos - 1) >> 1;
    const parent = heap[parentPos]!;
    if (less(item, parent)) {
      heap[pos] = parent;
      pos = parentPos;
      continue;
    }
    break;
  }
  heap[pos] = item;
}

function siftUp(heap: QueueTuple[], pos: number): void {
  const end = heap.length;
  const start = pos;
  const item = heap[pos]!;
  let child = 2 * pos + 1;
  while (child < end) {
    const right = child + 1;
    if (right < end && !less(heap[child]!, heap[right]!)) child = right;
    heap[pos] = heap[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, start, pos);
}

export class PromptQueue {
  /** PromptServer.number: incremented on every POST /prompt without `number` (section 3, "Queue number"). */
  counter = 0;
  readonly heap: QueueTuple[] = [];
  running: QueueTuple | null = null;
  readonly history = new Map<string, HistoryRecord>();

  /** `onUpdate` is `server.queue_updated()`: a `status` broadcast. */
  constructor(private readonly onUpdate: () => void) {}

  remaining(): number {
    return this.heap.length + (this.running ? 1 : 0);
  }

  put(item: QueueTuple): void {
    this.heap.push(item);
    siftDown(this.heap, 0, this.heap.length - 1);
    this.onUpdate();
  }

  /** The worker takes the smallest item; broadcasts `status` (the count is unchanged). */
  take(): QueueTuple | null {
    const last = this.heap.pop();
    if (!last) return null;
    let item = last;
    if (this.heap.length > 0) {
      item = this.heap[0]!;
      this.heap[0] = last;
      siftUp(this.heap, 0);
    }
    this.running = structuredClone(item);
    this.onUpdate();
    return this.running;
  }

  /** task_done: writes history first, then broadcasts `status` (section 1, "GET /history"). */
  done(item: QueueTuple, result: Omit<HistoryRecord, 'prompt'>): void {
    if (this.running && this.running[1] === item[1]) this.running = null;
    if (this.history.size > MAX_HISTORY) {
      const oldest = this.history.keys().next();
      if (!oldest.done) this.history.delete(oldest.value);
    }
    const extra = { ...item[3] };
    for (const k of SENSITIVE) delete extra[k];
    // A Python dict keeps the first insertion position when a repeated prompt_id overwrites its entry.
    this.history.set(item[1], { prompt: [item[0], item[1], item[2], extra, item[4]], ...result });
    this.onUpdate();
  }

  /**
   * delete_queue_item: removes one pending item by id. Deleting the last pending item goes through
   * wipe_queue(), which broadcasts `status` too: two `status` messages, as the interrupt+delete recording shows.
   */
  deletePending(promptId: string): boolean {
    const idx = this.heap.findIndex((t) => t[1] === promptId);
    if (idx < 0) return false;
    if (this.heap.length === 1) {
      this.wipe();
    } else {
      this.heap.splice(idx, 1);
      this.heapify();
    }
    this.onUpdate();
    return true;
  }

  wipe(): void {
    this.heap.length = 0;
    this.onUpdate();
  }

  /** Drop everything without any message (crash / restart). */
  reset(): void {
    this.heap.length = 0;
    this.running = null;
    this.history.clear();
    this.counter = 0;
  }

  sortedPending(): QueueTuple[] {
    return [...this.heap].sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  }

  private heapify(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) siftUp(this.heap, i);
  }
}
