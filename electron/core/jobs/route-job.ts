/**
 * Speed-aware routing of queued jobs: each job goes to the backend that finishes it soonest (routing.ts
 * chooseSoonest) — the time of what is ahead of it there, a model load when that backend's last job used another
 * model, and the job's measured time there (comfy/backends/speed.ts) — never to one whose free VRAM is below what
 * the workflow last needed there. It learns from every run that ends done (job.changed) and reads each backend's
 * `/system_stats` after a run and every 15 s.
 */
import type { Job } from '@shared/jobs';
import type { Clock, ClockTimer } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { chooseSoonest, normalizeModelName, type SpeedCandidate } from '@core/comfy/backends/routing';
import { BackendSpeeds } from '@core/comfy/backends/speed';
import type { Logger } from '../log';
import type { LoadedWorkflow } from '@core/workflows/registry';
import { workOf } from './estimates';
import { needKey, requirementsOf } from './prepare';
import type { JobBackends } from './types';

/** How often the free VRAM of the backends in use is read again. */
const VRAM_POLL_MS = 15_000;
/** A model load not measured yet on a backend counts as this share of the job's time there. */
const UNMEASURED_SWITCH_SHARE = 0.5;

export interface RouterDeps {
  clock: Clock;
  backends: Pick<JobBackends, 'get'>;
  log: Logger;
  /** Jobs that left the queue and are not over. */
  underway(): Iterable<Job>;
  /** ComfyUI is done with the job's prompt (its slot is free, its results are being read). */
  executed(jobId: string): boolean;
}

export class SpeedRouter {
  readonly speeds = new BackendSpeeds();
  /** Backends seen as candidates: their VRAM is polled. */
  private readonly known = new Set<string>();
  private timer: ClockTimer | undefined;
  private running = false;

  constructor(private readonly d: RouterDeps) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A job changed: learn from a run that ended done. */
  observe(job: Job): void {
    if (job.status !== 'done' && job.status !== 'failed' && job.status !== 'cancelled') return;
    const cold = this.speeds.takeCold(job.id);
    if (job.status !== 'done' || !job.backendId || !job.execMs) return;
    this.speeds.ran({
      backendId: job.backendId,
      workflow: job.workflow,
      execMs: job.execMs,
      work: workOf(job.params),
      cold: cold ?? false,
    });
    void this.readVram(job.backendId, job.workflow);
  }

  /** A backend restarted or went away: it has no model loaded any more. */
  forgetLoaded(backendId: string): void {
    this.speeds.unloaded(backendId);
  }

  /** Read a backend's `/system_stats` (and, after a run of `workflow`, what that workflow needs there). */
  async readVram(backendId: string, workflow?: string): Promise<void> {
    const backend = this.d.backends.get(backendId);
    if (!backend || (backend.status !== 'idle' && backend.status !== 'busy')) return;
    try {
      const stats = await backend.client.systemStats();
      this.speeds.noteDevices(backendId, stats.devices, this.d.clock.now());
      if (workflow) this.speeds.noteNeed(backendId, workflow);
    } catch (err) {
      this.d.log.debug('reading free VRAM failed', { backend: backendId, error: (err as Error).message });
    }
  }

  /** One dispatch round's choices (what is routed in the round counts as ahead for the next job). */
  round(load: ReadonlyMap<string, number>, hasRoom: (backend: ComfyBackend) => boolean): RouteRound {
    return new RouteRound(this, this.d, load, hasRoom);
  }

  /** Expected time of a job on a backend (ms), null when nothing like it was measured. */
  runMs(job: Pick<Job, 'workflow' | 'params'>, backendId: string): number | null {
    const rate = this.speeds.rate(backendId, job.workflow) ?? this.speeds.anyRate(job.workflow);
    return rate === null ? null : rate * workOf(job.params);
  }

