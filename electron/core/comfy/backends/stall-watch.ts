/**
 * Notices when ComfyUI goes quiet about a running prompt. A socket can stay open and answer pings yet get no
 * messages (a reconnect race makes the server forget it: comfyui-api.md §2 "Reconnect pitfall"); a server can
 * also hang. When a running prompt has been silent for longer than its slowest observed step (three times that,
 * at least a minute), the owner is told once per silence, and it re-checks over HTTP and reconnects.
 */
import type { Clock, ClockTimer } from '@core/clock';

export interface StallWatchOptions {
  clock: Clock;
  /** The prompt ComfyUI runs now, if it is ours. */
  running(): string | null;
  /** The running prompt has been silent too long. */
  onStall(promptId: string, silentMs: number): void;
  /** Shortest silence that counts (default 60 s). */
  minSilenceMs?: number;
  /** How often to look (default 15 s). */
  checkEveryMs?: number;
}

export class StallWatch {
  private lastAt = new Map<string, number>();
  private slowestGap = new Map<string, number>();
  private reported = new Set<string>();
  private timer: ClockTimer | null = null;

  constructor(private readonly o: StallWatchOptions) {}

  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      this.timer = this.o.clock.setTimeout(tick, this.o.checkEveryMs ?? 15_000);
      this.timer.unref?.();
      this.check();
    };
    this.timer = this.o.clock.setTimeout(tick, this.o.checkEveryMs ?? 15_000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** A message about this prompt arrived. */
  heard(promptId: string, now: number): void {
    const last = this.lastAt.get(promptId);
    if (last !== undefined) this.slowestGap.set(promptId, Math.max(this.slowestGap.get(promptId) ?? 0, now - last));
    this.lastAt.set(promptId, now);
    this.reported.delete(promptId);
  }

  /** The prompt is over (or no longer ours). */
  forget(promptId: string): void {
    this.lastAt.delete(promptId);
    this.slowestGap.delete(promptId);
    this.reported.delete(promptId);
  }

  /** How long a silence may last before it counts as a stall. */
  limitFor(promptId: string): number {
    return Math.max(this.o.minSilenceMs ?? 60_000, 3 * (this.slowestGap.get(promptId) ?? 0));
  }

  check(): void {
    const promptId = this.o.running();
    if (!promptId || this.reported.has(promptId)) return;
    const last = this.lastAt.get(promptId);
    if (last === undefined) return;
    const silent = this.o.clock.now() - last;
    if (silent <= this.limitFor(promptId)) return;
    this.reported.add(promptId);
    this.o.onStall(promptId, silent);
  }
}
