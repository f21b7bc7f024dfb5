/**
 * The queue as people see it, with a long queue: 10,000 waiting jobs from 500 users behind two running on the
 * fake ComfyUI (held). Each snapshot orders the queue fairly, gives every waiting job its exact place, its
 * reason and its expected start (simulated from the measured GPU time of earlier runs), and builds the
 * views of the front of the line and of one user's own jobs — what `jobs.queue` answers to the Queue page and to
 * a Discord user. Target: p99 < 5 ms per snapshot. Every tenth snapshot follows a change (the plan is made again);
 * it also prints what a snapshot costs after a run ends, when the estimates change and every user is placed again.
 *
 *   npx tsx bench/queue-snapshot.ts [jobs=10000] [users=500] [snapshots=200]
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { workOf } from '@core/jobs/estimates';
import { startHarness } from '@test/core/jobs/harness';

const JOBS = Number(process.argv[2] ?? 9_998);
const USERS = Number(process.argv[3] ?? 500);
const SNAPSHOTS = Number(process.argv[4] ?? 200);
/** Snapshots first taken unmeasured: both paths (the kept plan, and a rebuild five times) compiled and settled. */
const WARM = 50;

/** A full garbage collection now (V8's `gc`, exposed for this process only). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<void> {
  const h = await startHarness({ perUserLimit: 100, fake: { script: { msPerStep: 0, hold: true } } });
  try {
    h.store.settings.update({ queue: { globalLimit: 10_000 } });
    const params = { steps: 20, width: 1024, height: 1024 };
    for (let i = 0; i < 20; i++) {
      h.engine.estimator.add({
        workflow: 'sdxl-txt2img',
        backendId: h.backend.id,
        execMs: 9_000 + 100 * i,
        work: workOf(params),
      });
    }
    const t0 = performance.now();
    for (let i = 0; i < JOBS; i++) {
      h.engine.submit({
        workflow: 'sdxl-txt2img',
        prompt: `job ${i}`,
        params,
        source: 'discord',
        userId: `user-${i % USERS}`,
        guildId: 'g1',
        channelId: 'c1',
      });
    }
    await h.fake.waitForHeld();
    console.log(
      `queue-snapshot: ${JOBS} jobs from ${USERS} users queued in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Queueing 10,000 jobs at once leaves the garbage collector busy for a while: the heap is collected, then the
    // warm-up runs past the sweeping that follows, so what is measured is a running app, not that one-off storm.
    collectGarbage();
    const times: number[] = [];
    const rebuilt: number[] = [];
    /** CPU time of this process per snapshot: what the code costs, whatever else the machine runs. */
    const cpuMs: number[] = [];
    let shown = 0;
    let yours = 0;
    for (let i = 0; i < SNAPSHOTS + WARM; i++) {
      // Every tenth snapshot follows a change (a job queued and cancelled): the plan is computed again.
      const changed = i % 10 === 0;
      if (changed) {
        const extra = h.engine.submit({
          workflow: 'sdxl-txt2img',
          prompt: 'one more',
          params,
          source: 'discord',
          userId: 'user-0',
        });
        await h.engine.cancel(extra.id);
        await new Promise((r) => setImmediate(r));
      }
      // Alternately what the desktop's Queue page asks and what one Discord user asks (their own jobs included,
      // wherever they are in line).
      const user = `user-${i % USERS}`;
      const cpu = process.cpuUsage();
      const start = performance.now();
      const snap = i % 2 === 0 ? h.engine.snapshot() : h.engine.snapshot({ include: (job) => job.userId === user });
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (i >= WARM) {
        (changed ? rebuilt : times).push(ms);
        cpuMs.push((used.user + used.system) / 1000);
      }
      if (i % 2 === 0) shown = snap.active.length;
      else yours = snap.active.filter((a) => a.job.userId === user).length;
    }
    // A run ending teaches the estimator: every job's expected cost may change, so everyone is placed again.
    const learned: number[] = [];
    for (let i = 0; i < 30; i++) {
      h.engine.estimator.add({ workflow: 'sdxl-txt2img', backendId: h.backend.id, execMs: 9_000 + 37 * i, work: 1 });
      const start = performance.now();
      h.engine.snapshot();
      if (i >= 5) learned.push(performance.now() - start);
    }
    const plan = h.engine.plan();
    const positions = plan.toArray().flatMap((p) => (p.position === null ? [] : [p.position]));
    const exact = positions.every((p, i) => p === i + 1);
    const estimated = positions.filter((_, i) => plan.waitAt(plan.running + i)?.startsInMs != null).length;
    console.log(
      `  ${positions.length} waiting jobs, ${estimated} with a start estimate; places 1..${positions.length} exact: ${exact}`,
    );
    console.log(
      `  each snapshot plans the whole line and describes the front (${shown} jobs) and, for a Discord user, ` +
        `all of theirs (${yours})`,
    );
    const all = [...times, ...rebuilt];
    console.log(
      `  snapshot (fair order + places + reasons + estimates + views): p50 ${percentile(all, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(all, 99).toFixed(2)} ms, max ${Math.max(...all).toFixed(2)} ms  ->  ` +
        `${percentile(all, 99) < 5 ? 'PASS' : 'FAIL'} (target p99 < 5 ms)`,
    );
    console.log(
      `    of which right after a change (plan rebuilt): p50 ${percentile(rebuilt, 50).toFixed(2)} ms, ` +
        `max ${Math.max(...rebuilt).toFixed(2)} ms; otherwise the kept plan: p50 ${percentile(times, 50).toFixed(2)} ms`,
    );
    console.log(
      `    CPU time per snapshot (unaffected by other processes): p50 ${percentile(cpuMs, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(cpuMs, 99).toFixed(2)} ms`,
    );
    console.log(
      `    after a run ends (estimates learned, every user placed again): p50 ${percentile(learned, 50).toFixed(2)} ms, ` +
        `max ${Math.max(...learned).toFixed(2)} ms`,
    );
    for (const job of h.store.jobs.byStatus(['queued', 'submitted', 'running']))
      void h.engine.cancel(job.id).catch(() => {});
    h.fake.setScript({ hold: false });
    h.fake.release();
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
