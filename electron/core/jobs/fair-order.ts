/**
 * The order queued jobs run in: fair share by GPU time. Within a priority class, the next job is the oldest
 * waiting job of the user charged the least GPU time (divided by their share weight): what they used over the
 * sliding window, what their running jobs still need, what their jobs already sent to ComfyUI will take, and a
 * newcomer's starting credit (usage-book.ts). Ties go to the user whose oldest waiting job came first. Higher
 * `priority` classes go first; the desktop user's jobs go first when the setting asks.
 *
 * The whole order is the same choice made again and again, each chosen job charging its user its expected GPU
 * time: `walk`, a heap over users, so the next pick alone costs one look at each waiting user. The plan (places
 * and start estimates) asks for the whole order often; kept-order.ts keeps it between calls and re-places only the
 * users that changed. `FairQueue` keeps each user's waiting jobs in age order as they come and go; `fairOrder` is
 * the same rule for a plain list.
 */
import type { Job } from '@shared/jobs';
import { KeptOrder } from './kept-order';
import { byAge, classOf, costAt, laneKey, type Lane } from './lanes';
import { MinHeap } from './min-heap';

export interface ShareContext {
  /** The desktop user's jobs go before everyone else's. */
  desktopPriority: boolean;
  /** GPU time charged to a user now (ms): see usage-book.ts. */
  chargeOf(userId: string): number;
  /** Expected GPU time of a job (ms; a typical job's when nothing like it ran yet). */
  costOf(job: Job): number;
  /**
   * Changes whenever `costOf` may answer differently (the estimator learned a run): until then the queue keeps
   * each waiting job's cost beside it instead of asking again. Without it, every order asks for every cost.
   */
  costRevision?: number;
}

/** A user in the order being made: their lanes in this class, where each stands, and their key. */
interface Turn {
  userId: string;
  lanes: Lane[];
  pos: number[];
  head: Job;
  /** The head's age (`createdAt`, then id): compared on every tie of keys, so kept beside it. */
  age: number;
  headId: string;
  key: number;
  /** GPU time charged to the user so far in this order (ms). */
  charge: number;
}

const turnFirst = (a: Turn, b: Turn): boolean =>
  a.key < b.key || (a.key === b.key && (a.age < b.age || (a.age === b.age && a.headId < b.headId)));

