/**
 * Health that runs on its own: at start and whenever something it reads changes (a backend comes online or goes
 * away, a model file lands, a workflow is imported, a setting or the bot changes), debounced on the injected
 * clock. It keeps the last report per backend for `health.latest`, so a page opened later shows the current state
 * without running everything again.
 */
import type { HealthReport } from '@shared/api/health';
import type { Clock, ClockTimer } from '../clock';
import type { Logger } from '../log';

export interface HealthMonitorOptions {
  /** One run (for a backend id, or the first / none). */
  run(backendId?: string): Promise<HealthReport>;
  /** The live backends, in order: a change runs the checks for each (or once without one). */
  backendIds(): string[];
  /** A text that changes when something the checks read changed; equal texts mean nothing to run. */
  signature(): string;
  /** Tell everyone about a run, once it is the latest (`health.report`). */
  publish(report: HealthReport): void;
  /** Subscribe to what may change it; `force` runs even when the signature did not change (a new model file). */
  listen(poke: (force?: boolean) => void): Array<() => void>;
  clock: Clock;
  logger: Logger;
  /** Changes within this time are one run (default 400 ms). */
  debounceMs?: number;
}

export class HealthMonitor {
  private readonly reports = new Map<string | null, HealthReport>();
  private offs: Array<() => void> = [];
  private timer: ClockTimer | undefined;
  private last: string | null = null;
  private forced = false;
  private running: Promise<void> | null = null;
  private again = false;
  private active = false;

  constructor(private readonly o: HealthMonitorOptions) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.offs = this.o.listen((force) => this.poke(force));
    this.poke(true);
  }

  /** Stops watching; resolves once a run under way has ended. */
  async stop(): Promise<void> {
    this.active = false;
    for (const off of this.offs.splice(0)) off();
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Something may have changed: run soon if it did (or when forced). */
  poke(force = false): void {
    if (!this.active) return;
    if (!force && !this.forced && this.o.signature() === this.last) return;
    this.forced ||= force;
    this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runAll();
    }, this.o.debounceMs ?? 400);
  }

  /** The last report for a backend (the first live one by default; the no-backend report when none is live). */
  latest(backendId?: string): HealthReport | null {
    const id = backendId ?? this.o.backendIds()[0] ?? null;
    return this.reports.get(id) ?? null;
  }

  /** A run asked for now (`health.run`); its report becomes the latest too. */
  async runNow(backendId?: string): Promise<HealthReport> {
    return this.keep(await this.o.run(backendId));
  }

  private keep(report: HealthReport): HealthReport {
    this.reports.set(report.backendId, report);
    const live = new Set<string | null>(this.o.backendIds());
    if (live.size === 0) live.add(null);
    for (const id of this.reports.keys()) if (!live.has(id) && id !== report.backendId) this.reports.delete(id);
    this.o.publish(report);
    return report;
  }

  private async runAll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.last = this.o.signature();
    this.forced = false;
    this.running = (async () => {
      const ids = this.o.backendIds();
      for (const id of ids.length > 0 ? ids : [undefined]) {
        if (!this.active) return;
        try {
          this.keep(await this.o.run(id));
        } catch (err) {
          this.o.logger.warn('health checks failed to run', { backendId: id ?? null, error: String(err) });
        }
      }
    })();
    await this.running;
    this.running = null;
    if (this.again && this.active) {
      this.again = false;
      await this.runAll();
    }
  }
}
