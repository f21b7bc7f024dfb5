/** A manual Clock for tests: timers fire only when the test calls advance(). */
import type { Clock, ClockTimer } from '../../electron/core/clock';

interface Timer extends ClockTimer {
  at: number;
  ms: number;
  fn: () => void;
  id: number;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: Timer = { at: this.t + ms, ms, fn, id: this.seq++, unref: () => timer };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    this.timers = this.timers.filter((x) => x !== timer);
  }

  /** Delays (ms, as requested) of the timers still pending, oldest first. */
  pending(): number[] {
    return this.timers.map((x) => x.ms);
  }

  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
}