export class FairQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly laneOfJob = new Map<string, Lane>();
  /** Each user's lanes (a user with no waiting job has none). */
  private readonly userLanes = new Map<string, Lane[]>();
  /** The whole order kept between calls (kept-order.ts). */
  private readonly kept = new KeptOrder();

  get size(): number {
    return this.laneOfJob.size;
  }

  has(job: Pick<Job, 'id'>): boolean {
    return this.laneOfJob.has(job.id);
  }

  /** Has this user any waiting job? */
  hasUser(userId: string): boolean {
    return this.userLanes.has(userId);
  }

  /** Users with waiting jobs. */
  users(): IterableIterator<string> {
    return this.userLanes.keys();
  }

  /** A user's waiting jobs (any class). */
  jobsOf(userId: string): Job[] {
    const lanes = this.userLanes.get(userId);
    return lanes ? lanes.flatMap((lane) => lane.jobs) : [];
  }

  /** Every waiting job, in no particular order. */
  *all(): IterableIterator<Job> {
    for (const lane of this.lanes.values()) yield* lane.jobs;
  }

  /** Add or replace a job (kept in age order within its user and class). */
  set(job: Job): void {
    const key = laneKey(job);
    const known = this.laneOfJob.get(job.id);
    this.kept.touched(job.userId);
    if (known && known.key === key) {
      const at = known.jobs.findIndex((j) => j.id === job.id);
      known.jobs[at] = job;
      known.costs[at] = NaN;
      return;
    }
    if (known) this.delete(job);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        key,
        userId: job.userId,
        priority: job.priority,
        desktop: job.source === 'desktop',
        jobs: [],
        costs: [],
        costRevision: undefined,
      };
      this.lanes.set(key, lane);
      const own = this.userLanes.get(job.userId);
      if (own) own.push(lane);
      else this.userLanes.set(job.userId, [lane]);
    }
    this.laneOfJob.set(job.id, lane);
    const list = lane.jobs;
    // New jobs are almost always the newest: append, else insert in place.
    if (list.length === 0 || byAge(list[list.length - 1]!, job) <= 0) {
      list.push(job);
      lane.costs.push(NaN);
      return;
    }
    let i = list.length - 1;
    while (i > 0 && byAge(list[i - 1]!, job) > 0) i--;
    list.splice(i, 0, job);
    lane.costs.splice(i, 0, NaN);
  }

  delete(job: Pick<Job, 'id'>): void {
    const lane = this.laneOfJob.get(job.id);
    if (!lane) return;
    this.laneOfJob.delete(job.id);
    this.kept.touched(lane.userId);
    const at = lane.jobs.findIndex((j) => j.id === job.id);
    lane.jobs.splice(at, 1);
    lane.costs.splice(at, 1);
    if (lane.jobs.length > 0) return;
    this.lanes.delete(lane.key);
    const own = this.userLanes.get(lane.userId) ?? [];
    const left = own.filter((l) => l !== lane);
    if (left.length > 0) this.userLanes.set(lane.userId, left);
    else this.userLanes.delete(lane.userId);
  }

  clear(): void {
    this.lanes.clear();
    this.laneOfJob.clear();
    this.userLanes.clear();
    this.kept.reset();
  }

  /**
   * The job that goes next (the first of `walk`), found in one pass over the users without building the order:
   * what a dispatch round asks for each free slot. Null when every waiting job is skipped.
   */
  first(ctx: ShareContext, skip?: (job: Job) => boolean): Job | null {
    let top = -Infinity;
    for (const lane of this.lanes.values()) {
      const c = classOf(lane, ctx);
      if (c > top && headOf(lane, skip)) top = c;
    }
    let best: Job | null = null;
    let bestKey = 0;
    for (const lane of this.lanes.values()) {
      if (classOf(lane, ctx) !== top) continue;
      // A user with jobs of another kind in this class too: their turn spans lanes (the general path).
      if ((this.userLanes.get(lane.userId)?.length ?? 0) > 1) {
        let head: Job | null = null;
        this.walk(ctx, skip, (job) => ((head = job), false));
        return head;
      }
      const head = headOf(lane, skip);
      if (!head) continue;
      const key = ctx.chargeOf(lane.userId) / Math.max(0.1, head.shareWeight);
      if (best === null || key < bestKey || (key === bestKey && byAge(head, best) < 0)) {
        best = head;
        bestKey = key;
      }
    }
    return best;
  }

  /** Every waiting job in the order it will be dispatched (those `skip` names left out). */
  order(ctx: ShareContext, skip?: (job: Job) => boolean): readonly Job[] {
    // The whole order, asked for every plan: kept between calls, re-placing only the users that changed.
    if (!skip) return this.kept.order(ctx, this.userLanes);
    const out: Job[] = [];
    this.walk(ctx, skip, (job) => {
      out.push(job);
      return true;
    });
    return out;
  }

  /**
   * The jobs in dispatch order, one pick at a time, until `visit` returns false: each pick charges its user the
   * job's expected GPU time, as dispatching it will. Jobs `skip` names (already on their way to ComfyUI, charged
   * there) are passed over.
   */
  walk(ctx: ShareContext, skip: ((job: Job) => boolean) | undefined, visit: (job: Job) => boolean): void {
    orderLanes(this.lanes.values(), ctx, skip, visit);
  }
}

/** Queued jobs in the order they will be dispatched (the same rule as FairQueue, for a plain list). */
export function fairOrder(queued: readonly Job[], ctx: ShareContext): readonly Job[] {
  const queue = new FairQueue();
  for (const job of queued) queue.set(job);
  return queue.order(ctx);
}

