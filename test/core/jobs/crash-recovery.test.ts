/**
 * The headless core is killed with SIGKILL in the middle of a queue while the (fake) ComfyUI keeps running; a new
 * core on the same data finishes the queue. Every job ends exactly once, with exactly one output, and no prompt
 * runs twice on ComfyUI.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import type { Job } from '@shared/jobs';
import { test } from '@test/helpers/fixtures';
import { runHeadless, sigkill, type Headless } from '@test/helpers/headless';

type Running = Headless;

/** `npm run serve` in a child process on `dataDir`, ComfyUI at `comfyUrl`, and an API client; killed after the test. */
const it = test.extend<{ startHeadless: (dataDir: string, comfyUrl: string) => Promise<Running> }>({
  startHeadless: async ({ defer }, use) =>
    use((dataDir, comfyUrl) => runHeadless(dataDir, { COMFYDESK_COMFY_URLS: comfyUrl }, defer)),
});

/** Resolves when `test` holds for the jobs, checked on every job.changed event (and once at the start). */
function jobsUntil(run: Running, ids: string[], test: (jobs: Map<string, Job>) => boolean): Promise<Map<string, Job>> {
  return new Promise((resolve, reject) => {
    const jobs = new Map<string, Job>();
    let done = false;
    const check = () => {
      if (!done && jobs.size === ids.length && test(jobs)) {
        done = true;
        off();
        resolve(jobs);
      }
    };
    const off = run.api.on('job.changed', (job) => {
      if (!ids.includes(job.id)) return;
      jobs.set(job.id, job);
      check();
    });
    Promise.all(ids.map((id) => run.api.call('jobs.get', { id })))
      .then((list) => {
        for (const job of list)
          if (!jobs.has(job.id) || jobs.get(job.id)!.updatedAt <= job.updatedAt) jobs.set(job.id, job);
        check();
      })
      .catch(reject);
  });
}

const ENDED = ['done', 'failed', 'cancelled'];

describe('crash recovery', () => {
  it('a SIGKILLed core restarted on the same data ends every job exactly once', async ({
    startComfy,
    equippedModels,
    tempDir,
    startHeadless,
    defer,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { msPerStep: 40 } });
    const dataDir = tempDir('comfydesk-crash-');

    const first = await startHeadless(dataDir, fake.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await first.api.call('jobs.submit', {
        workflow: 'sdxl-txt2img',
        prompt: `crash test ${i}`,
        params: { steps: 4, width: 512, height: 512 },
      });
      ids.push(job.id);
    }
    // Mid-queue: something finished, something is on ComfyUI, something still waits in our queue.
    await jobsUntil(first, ids, (jobs) => {
      const s = [...jobs.values()].map((j) => j.status);
      return s.includes('done') && s.some((x) => x === 'submitted' || x === 'running') && s.includes('queued');
    });
    await sigkill(first);
    first.transport.close();

    const second = await startHeadless(dataDir, fake.url);
    const final = await jobsUntil(second, ids, (jobs) => [...jobs.values()].every((j) => ENDED.includes(j.status)));
    expect([...final.values()].map((j) => j.status)).toEqual(ids.map(() => 'done'));
    const stopped = once(second.child, 'exit');
    second.child.kill('SIGTERM');
    await stopped;

    const db = new Database(join(dataDir, 'comfydesk.db'), { readonly: true });
    defer(() => {
      db.close();
    });
    for (const id of ids) {
      const ended = db
        .prepare(
          "SELECT COUNT(*) AS n FROM job_transitions WHERE job_id = ? AND to_state IN ('done','failed','cancelled')",
        )
        .get(id) as { n: number };
      expect(ended.n, `ended transitions of ${id}`).toBe(1);
      const outputs = db.prepare('SELECT COUNT(*) AS n FROM outputs WHERE job_id = ?').get(id) as { n: number };
      expect(outputs.n, `outputs of ${id}`).toBe(1);
    }
    // No job ran twice on ComfyUI: one executed prompt per job (by the filename prefix the engine sets).
    const runsPerJob = new Map<string, number>();
    for (const p of fake.prompts) {
      const graph = p.prompt as Record<string, { inputs: Record<string, unknown> }>;
      const prefix = Object.values(graph)
        .map((n) => n.inputs.filename_prefix)
        .find((v): v is string => typeof v === 'string');
      const jobId = prefix?.replace('ComfyDesk/', '');
      if (jobId) runsPerJob.set(jobId, (runsPerJob.get(jobId) ?? 0) + 1);
    }
    for (const id of ids) expect(runsPerJob.get(id), `prompts of ${id}`).toBe(1);
  }, 60_000);
});
