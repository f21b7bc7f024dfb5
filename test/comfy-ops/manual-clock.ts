/** A Clock whose time only moves when the test calls advance(). Timers fire in time order. */
import type { Clock, ClockTimer } from '../../electron/core/clock';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Pending[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: Pending & ClockTimer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    this.timers = this.timers.filter((p) => p !== timer);
  }

  /** Pending timer delays from now, sorted. */
  pendingDelays(): number[] {
    return this.timers.map((p) => p.at - this.t).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers
        .filter((p) => p.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((p) => p !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}
