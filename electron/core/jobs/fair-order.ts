/**
 * The order queued jobs run in — pure. Round robin by user, so one user's twenty jobs do not block everyone:
 * each round takes one job (their oldest) from every waiting user, users ordered by how long ago they were last
 * served (never served first, then by their oldest job). The desktop user's jobs go first when the setting asks.
 */
import type { Job } from '@shared/jobs';

export interface FairOrderOptions {
  /** The desktop user's jobs go before everyone else's. */
  desktopPriority: boolean;
  /** userId -> sequence number of the last time one of their jobs was dispatched (higher = more recent). */
  lastServed: ReadonlyMap<string, number>;
}

const byAge = (a: Job, b: Job): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Round-robin interleave of one priority class. */
function interleave(jobs: readonly Job[], lastServed: ReadonlyMap<string, number>): Job[] {
  const perUser = new Map<string, Job[]>();
  for (const job of [...jobs].sort(byAge)) {
    const list = perUser.get(job.userId);
    if (list) list.push(job);
    else perUser.set(job.userId, [job]);
  }
  const users = [...perUser.keys()].sort((a, b) => {
    const sa = lastServed.get(a) ?? -Infinity;
    const sb = lastServed.get(b) ?? -Infinity;
    if (sa !== sb) return sa - sb;
    return byAge(perUser.get(a)![0]!, perUser.get(b)![0]!);
  });
  const out: Job[] = [];
  for (let round = 0; out.length < jobs.length; round++) {
    for (const user of users) {
      const job = perUser.get(user)![round];
      if (job) out.push(job);
    }
  }
  return out;
}

/** Queued jobs in the order they will be dispatched. Higher `priority` classes go first. */
export function fairOrder(queued: readonly Job[], options: FairOrderOptions): Job[] {
  const classOf = (job: Job): number =>
    job.priority + (options.desktopPriority && job.source === 'desktop' ? 1_000 : 0);
  const classes = new Map<number, Job[]>();
  for (const job of queued) {
    const c = classOf(job);
    const list = classes.get(c);
    if (list) list.push(job);
    else classes.set(c, [job]);
  }
  return [...classes.keys()].sort((a, b) => b - a).flatMap((c) => interleave(classes.get(c)!, options.lastServed));
}
