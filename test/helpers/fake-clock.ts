import type { Clock, ClockTimer } from '../../electron/core/clock';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/** A Clock whose time moves only when a test says so. Timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: Pending = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.pending.push(timer);
    return { id: timer.id } as ClockTimer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (!timer) return;
    const id = (timer as { id?: number }).id;
    this.pending = this.pending.filter((p) => p.id !== id);
  }

  /** Move time forward, firing due timers in order (timers they schedule fire too when due). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.pending[0];
      if (!next || next.at > target) break;
      this.pending.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}
