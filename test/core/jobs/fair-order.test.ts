import { describe, expect, it } from 'vitest';
import { FairQueue, fairOrder, type ShareContext } from '@core/jobs/fair-order';
import { uuidv7Factory } from '@core/jobs/job-id';
import type { Job } from '@shared/jobs';
import { makeJob } from '@test/helpers/job-fixture';

let seq = 0;
function job(userId: string, createdAt: number, extra: Partial<Job> = {}): Job {
  seq += 1;
  return makeJob(`j${String(seq).padStart(4, '0')}`, {
    source: 'discord',
    userId,
    guildId: 'g',
    channelId: 'c',
    prompt: `${userId} ${createdAt}`,
    createdAt,
    updatedAt: createdAt,
    ...extra,
  });
}

/** Every job costs `cost` (ms), users start at `charges` (0 when absent). */
function share(o: { charges?: Record<string, number>; cost?: (j: Job) => number; desktopPriority?: boolean } = {}) {
  return {
    desktopPriority: o.desktopPriority ?? true,
    chargeOf: (u: string) => o.charges?.[u] ?? 0,
    costOf: o.cost ?? (() => 1_000),
  } satisfies ShareContext;
}

/** The rule, written the slow and obvious way: each pick scans every waiting user. */
function naiveOrder(jobs: readonly Job[], ctx: ShareContext, skip?: (j: Job) => boolean): Job[] {
  const left = jobs.filter((j) => !skip?.(j));
  const charge = new Map<string, number>();
  const classOf = (j: Job) => j.priority + (ctx.desktopPriority && j.source === 'desktop' ? 1_000 : 0);
  const age = (a: Job, b: Job) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
  const out: Job[] = [];
  while (left.length > 0) {
    const top = Math.max(...left.map(classOf));
    const heads = new Map<string, Job>();
    for (const j of left.filter((x) => classOf(x) === top)) {
      const h = heads.get(j.userId);
      if (!h || age(j, h) < 0) heads.set(j.userId, j);
    }
    const key = (j: Job) => (charge.get(j.userId) ?? ctx.chargeOf(j.userId)) / j.shareWeight;
    const next = [...heads.values()].sort((a, b) => key(a) - key(b) || age(a, b))[0]!;
    out.push(next);
    charge.set(next.userId, (charge.get(next.userId) ?? ctx.chargeOf(next.userId)) + ctx.costOf(next));
    left.splice(left.indexOf(next), 1);
  }
  return out;
}

