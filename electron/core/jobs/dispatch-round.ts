/**
 * One dispatch round: why every waiting job waits (placement is decided once per distinct need, however long the
 * queue, and the jobs of one need share one reason), the jobs no ComfyUI can ever run failed with what helps,
 * then the free pipeline slots filled in fair order (fair-order.ts), pick by pick, until no backend that can
 * take a waiting job has room. Each picked job goes to the backend that finishes it soonest (route-job.ts): it may
 * wait for a faster one that is full, and then counts as ahead there for the next picks.
 */
import type { Job } from '@shared/jobs';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import type { Placement } from '@core/comfy/backends/placement';
import type { LoadedWorkflow, WorkflowRegistry } from '@core/workflows/registry';
import type { FairQueue, ShareContext } from './fair-order';
import type { JobRuns } from './job-runs';
import type { SpeedRouter } from './route-job';
import { needKey, requirementsOf } from './prepare';
import type { JobBackends } from './types';
import type { WaitBook, WaitInfo } from './waiting';

/** Jobs passed over one pick at a time before the round walks the whole order instead. */
const PICKS_BEFORE_WALK = 8;

export interface RoundDeps {
  workflows: WorkflowRegistry;
  backends: JobBackends;
  runs: JobRuns;
  router: Pick<SpeedRouter, 'round'>;
  waits: WaitBook;
  queued: FairQueue;
  share: ShareContext;
  paused: boolean;
  now: number;
  fail(jobId: string, error: string, reason: string, hint?: string): void;
  begin(job: Job, workflow: LoadedWorkflow, backend: ComfyBackend): void;
}

export interface RoundResult {
  /** Some job waits for a ComfyUI to come online or report its models: look again soon. */
  waiting: boolean;
  /** Model folders to read again (a file may have been added by hand). */
  recheck: Array<{ backendId: string; folders: string[] }>;
}

interface Need {
  placement: Placement<ComfyBackend>;
  wait: WaitInfo | null;
  workflow: LoadedWorkflow;
}

export function dispatchRound(d: RoundDeps): RoundResult {
  const load = d.runs.load();
  const free = (b: ComfyBackend): boolean => d.runs.hasRoom(load, b.id);
  const route = d.router.round(load, free);
  const needs = new Map<string, Need>();
  const recheck: RoundResult['recheck'] = [];
  const failures: Array<[string, string, string, string | undefined]> = [];
  let waiting = false;
  for (const job of d.queued.all()) {
    if (d.runs.has(job.id)) continue;
    const workflow = d.workflows.get(job.workflow);
    if (!workflow) {
      const hint = 'Import the workflow again, or run the job with another one.';
      failures.push([job.id, `The workflow '${job.workflow}' is no longer installed.`, 'workflow missing', hint]);
      continue;
    }
    const key = needKey(job);
    let need = needs.get(key);
    if (!need) {
      const placement = d.backends.place(requirementsOf(workflow.manifest, job));
      const wait: WaitInfo | null =
        placement.kind === 'wait'
          ? { kind: placement.why, reason: placement.reason, hint: placement.hint }
          : placement.kind === 'ready'
            ? { kind: 'queue', reason: 'In line', hint: '', candidates: placement.backends.map((b) => b.id) }
            : null;
      needs.set(key, (need = { placement, wait, workflow }));
      if (placement.kind === 'wait' && placement.recheck) recheck.push(...placement.recheck);
    }
    const { placement } = need;
    if (placement.kind === 'never') {
      failures.push([job.id, `${placement.reason}.`, 'no backend can run it', placement.hint]);
      continue;
    }
    d.waits.note(job, need.wait!, d.now);
    if (placement.kind === 'wait') waiting = true;
  }
  for (const [jobId, error, reason, hint] of failures) d.fail(jobId, error, reason, hint);
  if (d.paused) return { waiting, recheck };
  const room = (): boolean =>
    [...needs.values()].some((n) => n.placement.kind === 'ready' && n.placement.backends.some(free));
  if (!room()) return { waiting, recheck };
  // Pick by pick: each dispatched job is in flight and charged to its user, so the next pick sees it. Jobs that
  // cannot go now (their backends are full) are passed over; past a few of those, the whole order is walked once.
  const passed = new Set<string>();
  const skip = (j: Job): boolean => d.runs.has(j.id) || passed.has(j.id);
  const place = (job: Job): void => {
    const need = needs.get(needKey(job));
    const backend = need?.placement.kind === 'ready' ? route.choose(job, need.workflow, need.placement.backends) : null;
    if (!need || !backend) {
      passed.add(job.id);
      return;
    }
    load.set(backend.id, (load.get(backend.id) ?? 0) + 1);
    d.begin(job, need.workflow, backend);
  };
  while (passed.size < PICKS_BEFORE_WALK && room()) {
    const job = d.queued.first(d.share, skip);
    if (!job) return { waiting, recheck };
    place(job);
  }
  if (!room()) return { waiting, recheck };
  d.queued.walk(d.share, skip, (job) => {
    place(job);
    return room();
  });
  return { waiting, recheck };
}
