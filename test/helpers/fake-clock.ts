import type { Clock, ClockTimer } from '@core/clock';

interface Pending {
  id: number;
  at: number;
  /** The delay asked for. */
  ms: number;
  fn: () => void;
  unref(): Pending;
}

/**
 * The one test Clock: time moves only when a test says so; timers fire in time order (then creation order)
 * during `advance`, including timers they schedule themselves when those fall due.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const delay = Math.max(0, ms);
    const timer: Pending = { id: this.nextId++, at: this.current + delay, ms: delay, fn, unref: () => timer };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    this.timers = this.timers.filter((p) => p !== timer);
  }

  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((p) => p !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** Delays (ms, as requested) of the timers still pending, oldest first. */
  pending(): number[] {
    return this.timers.map((p) => p.ms);
  }

  /** Time left (ms from now) on each pending timer, soonest first. */
  pendingDelays(): number[] {
    return this.timers.map((p) => p.at - this.current).sort((a, b) => a - b);
  }

  get pendingCount(): number {
    return this.timers.length;
  }
}
