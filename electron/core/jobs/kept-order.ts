/**
 * The whole fair order, kept between plans so that a change re-places only the users it touched.
 *
 * The walk in fair-order.ts picks, again and again, the user whose next job has the least (key, age, id), where a
 * user's keys come from their own charge and their own jobs alone. Such a pick-the-least merge of independent
 * sequences puts every job where a sort by its sequence's running maximum puts it: a job whose key dips below an
 * earlier one's of the same user is picked right after that one (everyone else's heads were above it). So each
 * user's jobs are given their running-maximum (key, age, id) once, the order is those entries sorted, and a job
 * queued or gone, or a user's charge moved, takes that user's entries out and merges their new ones in: one pass
 * over the order instead of a heap operation per job. A changed cost estimate or the desktop-priority setting
 * re-places everyone. The walk stays the rule (first picks and dispatch use it); tests hold the two equal.
 */
import type { Job } from '@shared/jobs';
import type { ShareContext } from './fair-order';
import { byAge, classOf, costAt, type Lane } from './lanes';

/** A user as the kept order last placed them. */
interface Placed {
  userId: string;
  /** The charge their entries were made with. */
  charge: number;
  /** Their entries are out of date: the next order drops them. */
  stale: boolean;
}

/** One job's place: its class, then its user's running maximum of (key, age, id), then its turn among theirs. */
interface Entry {
  job: Job;
  cls: number;
  key: number;
  age: number;
  id: string;
  seq: number;
  user: Placed;
}

const compare = (a: Entry, b: Entry): number =>
  b.cls - a.cls || a.key - b.key || a.age - b.age || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.seq - b.seq;

/** Above this share of users changed, sorting everyone again is as quick as merging. */
const MERGE_SHARE = 0.25;

export class KeptOrder {
  private entries: Entry[] = [];
  /** The jobs of `entries`, in the same order (handed out as is while nothing changes). */
  private jobs: Job[] = [];
  /**
   * The arrays of the order before the last, filled again by the next merge: a long queue re-ordered after every
   * change would otherwise make two arrays as long as the queue each time, for the garbage collector to clear.
   */
  private spare: { entries: Entry[]; jobs: Job[] } = { entries: [], jobs: [] };
  private readonly placed = new Map<string, Placed>();
  /** Users whose jobs changed since the last order. */
  private readonly touchedUsers = new Set<string>();
  /** What every entry was made under; null: nothing kept. */
  private basis: { desktopPriority: boolean; costRevision: number } | null = null;

  /** A user's waiting jobs changed (one queued, gone or replaced). */
  touched(userId: string): void {
    this.touchedUsers.add(userId);
  }

  /** Forget everything: the next order places every user. */
  reset(): void {
    this.entries = [];
    this.jobs = [];
    this.placed.clear();
    this.touchedUsers.clear();
    this.basis = null;
  }

  /** Every waiting job in dispatch order, from each waiting user's lanes (read it before the next call). */
  order(ctx: ShareContext, lanes: ReadonlyMap<string, readonly Lane[]>): readonly Job[] {
    const b = this.basis;
    const revision = ctx.costRevision;
    if (revision === undefined || !b || b.desktopPriority !== ctx.desktopPriority || b.costRevision !== revision) {
      return this.placeAll(ctx, lanes);
    }
    const changed: Placed[] = [];
    for (const userId of lanes.keys()) {
      const charge = ctx.chargeOf(userId);
      let user = this.placed.get(userId);
      if (!user) {
        this.placed.set(userId, (user = { userId, charge, stale: false }));
        changed.push(user);
      } else if (user.charge !== charge || this.touchedUsers.has(userId)) {
        user.stale = true;
        user.charge = charge;
        changed.push(user);
      }
    }
    let left = false;
    for (const userId of this.touchedUsers) {
      if (lanes.has(userId)) continue;
      const gone = this.placed.get(userId);
      if (gone) gone.stale = left = true;
      this.placed.delete(userId);
    }
    this.touchedUsers.clear();
    if (changed.length === 0 && !left) return this.jobs;
    if (changed.length > lanes.size * MERGE_SHARE) return this.placeAll(ctx, lanes);
    const fresh: Entry[] = [];
    for (const user of changed) placeUser(user, lanes.get(user.userId) ?? [], ctx, fresh);
    fresh.sort(compare);
    const into = this.spare;
    mergeKept(this.entries, fresh, into.entries, into.jobs);
    this.spare = { entries: this.entries, jobs: this.jobs };
    this.entries = into.entries;
    this.jobs = into.jobs;
    for (const user of changed) user.stale = false;
    return this.jobs;
  }