  /** The job a backend runs now and how many wait on it (sent, not started). */
  activity(backendId: string): { current: Job | null; queued: number } {
    let current: Job | null = null;
    let queued = 0;
    for (const j of this.d.underway()) {
      if (j.backendId !== backendId) continue;
      if (j.status === 'running' && !this.d.executed(j.id)) current ??= j;
      else if (j.status === 'submitted') queued++;
    }
    return { current, queued };
  }

  noteCandidate(id: string): void {
    this.known.add(id);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.d.clock.setTimeout(() => {
      for (const id of this.known) void this.readVram(id);
      this.schedule();
    }, VRAM_POLL_MS);
    this.timer.unref?.();
  }
}

export class RouteRound {
  private readonly ahead = new Map<string, number>();
  /** Main model per need (needKey), worked out once per round. */
  private readonly models = new Map<string, string | null>();

  constructor(
    private readonly router: SpeedRouter,
    private readonly d: RouterDeps,
    private readonly load: ReadonlyMap<string, number>,
    private readonly hasRoom: (backend: ComfyBackend) => boolean,
  ) {}

  /** The backend to send the job to now, or null when it should wait (for the soonest one, or for VRAM). */
  choose(job: Job, workflow: LoadedWorkflow, candidates: readonly ComfyBackend[]): ComfyBackend | null {
    // Every pipeline full: nothing is sent this round, whatever the speeds (a long queue costs nothing here).
    if (!candidates.some((b) => this.hasRoom(b))) return null;
    const { speeds } = this.router;
    const key = needKey(job);
    let model = this.models.get(key);
    if (model === undefined) {
      const preferred = requirementsOf(workflow.manifest, job).preferModel;
      this.models.set(key, (model = preferred ? normalizeModelName(preferred) : null));
    }
    const cands: SpeedCandidate[] = candidates.map((b) => {
      this.router.noteCandidate(b.id);
      const last = speeds.lastModelOf(b.id);
      const runMs = this.router.runMs(job, b.id);
      const switching = model !== null && last !== model;
      return {
        id: b.id,
        aheadMs: this.aheadOf(b.id, job),
        runMs,
        // Not measured yet (no warm run there): count a load as half a run, so same-model backends win.
        switchMs: switching ? (speeds.switchMs(b.id) ?? (runMs ?? 0) * UNMEASURED_SWITCH_SHARE) : 0,
        modelRank: !switching ? 0 : last === null ? 1 : 2,
        hasRoom: this.hasRoom(b),
        vramShort: speeds.vramShort(b.id, job.workflow),
      };
    });
    const choice = chooseSoonest(cands);
    const c = choice.id !== null ? cands.find((x) => x.id === choice.id)! : null;
    // A job that waits for a backend is ahead of the next ones there too: they may go to another one sooner.
    if (c) this.ahead.set(c.id, c.aheadMs + c.switchMs + (c.runMs ?? 0));
    if (choice.kind !== 'run') return null;
    const backend = candidates.find((b) => b.id === choice.id)!;
    speeds.sent(job.id, backend.id, model);
    return backend;
  }

  /** What is on a backend (or routed to it this round) before a new job: expected ms left. */
  private aheadOf(backendId: string, job: Job): number {
    const known = this.ahead.get(backendId);
    if (known !== undefined) return known;
    const now = this.d.clock.now();
    let ms = 0;
    let counted = 0;
    for (const j of this.d.underway()) {
      if (j.backendId !== backendId || (j.status !== 'submitted' && j.status !== 'running')) continue;
      if (this.d.executed(j.id)) continue;
      counted++;
      const est = this.router.runMs(j, backendId) ?? 0;
      ms += j.status === 'running' && j.startedAt !== null ? Math.max(0, est - (now - j.startedAt)) : est;
    }
    // Jobs on their way to it (inputs uploading) are not underway yet: count them like this one.
    const onTheWay = Math.max(0, (this.load.get(backendId) ?? 0) - counted);
    ms += onTheWay * (this.router.runMs(job, backendId) ?? 0);
    this.ahead.set(backendId, ms);
    return ms;
  }
}
