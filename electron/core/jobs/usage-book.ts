/**
 * GPU time per user as the scheduler counts it, in memory: runs counted when they ended, over the fair share's
 * sliding window (loaded from the jobs table at start); what running jobs have used so far; what jobs sent to
 * ComfyUI are expected to take still; and the credit a newcomer starts with.
 *
 * A user's charge = used in the window + running so far + expected rest of their jobs on ComfyUI + credit. The
 * credit lifts someone who arrives (nothing waiting or running before) to the least GPU time any active user has
 * actually used (what is in flight is not counted), so a newcomer goes next but cannot take the GPU until they
 * have "caught up"; it is dropped when they have nothing left waiting or running, and after the window.
 */
export interface Flight {
  userId: string;
  guildId: string | null;
  /** Expected GPU time of the run (ms). */
  costMs: number;
  /** When ComfyUI started executing it (our clock); null while it waits in ComfyUI's queue. */
  startedAt: number | null;
}

interface Ledger {
  /** Runs that ended inside the window, oldest first (`head` is the first one still inside). */
  runs: Array<{ at: number; ms: number }>;
  head: number;
  sum: number;
  credit: { ms: number; at: number } | null;
  flights: Set<string>;
  /** The share weight of their latest job. */
  weight: number;
}

export interface UsageBookOptions {
  /** The sliding window (ms), read at each use: the setting may change. */
  windowMs(): number;
  /** Has this user jobs waiting in the queue? */
  waiting(userId: string): boolean;
}

export class UsageBook {
  private readonly ledgers = new Map<string, Ledger>();
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly o: UsageBookOptions) {}

  /** Forget everything (the engine starts again). */
  clear(): void {
    this.ledgers.clear();
    this.flights.clear();
  }

  /** Runs already counted (at start), oldest first. */
  load(runs: Iterable<{ userId: string; ms: number; at: number }>): void {
    for (const r of runs) this.record(r.userId, r.ms, r.at);
  }

  /** A run of this user ended at `at` having used `ms` of GPU time. */
  record(userId: string, ms: number, at: number): void {
    if (!(ms > 0)) return;
    const l = this.ledger(userId);
    l.runs.push({ at, ms });
    l.sum += ms;
  }

  /** A job was sent to ComfyUI (or found there after a restart). */
  dispatched(jobId: string, f: Omit<Flight, 'startedAt'> & { startedAt?: number | null }, weight?: number): void {
    this.flights.set(jobId, { ...f, startedAt: f.startedAt ?? null });
    const l = this.ledger(f.userId);
    l.flights.add(jobId);
    if (weight !== undefined) l.weight = weight;
  }

  /** ComfyUI started executing it. */
  started(jobId: string, at: number): void {
    const f = this.flights.get(jobId);
    if (f && f.startedAt === null) f.startedAt = at;
  }

  flight(jobId: string): Readonly<Flight> | undefined {
    return this.flights.get(jobId);
  }

  /** The job left ComfyUI (done, failed, cancelled, back in the queue): it is no longer in flight. */
  landed(jobId: string): Flight | undefined {
    const f = this.flights.get(jobId);
    if (!f) return undefined;
    this.flights.delete(jobId);
    const l = this.ledgers.get(f.userId);
    l?.flights.delete(jobId);
    this.idle(f.userId);
    return f;
  }

  /** Jobs of this user in flight. */
  inFlight(userId: string): number {
    return this.ledgers.get(userId)?.flights.size ?? 0;
  }

  /** The flights of this user (for quotas and /usage). */
  flightsOf(userId: string): Flight[] {
    const l = this.ledgers.get(userId);
    return l ? [...l.flights].flatMap((id) => this.flights.get(id) ?? []) : [];
  }

  /** GPU time the user used in the window and what their running jobs used so far (ms). */
  used(userId: string, now: number): number {
    const l = this.ledgers.get(userId);
    if (!l) return 0;
    this.prune(l, now);
    let ms = l.sum;
    for (const id of l.flights) {
      const f = this.flights.get(id)!;
      if (f.startedAt !== null) ms += Math.max(0, now - f.startedAt);
    }
    return ms;
  }

  /** What the scheduler charges the user now (ms): used, the expected rest of their flights, their credit. */
  charge(userId: string, now: number): number {
    const l = this.ledgers.get(userId);
    if (!l) return 0;
    this.prune(l, now);
    let ms = l.sum;
    for (const id of l.flights) {
      const f = this.flights.get(id)!;
      ms += f.startedAt === null ? f.costMs : Math.max(f.costMs, now - f.startedAt);
    }
    if (l.credit && now - l.credit.at >= this.o.windowMs()) l.credit = null;
    return ms + (l.credit?.ms ?? 0);
  }

  /**
   * A user with nothing waiting or running queues a job: they start at the least GPU time (per share weight) any
   * active user has used, not at zero. `active` are the other users with jobs waiting or in flight.
   */
  arrive(userId: string, weight: number, now: number, active: Iterable<string>): void {
    const l = this.ledger(userId);
    l.weight = weight;
    let floor: number | null = null;
    for (const other of active) {
      if (other === userId) continue;
      const o = this.ledgers.get(other);
      const per = this.used(other, now) / Math.max(0.1, o?.weight ?? 1);
      if (floor === null || per < floor) floor = per;
    }
    const own = this.used(userId, now);
    const lift = floor === null ? 0 : floor * weight - own;
    l.credit = lift > 0 ? { ms: lift, at: now } : null;
  }

  /** The user may have nothing left waiting or in flight: then their credit goes. */
  idle(userId: string): void {
    const l = this.ledgers.get(userId);
    if (l && l.flights.size === 0 && !this.o.waiting(userId)) l.credit = null;
  }

  private ledger(userId: string): Ledger {
    let l = this.ledgers.get(userId);
    if (!l) this.ledgers.set(userId, (l = { runs: [], head: 0, sum: 0, credit: null, flights: new Set(), weight: 1 }));
    return l;
  }

  /** Drop runs that left the window. */
  private prune(l: Ledger, now: number): void {
    const from = now - this.o.windowMs();
    while (l.head < l.runs.length && l.runs[l.head]!.at < from) l.sum -= l.runs[l.head++]!.ms;
    if (l.head > 64 && l.head * 2 > l.runs.length) {
      l.runs.splice(0, l.head);
      l.head = 0;
    }
    if (l.head === l.runs.length) l.sum = 0;
  }
}