  private placeAll(ctx: ShareContext, lanes: ReadonlyMap<string, readonly Lane[]>): readonly Job[] {
    this.reset();
    const entries: Entry[] = [];
    for (const [userId, own] of lanes) {
      const user: Placed = { userId, charge: ctx.chargeOf(userId), stale: false };
      this.placed.set(userId, user);
      placeUser(user, own, ctx, entries);
    }
    this.entries = entries.sort(compare);
    this.jobs = entries.map((e) => e.job);
    if (ctx.costRevision !== undefined)
      this.basis = { desktopPriority: ctx.desktopPriority, costRevision: ctx.costRevision };
    return this.jobs;
  }
}

/**
 * The kept entries still current, with `fresh` (sorted) merged in, in one pass, into `out` and their jobs into
 * `jobs` (written over by index, so arrays as long as the queue are filled again, not grown again).
 */
function mergeKept(kept: readonly Entry[], fresh: readonly Entry[], out: Entry[], jobs: Job[]): void {
  let n = 0;
  let f = 0;
  for (let k = 0; k < kept.length; k++) {
    const e = kept[k]!;
    if (e.user.stale) continue;
    while (f < fresh.length && compare(fresh[f]!, e) < 0) {
      const x = fresh[f++]!;
      out[n] = x;
      jobs[n++] = x.job;
    }
    out[n] = e;
    jobs[n++] = e.job;
  }
  while (f < fresh.length) {
    const x = fresh[f++]!;
    out[n] = x;
    jobs[n++] = x.job;
  }
  out.length = n;
  jobs.length = n;
}

/**
 * A user's entries, as the walk would pick their jobs: class by class from the highest, in each the oldest job of
 * their lanes next, each pick charging them its expected GPU time (carried on to their lower classes).
 */
function placeUser(user: Placed, lanes: readonly Lane[], ctx: ShareContext, out: Entry[]): void {
  if (lanes.length === 1) return placeLane(user, lanes[0]!, ctx, out);
  let charge = user.charge;
  let seq = 0;
  const classes = [...new Set(lanes.map((l) => classOf(l, ctx)))].sort((a, b) => b - a);
  for (const cls of classes) {
    const own = lanes.filter((l) => classOf(l, ctx) === cls);
    const pos = own.map(() => 0);
    let key = -Infinity;
    let age = -Infinity;
    let id = '';
    for (;;) {
      let at = -1;
      let head: Job | undefined;
      for (let i = 0; i < own.length; i++) {
        const job = own[i]!.jobs[pos[i]!];
        if (job && (head === undefined || byAge(job, head) < 0)) {
          head = job;
          at = i;
        }
      }
      if (head === undefined) break;
      const k = charge / Math.max(0.1, head.shareWeight);
      if (k > key || (k === key && (head.createdAt > age || (head.createdAt === age && head.id > id)))) {
        key = k;
        age = head.createdAt;
        id = head.id;
      }
      out.push({ job: head, cls, key, age, id, seq: seq++, user });
      charge += costAt(own[at]!, pos[at]!, ctx);
      pos[at]!++;
    }
  }
}

/** `placeUser` for a user with one lane (the usual case): their jobs in age order, no head to choose. */
function placeLane(user: Placed, lane: Lane, ctx: ShareContext, out: Entry[]): void {
  const cls = classOf(lane, ctx);
  const jobs = lane.jobs;
  let charge = user.charge;
  let key = -Infinity;
  let age = -Infinity;
  let id = '';
  for (let i = 0; i < jobs.length; i++) {
    const head = jobs[i]!;
    const k = charge / Math.max(0.1, head.shareWeight);
    if (k > key || (k === key && (head.createdAt > age || (head.createdAt === age && head.id > id)))) {
      key = k;
      age = head.createdAt;
      id = head.id;
    }
    out.push({ job: head, cls, key, age, id, seq: i, user });
    charge += costAt(lane, i, ctx);
  }
}