/** The lane's oldest job not skipped. */
function headOf(lane: Lane, skip: ((job: Job) => boolean) | undefined): Job | undefined {
  if (!skip) return lane.jobs[0];
  for (const job of lane.jobs) if (!skip(job)) return job;
  return undefined;
}

function orderLanes(
  lanes: Iterable<Lane>,
  ctx: ShareContext,
  skip: ((job: Job) => boolean) | undefined,
  visit: (job: Job) => boolean,
): void {
  const classes = new Map<number, Lane[]>();
  for (const lane of lanes) {
    const c = classOf(lane, ctx);
    const list = classes.get(c);
    if (list) list.push(lane);
    else classes.set(c, [lane]);
  }
  /** What each user was charged so far in this order (ms), on top of `chargeOf`. */
  const charged = new Map<string, number>();
  const chargeOf = (userId: string): number => {
    let c = charged.get(userId);
    if (c === undefined) charged.set(userId, (c = ctx.chargeOf(userId)));
    return c;
  };
  for (const c of [...classes.keys()].sort((a, b) => b - a)) {
    const byUser = new Map<string, Turn>();
    for (const lane of classes.get(c)!) {
      const turn = byUser.get(lane.userId);
      if (turn) {
        turn.lanes.push(lane);
        turn.pos.push(0);
      } else {
        const head = lane.jobs[0]!;
        const turn: Turn = {
          userId: lane.userId,
          lanes: [lane],
          pos: [0],
          head,
          age: 0,
          headId: '',
          key: 0,
          charge: 0,
        };
        byUser.set(lane.userId, turn);
      }
    }
    const ready: Turn[] = [];
    for (const turn of byUser.values()) {
      if (!advance(turn, skip)) continue;
      turn.charge = chargeOf(turn.userId);
      ready.push(keyed(turn));
    }
    const heap = new MinHeap<Turn>(turnFirst, ready);
    for (let turn = heap.peek(); turn; turn = heap.peek()) {
      const job = turn.head;
      if (!visit(job)) return;
      const at = step(turn);
      turn.charge += costAt(turn.lanes[at]!, turn.pos[at]! - 1, ctx);
      // The user's next job takes their place at the top and sinks to where their new charge puts it.
      if (advance(turn, skip)) heap.replaceTop(keyed(turn));
      else {
        heap.pop();
        charged.set(turn.userId, turn.charge); // for their jobs of a lower class
      }
    }
  }
}

/** The turn's key from its user's charge and the share weight of the job it offers next. */
function keyed(turn: Turn): Turn {
  turn.key = turn.charge / Math.max(0.1, turn.head.shareWeight);
  return turn;
}

/** Move past the head just taken; the index of the lane it was in (its position is then `pos[lane] - 1`). */
function step(turn: Turn): number {
  const at = turn.lanes.length === 1 ? 0 : turn.lanes.findIndex((l, i) => l.jobs[turn.pos[i]!] === turn.head);
  turn.pos[at]!++;
  return at;
}

/** Point `head` at the oldest job left in the turn's lanes, passing over skipped ones; false when none is left. */
function advance(turn: Turn, skip: ((job: Job) => boolean) | undefined): boolean {
  if (turn.lanes.length === 1 && !skip) {
    const head = turn.lanes[0]!.jobs[turn.pos[0]!];
    if (!head) return false;
    setHead(turn, head);
    return true;
  }
  let best: Job | null = null;
  for (let i = 0; i < turn.lanes.length; i++) {
    const jobs = turn.lanes[i]!.jobs;
    let p = turn.pos[i]!;
    while (p < jobs.length && skip?.(jobs[p]!)) p++;
    turn.pos[i] = p;
    const head = jobs[p];
    if (head && (best === null || byAge(head, best) < 0)) best = head;
  }
  if (best === null) return false;
  setHead(turn, best);
  return true;
}

function setHead(turn: Turn, head: Job): void {
  turn.head = head;
  turn.age = head.createdAt;
  turn.headId = head.id;
}
