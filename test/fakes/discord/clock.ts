/**
 * An advanceable clock for the fake Discord. It implements the core's `Clock` interface so the same object
 * can be handed to the bot under test. Interaction deadlines (3 s / 15 min, discord-facts.md §1.2) and CDN
 * URL expiry are checked lazily against `now()`, so advancing the clock is all a test needs to do.
 */
import type { Clock, ClockTimer } from '@core/clock';

interface PendingTimer extends ClockTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** 2026-01-01T00:00:00Z: a fixed start so snowflakes and timestamps are the same on every run. */
export const DEFAULT_FAKE_EPOCH = Date.UTC(2026, 0, 1);

export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: number = DEFAULT_FAKE_EPOCH) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer | undefined): void {
    if (timer) (timer as PendingTimer).cancelled = true;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }

  /** Move time forward, firing due timers in order (each sees `now()` equal to its due time). */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /** Jump to an absolute time (never backwards). */
  setTime(ms: number): void {
    this.advance(ms - this.current);
  }
}

/** Type guard: clocks the fake can advance on request (`fake.advance(ms)`). */
export function isAdvanceable(clock: Clock): clock is Clock & { advance(ms: number): void } {
  return typeof (clock as { advance?: unknown }).advance === 'function';
}
