/**
 * A task that runs about once a day on the injected clock: due 24 hours after its last run (or a little after
 * start when it never ran), looked at every hour (so a setting switched on, a machine that slept or a failed run
 * is noticed within the hour), never twice at once.
 */
import type { Clock, ClockTimer } from '../clock';
import type { Logger } from '../log';

export const DAY_MS = 24 * 3600_000;
const RECHECK_MS = 3600_000;

export interface DailyTaskOptions {
  name: string;
  clock: Clock;
  logger: Logger;
  /** When it last ran (null: never). */
  last(): number | null;
  enabled(): boolean;
  run(): Promise<unknown>;
  /** Wait after start before a first run that is due (default 2 minutes: let the app start first). */
  startDelayMs?: number;
}

export class DailyTask {
  private timer: ClockTimer | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly o: DailyTaskOptions) {}

  start(): void {
    this.stopped = false;
    this.arm(this.o.startDelayMs ?? 120_000);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer ?? undefined);
    this.timer = null;
    await this.running;
  }

  private arm(minDelay: number): void {
    if (this.stopped) return;
    const last = this.o.last();
    const due = last === null ? 0 : last + DAY_MS - this.o.clock.now();
    const wait = Math.min(Math.max(due, minDelay), RECHECK_MS);
    this.timer = this.o.clock.setTimeout(() => this.tick(), wait);
    this.timer.unref?.();
  }

  /** Resolves when no run is in progress (and the next check is scheduled). */
  async idle(): Promise<void> {
    await this.running;
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    const last = this.o.last();
    if (this.o.enabled() && (last === null || this.o.clock.now() - last >= DAY_MS) && !this.running) {
      this.running = this.o
        .run()
        .catch((err: unknown) => this.o.logger.warn(`daily ${this.o.name} failed`, { error: err }))
        .then(() => {
          this.running = null;
          this.arm(RECHECK_MS);
        });
      return;
    }
    this.arm(RECHECK_MS);
  }
}
