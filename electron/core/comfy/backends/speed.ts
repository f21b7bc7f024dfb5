/**
 * How fast each backend runs each workflow, measured: the GPU time of its recent runs (ComfyUI's
 * `execution_start` to the prompt's end) per unit of work, kept apart for runs that found their model loaded
 * (warm) and runs that had to load it first (cold), so a model switch has a price of its own. Plus what each
 * workflow last needed of a backend's VRAM and what that backend has free now (`/system_stats`,
 * docs/reference/comfyui-api.md §1 "GET /system_stats"). Pure bookkeeping: the router (jobs/route-job.ts)
 * reads it, routing.ts decides.
 */

/** Samples kept per backend and workflow (the newest win). */
const SAMPLES = 20;

export interface SpeedRun {
  backendId: string;
  workflow: string;
  /** GPU time of the run (ms). */
  execMs: number;
  /** The work it asked for (jobs/estimates.ts workOf: 1 = a 20-step 1-megapixel image). */
  work: number;
  /** Its model was not the one the backend had loaded (a load came first). */
  cold: boolean;
}

/** A device of `/system_stats` (the fields ComfyDesk reads). */
export interface VramReading {
  vram_total?: number | undefined;
  vram_free?: number | undefined;
  torch_vram_total?: number | undefined;
}

export interface VramState {
  total: number;
  /** Free on the device now. */
  free: number;
  /** What ComfyUI may use: free memory plus what its torch already holds (it reuses or unloads that). */
  usable: number;
  /** What ComfyUI's torch holds now. */
  held: number;
  at: number;
}

export interface BackendSpeedView {
  /**
   * Median ms per unit of work over the backend's recent warm runs (any workflow); before one, over its cold runs
   * less the model load when that is known (as `rate` does); null before any run.
   */
  msPerWork: number | null;
  /** Measured cost of loading another model (ms), or null when not measured yet. */
  switchMs: number | null;
  runs: number;
  /** Main model file of the last job sent to it. */
  lastModel: string | null;
  vram: VramState | null;
}

interface Sample {
  rate: number;
  execMs: number;
  work: number;
  cold: boolean;
}

const key = (backendId: string, workflow: string) => `${backendId}\u0000${workflow}`;

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class BackendSpeeds {
  private readonly samples = new Map<string, Sample[]>();
  private readonly lastModel = new Map<string, string | null>();
  /** Jobs sent and whether each was sent cold (read back when its run is learned). */
  private readonly sentCold = new Map<string, boolean>();
  private readonly need = new Map<string, number>();
  private readonly vram = new Map<string, VramState>();

  /**
   * A job goes to a backend: note its model as the one that backend will have loaded next, and whether the job
   * must load it first (the first job a backend gets counts as cold).
   */
  sent(jobId: string, backendId: string, model: string | null): boolean {
    const had = this.lastModel.has(backendId) ? this.lastModel.get(backendId)! : undefined;
    const cold = model !== null && had !== model;
    this.lastModel.set(backendId, model);
    this.sentCold.set(jobId, cold);
    if (this.sentCold.size > 10_000) this.sentCold.delete(this.sentCold.keys().next().value!);
    return cold;
  }

  /** Whether a job was sent cold (null: not sent by this run of the app); forgets it. */
  takeCold(jobId: string): boolean | null {
    const cold = this.sentCold.get(jobId);
    this.sentCold.delete(jobId);
    return cold ?? null;
  }

  lastModelOf(backendId: string): string | null {
    return this.lastModel.get(backendId) ?? null;
  }

  /** The backend restarted (or went away): nothing is loaded any more. */
  unloaded(backendId: string): void {
    this.lastModel.delete(backendId);
  }

  /** Learn from a finished run. */
  ran(run: SpeedRun): void {
    if (!(run.execMs > 0) || !(run.work > 0)) return;
    const k = key(run.backendId, run.workflow);
    const list = this.samples.get(k) ?? [];
    list.push({ rate: run.execMs / run.work, execMs: run.execMs, work: run.work, cold: run.cold });
    if (list.length > SAMPLES) list.splice(0, list.length - SAMPLES);
    this.samples.set(k, list);
  }

  /** Median ms per unit of work of a workflow's warm runs on a backend (its cold runs when it has no warm one). */
  rate(backendId: string, workflow: string): number | null {
    const list = this.samples.get(key(backendId, workflow)) ?? [];
    const warm = list.filter((s) => !s.cold);
    if (warm.length > 0) return median(warm.map((s) => s.rate));
    const switchMs = this.switchMs(backendId) ?? 0;
    return median(list.map((s) => Math.max(1, s.execMs - switchMs) / s.work));
  }

  /** The same over every backend that ran the workflow (for a backend that has not run it yet). */
  anyRate(workflow: string): number | null {
    const rates: number[] = [];
    for (const [k, list] of this.samples) {
      if (!k.endsWith(`\u0000${workflow}`)) continue;
      rates.push(...list.filter((s) => !s.cold).map((s) => s.rate));
    }
    return median(rates);
  }

  /** What loading another model costs on a backend: its cold runs less what they take warm (median), or null. */
  switchMs(backendId: string): number | null {
    const extra: number[] = [];
    for (const [k, list] of this.samples) {
      if (!k.startsWith(`${backendId}\u0000`)) continue;
      const warm = median(list.filter((s) => !s.cold).map((s) => s.rate));
      if (warm === null) continue;
      for (const s of list) if (s.cold) extra.push(Math.max(0, s.execMs - warm * s.work));
    }
    return median(extra);
  }

  /** A `/system_stats` reading of a backend (its first device: the one ComfyUI runs on). */
  noteDevices(backendId: string, devices: readonly VramReading[], at: number): void {
    const d = devices[0];
    if (!d || typeof d.vram_total !== 'number' || typeof d.vram_free !== 'number') return;
    const held = typeof d.torch_vram_total === 'number' ? d.torch_vram_total : 0;
    this.vram.set(backendId, { total: d.vram_total, free: d.vram_free, held, usable: d.vram_free + held, at });
  }

  /** After a run of `workflow`: what ComfyUI's torch holds then is what the workflow needs there. */
  noteNeed(backendId: string, workflow: string): void {
    const v = this.vram.get(backendId);
    if (v && v.held > 0) this.need.set(key(backendId, workflow), v.held);
  }

  /** VRAM the workflow last needed on the backend (bytes), or null when unknown. */
  needOf(backendId: string, workflow: string): number | null {
    return this.need.get(key(backendId, workflow)) ?? null;
  }

  vramOf(backendId: string): VramState | null {
    return this.vram.get(backendId) ?? null;
  }

  /** Too little VRAM on the backend now for what the workflow last needed there. */
  vramShort(backendId: string, workflow: string): boolean {
    const need = this.needOf(backendId, workflow);
    const v = this.vram.get(backendId);
    return need !== null && v !== undefined && v.usable < need;
  }

  view(backendId: string): BackendSpeedView {
    const rates: number[] = [];
    const coldRates: number[] = [];
    const switchMs = this.switchMs(backendId) ?? 0;
    let runs = 0;
    for (const [k, list] of this.samples) {
      if (!k.startsWith(`${backendId}\u0000`)) continue;
      runs += list.length;
      for (const s of list) {
        if (s.cold) coldRates.push(Math.max(1, s.execMs - switchMs) / s.work);
        else rates.push(s.rate);
      }
    }
    return {
      msPerWork: median(rates.length > 0 ? rates : coldRates),
      switchMs: this.switchMs(backendId),
      runs,
      lastModel: this.lastModelOf(backendId),
      vram: this.vramOf(backendId),
    };
  }
}
