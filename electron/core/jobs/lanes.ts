/**
 * A user's waiting jobs of one class, oldest first, as the fair queue keeps them (fair-order.ts), and what the
 * order reads of them: their class, their age order, and each job's expected GPU time kept beside it.
 */
import type { Job } from '@shared/jobs';
import type { ShareContext } from './fair-order';

/** One user's waiting jobs of one raw class (priority, from the desktop), oldest first. */
export interface Lane {
  key: string;
  userId: string;
  priority: number;
  desktop: boolean;
  jobs: Job[];
  /** `costOf` of each job, beside `jobs` (NaN: not asked yet), as of `costRevision`. */
  costs: number[];
  costRevision: number | undefined;
}

export const byAge = (a: Job, b: Job): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const laneKey = (job: Job): string =>
  `${job.userId}\u0000${job.priority}\u0000${job.source === 'desktop' ? 1 : 0}`;

/** A lane's class: its priority, lifted above every other when it is the desktop's and the setting asks. */
export const classOf = (lane: Lane, ctx: ShareContext): number =>
  lane.priority + (ctx.desktopPriority && lane.desktop ? 1_000 : 0);

/** The cost of the lane's job at `i`, kept beside it until `costRevision` changes. */
export function costAt(lane: Lane, i: number, ctx: ShareContext): number {
  if (ctx.costRevision === undefined) return ctx.costOf(lane.jobs[i]!);
  if (lane.costRevision !== ctx.costRevision) {
    lane.costs.fill(NaN);
    lane.costRevision = ctx.costRevision;
  }
  let cost = lane.costs[i]!;
  if (Number.isNaN(cost)) lane.costs[i] = cost = ctx.costOf(lane.jobs[i]!);
  return cost;
}
