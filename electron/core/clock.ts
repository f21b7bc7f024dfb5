/**
 * Injected time. Everything in the core that waits or timestamps takes a Clock so tests can drive time
 * deterministically (see test/helpers/fake-clock.ts) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

export interface ClockTimer {
  /** Let the process exit even if this timer is pending (no-op for fake clocks). */
  unref?(): unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => {
    if (timer) clearTimeout(timer as ReturnType<typeof setTimeout>);
  },
};

/** A promise that resolves after `ms` on the given clock. */
export function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}
