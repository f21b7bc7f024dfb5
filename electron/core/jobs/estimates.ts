/**
 * How long a job will take on a backend, from what such jobs took there: the GPU time of recent runs of the same
 * workflow (ComfyUI's `execution_start` to `executing {node: null}`), scaled by the work the job asks for (steps ×
 * megapixels × images × frames, where the workflow has those parameters). The median of the recent runs on that
 * backend, else on any backend; no estimate before there is one run to learn from.
 */
import type { Job } from '@shared/jobs';

/** Runs remembered per workflow (the newest win). */
const SAMPLES_PER_WORKFLOW = 30;

export interface RunSample {
  workflow: string;
  backendId: string;
  execMs: number;
  /** The work of that run (see workOf). */
  work: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/** The work a job asks for, relative to one 20-step 1-megapixel image (1 when the workflow has no such knobs). */
export function workOf(params: Readonly<Record<string, unknown>>): number {
  const steps = num(params.steps) ?? 20;
  const pixels = (num(params.width) ?? 1024) * (num(params.height) ?? 1024);
  const images = num(params.batch_size) ?? 1;
  const frames = num(params.frames) ?? 1;
  return (steps / 20) * (pixels / (1024 * 1024)) * images * frames;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class DurationEstimator {
  private readonly byWorkflow = new Map<string, RunSample[]>();
  /** Median ms per unit of work, per `workflow\0backend` and per `workflow\0*`; rebuilt when a run is added. */
  private rates = new Map<string, number>();
  private typicalMs: number | null = null;
  /** Goes up with every run learned: estimates made at another revision are stale. */
  revision = 0;

  /** Learned from finished jobs with a measured GPU time (the newest runs). */
  static fromJobs(jobs: readonly Job[]): DurationEstimator {
    return new DurationEstimator(
      jobs.flatMap((j) =>
        j.backendId && j.execMs
          ? [{ workflow: j.workflow, backendId: j.backendId, execMs: j.execMs, work: workOf(j.params) }]
          : [],
      ),
    );
  }

  constructor(samples: readonly RunSample[] = []) {
    for (const s of samples) this.push(s);
    this.rebuild();
  }

  /** A run finished: learn from it. */
  add(sample: RunSample): void {
    if (!(sample.execMs > 0) || !(sample.work > 0)) return;
    this.push(sample);
    this.rebuild();
  }

  /** Expected GPU time of `job` on `backendId` (ms), or null when nothing like it has run yet. */
  estimate(job: Pick<Job, 'workflow' | 'params'>, backendId: string | null): number | null {
    const rate = this.rateOf(job.workflow, backendId);
    return rate === null ? null : rate * workOf(job.params);
  }

  /** A typical job's GPU time (ms): the median of the recent runs of every workflow; null before any run. */
  typical(): number | null {
    return this.typicalMs;
  }

  /** Median ms per unit of work of a workflow on a backend (else on any), or null before any run. */
  rateOf(workflow: string, backendId: string | null): number | null {
    return (
      (backendId !== null ? this.rates.get(`${workflow}\u0000${backendId}`) : undefined) ??
      this.rates.get(`${workflow}\u0000*`) ??
      null
    );
  }

  private push(sample: RunSample): void {
    const list = this.byWorkflow.get(sample.workflow) ?? [];
    list.push(sample);
    if (list.length > SAMPLES_PER_WORKFLOW) list.splice(0, list.length - SAMPLES_PER_WORKFLOW);
    this.byWorkflow.set(sample.workflow, list);
  }

  private rebuild(): void {
    this.revision++;
    const rates = new Map<string, number>();
    for (const [workflow, samples] of this.byWorkflow) {
      if (samples.length === 0) continue;
      rates.set(`${workflow}\u0000*`, median(samples.map((s) => s.execMs / s.work)));
      const byBackend = new Map<string, number[]>();
      for (const s of samples) byBackend.set(s.backendId, [...(byBackend.get(s.backendId) ?? []), s.execMs / s.work]);
      for (const [backendId, xs] of byBackend) rates.set(`${workflow}\u0000${backendId}`, median(xs));
    }
    this.rates = rates;
    const all = [...this.byWorkflow.values()].flat().map((s) => s.execMs);
    this.typicalMs = all.length > 0 ? median(all) : null;
  }
}

/** What a job is expected to cost before anything like it ran (ms). */
const DEFAULT_COST_MS = 10_000;

/**
 * Expected GPU time of a job (the fair share's cost): its estimate, else a typical job's, else 10 s. Asked for every
 * waiting job when the order is made again after a run is learned, so the rate of each workflow is looked up once
 * per estimator revision and a job's cost is that rate times its work.
 */
export class JobCosts {
  private revision = -1;
  /** Rate (ms per unit of work) of each workflow on any backend, as of `revision`; null before any run of it. */
  private readonly rates = new Map<string, number | null>();

  constructor(private readonly estimator: DurationEstimator) {}

  of(job: Pick<Job, 'workflow' | 'params'>): number {
    if (this.revision !== this.estimator.revision) {
      this.revision = this.estimator.revision;
      this.rates.clear();
    }
    let rate = this.rates.get(job.workflow);
    if (rate === undefined) this.rates.set(job.workflow, (rate = this.estimator.rateOf(job.workflow, null)));
    return rate === null ? (this.estimator.typical() ?? DEFAULT_COST_MS) : rate * workOf(job.params);
  }
}
