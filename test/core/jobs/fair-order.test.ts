import { describe, expect, it } from 'vitest';
import { FairQueue, fairOrder } from '@core/jobs/fair-order';
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

describe('fairOrder', () => {
  it('interleaves 3 users with 10 jobs each, round robin, whatever order they arrived in', () => {
    const jobs: Job[] = [];
    // alice floods first, then bob, then carol.
    for (let i = 0; i < 10; i++) jobs.push(job('alice', i));
    for (let i = 0; i < 10; i++) jobs.push(job('bob', 100 + i));
    for (let i = 0; i < 10; i++) jobs.push(job('carol', 200 + i));
    const order = fairOrder(jobs, { desktopPriority: true, lastServed: new Map() }).map((j) => j.userId);
    expect(order.slice(0, 6)).toEqual(['alice', 'bob', 'carol', 'alice', 'bob', 'carol']);
    for (let i = 0; i < 30; i += 3) expect(new Set(order.slice(i, i + 3)).size).toBe(3);
    // Within a user, first in first out.
    const alice = fairOrder(jobs, { desktopPriority: true, lastServed: new Map() }).filter((j) => j.userId === 'alice');
    expect(alice.map((j) => j.createdAt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('serves the user who waited longest since their last turn first', () => {
    const jobs = [job('alice', 1), job('bob', 2), job('carol', 3)];
    const lastServed = new Map([
      ['alice', 10],
      ['bob', 5],
    ]);
    expect(fairOrder(jobs, { desktopPriority: false, lastServed }).map((j) => j.userId)).toEqual([
      'carol',
      'bob',
      'alice',
    ]);
  });

  it("puts the desktop user's jobs first when the setting asks, and in turn otherwise", () => {
    const jobs = [job('alice', 1), job('desktop', 5, { source: 'desktop' }), job('bob', 2)];
    expect(fairOrder(jobs, { desktopPriority: true, lastServed: new Map() }).map((j) => j.userId)).toEqual([
      'desktop',
      'alice',
      'bob',
    ]);
    expect(fairOrder(jobs, { desktopPriority: false, lastServed: new Map() }).map((j) => j.userId)).toEqual([
      'alice',
      'bob',
      'desktop',
    ]);
  });

  it('returns every job exactly once', () => {
    const jobs = Array.from({ length: 50 }, (_, i) => job(`u${i % 7}`, i));
    const order = fairOrder(jobs, { desktopPriority: true, lastServed: new Map([['u3', 1]]) });
    expect(order).toHaveLength(50);
    expect(new Set(order.map((j) => j.id)).size).toBe(50);
  });
});

describe('FairQueue', () => {
  it('keeps the same order as fairOrder while jobs come, change class and go, with and without skipped jobs', () => {
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const queue = new FairQueue();
    const all = new Map<string, Job>();
    const lastServed = new Map<string, number>();
    for (let step = 0; step < 600; step++) {
      const roll = random(10);
      if (roll < 6 || all.size === 0) {
        const job = makeJob(`j${step}`, {
          userId: `u${random(12)}`,
          createdAt: random(1_000),
          // Mostly the default class, so both the one-class path and the mixed one are taken.
          priority: step > 300 && random(5) === 0 ? 1 : 0,
          source: step > 450 && random(6) === 0 ? 'desktop' : 'discord',
        });
        all.set(job.id, job);
        queue.set(job);
      } else if (roll < 8) {
        const job = [...all.values()][random(all.size)]!;
        all.delete(job.id);
        queue.delete(job);
      } else {
        const job = [...all.values()][random(all.size)]!;
        const changed = { ...job, priority: job.priority === 0 ? 2 : 0 };
        all.set(job.id, changed);
        queue.set(changed);
        lastServed.set(job.userId, step);
      }
      const options = { desktopPriority: step % 2 === 0, lastServed };
      const skipped = (job: Job): boolean => job.id.endsWith('3');
      expect(queue.size).toBe(all.size);
      expect(queue.order(options).map((j) => j.id)).toEqual(fairOrder([...all.values()], options).map((j) => j.id));
      expect(queue.order(options, skipped).map((j) => j.id)).toEqual(
        fairOrder(
          [...all.values()].filter((j) => !skipped(j)),
          options,
        ).map((j) => j.id),
      );
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