describe('fair share by GPU time', () => {
  it('with equal costs and no usage yet, users take turns; each user’s own jobs stay first in, first out', () => {
    const jobs: Job[] = [];
    for (let i = 0; i < 10; i++) jobs.push(job('alice', i));
    for (let i = 0; i < 10; i++) jobs.push(job('bob', 100 + i));
    for (let i = 0; i < 10; i++) jobs.push(job('carol', 200 + i));
    const order = fairOrder(jobs, share());
    expect(order.slice(0, 6).map((j) => j.userId)).toEqual(['alice', 'bob', 'carol', 'alice', 'bob', 'carol']);
    expect(order.filter((j) => j.userId === 'alice').map((j) => j.createdAt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('the next job goes to whoever used the least GPU time; ties go to the earlier arrival', () => {
    const jobs = [job('alice', 1), job('bob', 2), job('carol', 3)];
    const order = fairOrder(jobs, share({ charges: { alice: 9_000, bob: 2_000, carol: 2_000 } }));
    expect(order.map((j) => j.userId)).toEqual(['bob', 'carol', 'alice']);
  });

  it('a 60-second job weighs twelve 5-second ones: the short jobs take twelve turns for one long one', () => {
    const jobs = [
      ...Array.from({ length: 4 }, (_, i) => job('long', i)),
      ...Array.from({ length: 40 }, (_, i) => job('short', 10 + i)),
    ];
    const order = fairOrder(jobs, share({ cost: (j) => (j.userId === 'long' ? 60_000 : 5_000) }));
    const picks = order.slice(0, 26).map((j) => j.userId);
    expect(picks.filter((u) => u === 'long')).toHaveLength(2);
    expect(picks.filter((u) => u === 'short')).toHaveLength(24);
  });

  it('a share weight of 2 gets twice the GPU time under the same contention', () => {
    const jobs = [
      ...Array.from({ length: 30 }, (_, i) => job('supporter', i, { shareWeight: 2 })),
      ...Array.from({ length: 30 }, (_, i) => job('member', i)),
    ];
    const first = fairOrder(jobs, share()).slice(0, 30);
    expect(first.filter((j) => j.userId === 'supporter')).toHaveLength(20);
  });

  it("puts the desktop user's jobs first when the setting asks, and in turn otherwise", () => {
    const jobs = [job('alice', 1), job('desktop', 5, { source: 'desktop' }), job('bob', 2)];
    expect(fairOrder(jobs, share({ desktopPriority: true })).map((j) => j.userId)).toEqual(['desktop', 'alice', 'bob']);
    expect(fairOrder(jobs, share({ desktopPriority: false })).map((j) => j.userId)).toEqual([
      'alice',
      'bob',
      'desktop',
    ]);
  });

  it('returns every job exactly once', () => {
    const jobs = Array.from({ length: 50 }, (_, i) => job(`u${i % 7}`, i));
    const order = fairOrder(jobs, share({ charges: { u3: 5_000 } }));
    expect(order).toHaveLength(50);
    expect(new Set(order.map((j) => j.id)).size).toBe(50);
  });
});

describe('FairQueue', () => {
  it('orders like the obvious rule while jobs come, change class and go, with and without skipped jobs', () => {
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const queue = new FairQueue();
    const all = new Map<string, Job>();
    const charges: Record<string, number> = {};
    for (let step = 0; step < 600; step++) {
      const roll = random(10);
      if (roll < 6 || all.size === 0) {
        const added = makeJob(`j${step}`, {
          userId: `u${random(12)}`,
          createdAt: random(1_000),
          priority: step > 300 && random(5) === 0 ? 1 : 0,
          source: step > 450 && random(6) === 0 ? 'desktop' : 'discord',
          shareWeight: random(3) === 0 ? 2 : 1,
        });
        all.set(added.id, added);
        queue.set(added);
      } else if (roll < 8) {
        const gone = [...all.values()][random(all.size)]!;
        all.delete(gone.id);
        queue.delete(gone);
      } else {
        const moved = [...all.values()][random(all.size)]!;
        const changed = { ...moved, priority: moved.priority === 0 ? 2 : 0 };
        all.set(moved.id, changed);
        queue.set(changed);
        charges[moved.userId] = random(20) * 1_000;
      }
      const ctx = share({ charges, desktopPriority: step % 2 === 0, cost: (j) => 1_000 + (j.createdAt % 7) * 500 });
      const skipped = (j: Job): boolean => j.id.endsWith('3');
      expect(queue.size).toBe(all.size);
      expect(queue.order(ctx).map((j) => j.id)).toEqual(naiveOrder([...all.values()], ctx).map((j) => j.id));
      // The one-pass pick a dispatch round asks for is the head of that order.
      expect(queue.first(ctx)?.id).toBe(naiveOrder([...all.values()], ctx)[0]?.id);
      expect(queue.first(ctx, skipped)?.id).toBe(naiveOrder([...all.values()], ctx, skipped)[0]?.id);
      expect(queue.order(ctx, skipped).map((j) => j.id)).toEqual(
        naiveOrder([...all.values()], ctx, skipped).map((j) => j.id),
      );
    }
  });

  it('keeps the whole order between calls and re-places only who changed, still exactly the rule', () => {
    let seed = 11;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const queue = new FairQueue();
    const all = new Map<string, Job>();
    const charges: Record<string, number> = {};
    let revision = 1;
    let desktopPriority = true;
    let made = 0;
    const add = (): void => {
      made++;
      const added = makeJob(`k${String(made).padStart(5, '0')}`, {
        userId: `u${random(40)}`,
        // Many jobs share a millisecond (ties go to the id), and weights differ between one user's jobs.
        createdAt: random(300),
        priority: random(8) === 0 ? 1 : 0,
        source: random(6) === 0 ? 'desktop' : 'discord',
        shareWeight: random(4) === 0 ? 2 : random(9) === 0 ? 0.5 : 1,
      });
      all.set(added.id, added);
      queue.set(added);
    };
    // From an empty queue (new users arrive one by one), then a long line where each change touches a few.
    for (let step = 0; step < 700; step++) {
      const roll = random(20);
      if (roll < 7 || step < 200) add();
      else if (roll < 11 && all.size > 0) {
        const gone = [...all.values()][random(all.size)]!;
        all.delete(gone.id);
        queue.delete(gone);
      } else if (roll < 15) charges[`u${random(40)}`] = random(30) * 700;
      else if (roll < 17) revision++;
      else if (roll < 18) desktopPriority = !desktopPriority;
      else if (all.size > 0) {
        const moved = [...all.values()][random(all.size)]!;
        const changed = { ...moved, shareWeight: moved.shareWeight === 1 ? 2 : 1 };
        all.set(moved.id, changed);
        queue.set(changed);
      }
      const ctx: ShareContext = {
        ...share({ charges, desktopPriority, cost: (j) => 800 + ((j.createdAt * revision) % 11) * 300 }),
        costRevision: revision,
      };
      const walked: string[] = [];
      queue.walk(ctx, undefined, (j) => (walked.push(j.id), true));
      const kept = queue.order(ctx).map((j) => j.id);
      expect(kept).toEqual(walked);
      if (step % 25 === 0) expect(kept).toEqual(naiveOrder([...all.values()], ctx).map((j) => j.id));
    }
  });
});

describe('job ids', () => {
  it('sort by creation even within one millisecond, and are RFC 9562 version 7 UUIDs', () => {
    const newId = uuidv7Factory(() => 1_760_000_000_000);
    const ids = Array.from({ length: 5000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 10))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
