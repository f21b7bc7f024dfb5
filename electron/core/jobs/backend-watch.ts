/**
 * The engine's view of its backends, wired in one place: the speed router that sends each job where it ends soonest
 * (route-job.ts), failover of the jobs of a backend that stopped answering to another one (failover.ts, after
 * 15 s), and the rule for a backend gone for good or silent past `queue.unreachableSeconds` (backend-gone.ts: its
 * jobs move once when another backend can take them, else fail with the reason).
 */
import type { Job } from '@shared/jobs';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Store } from '../store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { releaseJobsOfGoneBackend, UnreachableWatch, type GoneHost } from './backend-gone';
import { FailoverWatch } from './failover';
import type { JobRuns } from './job-runs';
import { SpeedRouter } from './route-job';
import type { EndJob, JobBackends } from './types';

export interface BackendWatchHost {
  clock: Clock;
  store: Store;
  events: EventBus;
  workflows: WorkflowRegistry;
  backends: JobBackends;
  log: Logger;
  runs: JobRuns;
  /** Jobs that left the queue and are not over. */
  underway: ReadonlyMap<string, Job>;
  /** The engine is running (a gone backend's jobs are left alone after stop()). */
  started(): boolean;
  changed(job: Job): void;
  end: EndJob;
  pump(): void;
}

export class BackendWatch {
  /** Measured speed per backend and workflow; sends each job where it ends soonest. */
  readonly router: SpeedRouter;
  private readonly failover: FailoverWatch;
  /** Backends holding jobs that have stopped answering, timed against `queue.unreachableSeconds`. */
  private readonly unreachable: UnreachableWatch;
  /** How jobs leave a backend: released there, queued again or ended. */
  private readonly moves: GoneHost;

  constructor(private readonly h: BackendWatchHost) {
    const { clock, store, workflows, backends, log, underway, runs } = h;
    this.router = new SpeedRouter({
      ...{ clock, backends, log, underway: () => underway.values() },
      executed: (id) => {
        const run = runs.runOf(id);
        return run?.executed === true || run?.phase === 'collecting';
      },
    });
    this.moves = {
      ...{ store, workflows, backends, underway, log },
      release: (id, b) => runs.release(id, b),
      changed: (j) => h.changed(j),
      end: (...a) => h.end(...a),
      pump: () => h.pump(),
    };
    this.failover = new FailoverWatch({ ...this.moves, clock, dropped: (id) => this.router.forgetLoaded(id) });
    this.unreachable = new UnreachableWatch({
      ...{ clock, backends, underway },
      limitMs: () => store.settings.get().queue.unreachableSeconds * 1000,
      gone: (id, reason) => this.gone(id, reason),
    });
  }

  /** Start learning speeds and following backends that go away; returns how to stop listening. */
  start(): Array<() => void> {
    const off = [this.h.events.on('job.changed', (job) => this.router.observe(job))];
    if (this.h.backends.onGone) off.push(this.h.backends.onGone((id, why) => this.gone(id, why)));
    this.router.start();
    return off;
  }

  stop(): void {
    this.router.stop();
    this.failover.stop();
    this.unreachable.stop();
  }

  /** On every dispatch round: move or time the jobs of backends that stopped answering. */
  check(): void {
    this.failover.check();
    this.unreachable.check();
  }

  /** Read model folders again (a file may have been added by hand); the next round sees the answer. */
  recheckModels(targets: Array<{ backendId: string; folders: string[] }>): void {
    void this.h.backends
      .recheckModels(targets)
      .catch((err: unknown) => this.h.log.warn('rechecking models failed', { error: err }));
  }

  /** A backend will not come back: its jobs run elsewhere (once) or fail with `reason` (backend-gone.ts). */
  gone(backendId: string, reason: string): void {
    if (!this.h.started()) return;
    this.router.forgetLoaded(backendId);
    releaseJobsOfGoneBackend(backendId, reason, this.moves);
  }
}
