/**
 * The order queued jobs run in. Round robin by user, so one user's twenty jobs do not block everyone: each round
 * takes one job (their oldest) from every waiting user, users ordered by how long ago they were last served
 * (never served first, then by their oldest job). Higher `priority` classes go first; the desktop user's jobs go
 * first when the setting asks.
 *
 * `FairQueue` keeps each user's waiting jobs in age order as they come and go, so ordering a long queue (10,000
 * jobs) is one pass over it, not a sort; `fairOrder` is the same rule for a plain list.
 */
import type { Job } from '@shared/jobs';

export interface FairOrderOptions {
  /** The desktop user's jobs go before everyone else's. */
  desktopPriority: boolean;
  /** userId -> sequence number of the last time one of their jobs was dispatched (higher = more recent). */
  lastServed: ReadonlyMap<string, number>;
}

const isPlain = (job: Job): boolean => job.priority === 0 && job.source !== 'desktop';

const byAge = (a: Job, b: Job): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class FairQueue {
  /** Each user's queued jobs, oldest first. */
  private readonly byUser = new Map<string, Job[]>();
  private count = 0;
  /** Jobs of the default class (priority 0, not from the desktop): when all are, no class needs splitting out. */
  private plain = 0;

  get size(): number {
    return this.count;
  }

  has(job: Pick<Job, 'id' | 'userId'>): boolean {
    return this.byUser.get(job.userId)?.some((j) => j.id === job.id) ?? false;
  }

  /** Add or replace a job (kept in age order within its user). */
  set(job: Job): void {
    const list = this.byUser.get(job.userId);
    if (!list) {
      this.byUser.set(job.userId, [job]);
      this.count++;
      if (isPlain(job)) this.plain++;
      return;
    }
    const at = list.findIndex((j) => j.id === job.id);
    if (at >= 0) {
      this.plain += (isPlain(job) ? 1 : 0) - (isPlain(list[at]!) ? 1 : 0);
      list[at] = job;
      return;
    }
    this.count++;
    if (isPlain(job)) this.plain++;
    // New jobs are almost always the newest: append, else insert in place.
    if (byAge(list[list.length - 1]!, job) <= 0) {
      list.push(job);
      return;
    }
    let i = list.length - 1;
    while (i > 0 && byAge(list[i - 1]!, job) > 0) i--;
    list.splice(i, 0, job);
  }

  delete(job: Pick<Job, 'id' | 'userId'>): void {
    const list = this.byUser.get(job.userId);
    const at = list?.findIndex((j) => j.id === job.id) ?? -1;
    if (!list || at < 0) return;
    if (isPlain(list[at]!)) this.plain--;
    list.splice(at, 1);
    this.count--;
    if (list.length === 0) this.byUser.delete(job.userId);
  }

  clear(): void {
    this.byUser.clear();
    this.count = 0;
    this.plain = 0;
  }

  /** Every queued job in the order it will be dispatched. */
  order(options: FairOrderOptions, skip?: (job: Job) => boolean): Job[] {
    if (this.plain === this.count) {
      // One class (the usual case): the users' own lists interleave as they are.
      const out: Job[] = [];
      const lists = [...this.byUser.values()];
      interleave(
        skip ? lists.map((l) => l.filter((j) => !skip(j))).filter((l) => l.length > 0) : lists,
        options.lastServed,
        out,
        0,
      );
      return out;
    }
    return interleaveClasses(this.byUser.values(), options, skip);
  }
}

/** Queued jobs in the order they will be dispatched. Higher `priority` classes go first. */
export function fairOrder(queued: readonly Job[], options: FairOrderOptions): Job[] {
  const perUser = new Map<string, Job[]>();
  for (const job of queued) {
    const list = perUser.get(job.userId);
    if (list) list.push(job);
    else perUser.set(job.userId, [job]);
  }
  for (const list of perUser.values()) list.sort(byAge);
  return interleaveClasses(perUser.values(), options);
}

/** Split users' age-ordered lists by priority class, then interleave each class, highest first. */
function interleaveClasses(
  lists: Iterable<readonly Job[]>,
  options: FairOrderOptions,
  skip?: (job: Job) => boolean,
): Job[] {
  const classOf = (job: Job): number =>
    job.priority + (options.desktopPriority && job.source === 'desktop' ? 1_000 : 0);
  const classes = new Map<number, Job[][]>();
  let total = 0;
  for (const list of lists) {
    let current: number | null = null;
    let bucket: Job[] = [];
    for (const job of list) {
      if (skip?.(job)) continue;
      const c = classOf(job);
      if (c !== current) {
        if (current !== null && bucket.length) pushList(classes, current, bucket);
        current = c;
        bucket = [];
      }
      bucket.push(job);
      total++;
    }
    if (current !== null && bucket.length) pushList(classes, current, bucket);
  }
  const out: Job[] = new Array<Job>(total);
  let n = 0;
  for (const c of [...classes.keys()].sort((a, b) => b - a)) {
    n = interleave(mergeUsers(classes.get(c)!), options.lastServed, out, n);
  }
  return out;
}

function pushList(classes: Map<number, Job[][]>, c: number, list: Job[]): void {
  const lists = classes.get(c);
  if (lists) lists.push(list);
  else classes.set(c, [list]);
}

/** One list per user in a class (a user whose jobs alternate classes has several pieces: join them). */
function mergeUsers(lists: Job[][]): Job[][] {
  const byUser = new Map<string, Job[]>();
  for (const list of lists) {
    const user = list[0]!.userId;
    const known = byUser.get(user);
    if (known) {
      known.push(...list);
      known.sort(byAge);
    } else byUser.set(user, list);
  }
  return [...byUser.values()];
}

/** Round-robin interleave of one priority class into `out` from index `n`; returns the next index. */
function interleave(users: Job[][], lastServed: ReadonlyMap<string, number>, out: Job[], n: number): number {
  users.sort((a, b) => {
    const sa = lastServed.get(a[0]!.userId) ?? -Infinity;
    const sb = lastServed.get(b[0]!.userId) ?? -Infinity;
    if (sa !== sb) return sa - sb;
    return byAge(a[0]!, b[0]!);
  });
  let live = users;
  for (let round = 0; live.length > 0; round++) {
    const next: Job[][] = [];
    for (const list of live) {
      out[n++] = list[round]!;
      if (round + 1 < list.length) next.push(list);
    }
    live = next;
  }
  return n;
}
