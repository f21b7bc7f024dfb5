/**
 * Progress of one download for the UI: bytes done, speed over the last few seconds and time left, sent at most
 * once per interval (a trailing report makes sure the last figures always go out). Time comes from the injected
 * clock.
 */
import type { DownloadProgress } from '@shared/downloads';
import type { Clock, ClockTimer } from '@core/clock';

export interface ProgressMeterOptions {
  /** Shortest time between two reports (default 250 ms: at most four a second). */
  intervalMs?: number;
  /** The speed is measured over this long (default 5 s). */
  windowMs?: number;
}

export class ProgressMeter {
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private samples: Array<{ at: number; bytes: number }> = [];
  private lastReport = -Infinity;
  private timer: ClockTimer | undefined;
  private bytes = 0;
  private total: number | null = null;
  private reported = -1;

  constructor(
    private readonly id: string,
    private readonly clock: Clock,
    private readonly report: (p: DownloadProgress) => void,
    options: ProgressMeterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.windowMs = options.windowMs ?? 5000;
  }

  /** The transfer's figures now (cheap: called for every chunk). */
  update(bytes: number, total: number | null): void {
    this.bytes = bytes;
    this.total = total;
    const now = this.clock.now();
    const last = this.samples[this.samples.length - 1];
    if (!last || now - last.at >= 100 || bytes < last.bytes) {
      if (last && bytes < last.bytes) this.samples = [];
      this.samples.push({ at: now, bytes });
      while (this.samples.length > 2 && now - this.samples[1]!.at > this.windowMs) this.samples.shift();
    }
    if (now - this.lastReport >= this.intervalMs) this.send(now);
    else
      this.timer ??= this.clock.setTimeout(
        () => this.send(this.clock.now()),
        this.intervalMs - (now - this.lastReport),
      );
  }

  /** Send the latest figures now if they were not sent yet (e.g. before a state change). */
  flush(): void {
    if (this.reported !== this.bytes) this.send(this.clock.now());
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  speed(now = this.clock.now()): number {
    const first = this.samples[0];
    if (!first) return 0;
    const dt = (now - first.at) / 1000;
    return dt > 0 ? Math.max(0, (this.bytes - first.bytes) / dt) : 0;
  }

  private send(now: number): void {
    this.stop();
    this.lastReport = now;
    this.reported = this.bytes;
    const bytesPerSecond = this.speed(now);
    const left = this.total !== null ? Math.max(0, this.total - this.bytes) : null;
    this.report({
      id: this.id,
      bytesDone: this.bytes,
      totalBytes: this.total,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: left === null || bytesPerSecond <= 0 ? null : Math.ceil(left / bytesPerSecond),
    });
  }
}
