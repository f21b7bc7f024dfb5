/**
 * Failover (issue 17): a backend killed mid-run with 5 jobs on it. Its jobs are queued again within 30 s of the
 * drop (injected clock), all 5 end exactly once on the other backend, and when the killed one comes back nothing
 * it still had is delivered a second time. When no other backend can take them, they stay past the 15 s and fail
 * once their backend has been silent for the queue's `unreachableSeconds` (backend-gone.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@test/helpers/fake-clock';
import { FAILOVER_MS } from '@core/jobs/failover';
import { startMultiHarness, type MultiHarness } from './multi-harness';
import { runGpus, settle } from './scripted-gpus';

const open: MultiHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const job = (i: number) => ({
  workflow: 'sdxl-txt2img',
  prompt: `heron ${i}`,
  params: { steps: 4, width: 512, height: 512 },
  userName: 'Ana',
});

describe('failover between backends', () => {
  it('moves the 5 jobs of a killed backend to the other one within 30 s; each ends once, there', async () => {
    const clock = new FakeClock();
    const h = await startMultiHarness({ count: 2, clock });
    open.push(h);
    const [fast, slow] = h.backends as [(typeof h.backends)[0], (typeof h.backends)[0]];
    const ms = [1_000, 20_000];
    // Warm up: both GPUs measured (the fast one 20 x faster).
    for (let i = 0; i < 4; i++) h.engine.submit(job(i));
    await runGpus(h, clock, { durationOf: (_j, gpu) => ms[gpu]! });

    // 5 jobs: the fast GPU finishes each soonest, so all 5 are its: 2 in its ComfyUI, 3 waiting for it.
    const ids = Array.from({ length: 5 }, (_, i) => h.engine.submit(job(10 + i)).id);
    await settle(h);
    const on = (backendId: string) => ids.filter((id) => h.store.jobs.get(id)!.backendId === backendId);
    expect(on(fast.id)).toHaveLength(2);
    expect(ids.filter((id) => h.store.jobs.get(id)!.status === 'queued')).toHaveLength(3);
    expect(h.engine.plan().jobs.filter((j) => ids.includes(j.id)).length).toBe(5);

    // Killed mid-run.
    const dropAt = clock.now();
    await h.fakes[0]!.crash();
    await h.until(() => fast.status !== 'idle' && fast.status !== 'busy');
    for (let t = 0; t < 30 && ids.some((id) => h.store.jobs.get(id)!.backendId === fast.id); t++) {
      clock.advance(1_000);
      await settle(h);
    }
    const requeuedAt = ids.flatMap((id) =>
      h.store.jobs
        .transitions(id)
        .filter((t) => t.to === 'queued' && t.from !== null)
        .map((t) => t.at),
    );
    expect(requeuedAt).toHaveLength(2);
    for (const at of requeuedAt) expect(at - dropAt).toBeLessThanOrEqual(30_000);
    expect(Math.max(...requeuedAt) - dropAt).toBeGreaterThanOrEqual(FAILOVER_MS);

    await runGpus(h, clock, { durationOf: (_j, gpu) => ms[gpu]! });
    for (const id of ids) {
      const j = h.store.jobs.get(id)!;
      expect(j.status).toBe('done');
      expect(j.backendId).toBe(slow.id);
      expect(h.store.jobs.transitions(id).filter((t) => t.to === 'done')).toHaveLength(1);
      expect(h.library.ingests.get(id)).toBe(1);
    }

    // The killed one comes back: nothing of the moved jobs is taken in again.
    await h.fakes[0]!.restart();
    while (fast.status !== 'idle') {
      clock.advance(500); // its reconnect waits on the clock
      await new Promise((r) => setTimeout(r, 5));
    }
    await settle(h);
    for (const id of ids) expect(h.library.ingests.get(id)).toBe(1);
  }, 60_000);

  it('leaves the jobs of a killed backend on it when no other can take them, and fails them at unreachableSeconds', async () => {
    const clock = new FakeClock();
    const h = await startMultiHarness({ count: 2, clock });
    open.push(h);
    h.store.settings.update({ queue: { unreachableSeconds: 60 } });
    const [first, second] = h.backends as [(typeof h.backends)[0], (typeof h.backends)[0]];
    const ids = Array.from({ length: 3 }, (_, i) => h.engine.submit(job(i)).id);
    await settle(h);
    const held = ids.filter((id) => h.store.jobs.get(id)!.backendId === first.id);
    expect(held.length).toBeGreaterThan(0);

    // Both ComfyUIs stop answering: nothing can take the first one's jobs.
    const dropAt = clock.now();
    await h.fakes[0]!.crash();
    await h.fakes[1]!.crash();
    await h.until(() => ![first, second].some((b) => b.status === 'idle' || b.status === 'busy'));
    while (clock.now() - dropAt < FAILOVER_MS + 10_000) {
      clock.advance(1_000);
      await settle(h);
    }
    for (const id of held) {
      const j = h.store.jobs.get(id)!;
      expect(j.backendId).toBe(first.id);
      expect(['submitted', 'running']).toContain(j.status);
    }

    while (held.some((id) => h.store.jobs.get(id)!.status !== 'failed') && clock.now() - dropAt < 70_000) {
      clock.advance(1_000);
      await settle(h);
    }
    for (const id of held) {
      const j = h.store.jobs.get(id)!;
      expect(j.status).toBe('failed');
      expect(j.error).toMatch(/has not answered for 6\d s/);
      const failedAt = h.store.jobs.transitions(id).find((t) => t.to === 'failed')!.at;
      expect(failedAt - dropAt).toBeGreaterThanOrEqual(60_000);
      expect(h.store.jobs.transitions(id).filter((t) => t.to === 'queued' && t.from !== null)).toHaveLength(0);
    }
  }, 60_000);
});
