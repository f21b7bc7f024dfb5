/**
 * Jobs on the launched ComfyUI when the launcher gives up restarting it (the stand-in main.py dies, its restart
 * fails before it is ready): they end at once — queued again once when another ComfyUI can take them, failed with
 * the reason otherwise — instead of hanging "running" (the wait of queue.unreachableSeconds is set far off here,
 * so only giving up can end them).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import type { Job } from '@shared/jobs';
import { GONE_HINT } from '@core/jobs/backend-gone';
import { until } from '../comfy/backends/helpers';
import { it, launched } from '../comfy/launch/launch-fixtures';

const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

const sdxl = (prompt: string) => ({ workflow: 'sdxl-txt2img', prompt, params: { steps: 4, width: 512, height: 512 } });

/** The job once `want` holds for it (checked on every job.changed). */
function jobUntil(core: Core, id: string, want: (job: Job) => boolean): Promise<Job> {
  return new Promise((resolve) => {
    const now = core.store.jobs.get(id);
    if (now && want(now)) return resolve(now);
    const off = core.events.on('job.changed', (job) => {
      if (job.id === id && want(job)) {
        off();
        resolve(job);
      }
    });
  });
}

const ended = (j: Job) => ['done', 'failed', 'cancelled'].includes(j.status);

/** A core on the launched stand-in whose only restart fails; two jobs on it (one running, held; one waiting). */
async function twoJobsOnLaunched(core: Core, comfy: { waitForHeld(): Promise<string> }) {
  core.store.settings.update({ queue: { unreachableSeconds: 3600 } });
  await core.start();
  await until(core.comfy, () => launched(core)?.status === 'idle');
  const running = await core.api.call('jobs.submit', sdxl('running when it died'));
  const waiting = await core.api.call('jobs.submit', sdxl('waiting when it died'));
  await comfy.waitForHeld();
  await jobUntil(core, running.id, (j) => j.status === 'running');
  await jobUntil(core, waiting.id, (j) => j.status === 'submitted');
  return { running, waiting, pid: core.comfy.launchStatus().pid! };
}

describe.skipIf(!hasPython)('the launcher gives up on the ComfyUI that held jobs', () => {
  it('with no other ComfyUI, its jobs fail at once saying why', async ({
    comfy,
    install,
    equippedModels,
    launchCore,
  }) => {
    comfy.setModels(equippedModels);
    comfy.setScript({ hold: true });
    const core = launchCore(
      { COMFYDESK_COMFY_PATH: install.comfyDir, COMFYDESK_COMFY_AUTOLAUNCH: '1' },
      'ready,exit-early',
      {
        launcher: { restart: { baseDelayMs: 1, maxAttempts: 1 } },
      },
    );
    const { running, waiting, pid } = await twoJobsOnLaunched(core, comfy);

    await comfy.crash();
    process.kill(pid, 'SIGKILL');
    for (const id of [running.id, waiting.id]) {
      const job = await jobUntil(core, id, ended);
      expect(job.status).toBe('failed');
      expect(job.error).toBe('ComfyUI exited (code 1) before it was ready, and ComfyDesk gave up after 1 restart.');
      expect(job.errorHint).toBe(GONE_HINT);
    }
    expect(core.comfy.launchStatus()).toMatchObject({ state: 'crashed', gaveUp: true });
    // A job asked for now waits for a ComfyUI (and can be cancelled) like any other.
    const later = await core.api.call('jobs.submit', sdxl('after it died'));
    expect(await core.api.call('jobs.cancel', { id: later.id })).toMatchObject({ action: 'removed' });
  });

  it('with another ComfyUI online, its jobs run there (queued again once) and finish', async ({
    comfy,
    startComfy,
    install,
    equippedModels,
    launchCore,
  }) => {
    comfy.setModels(equippedModels);
    comfy.setScript({ hold: true });
    const other = await startComfy({ models: equippedModels });
    const core = launchCore(
      { COMFYDESK_COMFY_PATH: install.comfyDir, COMFYDESK_COMFY_AUTOLAUNCH: '1' },
      'ready,exit-early',
      {
        launcher: { restart: { baseDelayMs: 1, maxAttempts: 1 } },
      },
    );
    const { running, waiting, pid } = await twoJobsOnLaunched(core, comfy);
    const second = await core.api.call('backends.add', { url: other.url });
    await until(core.comfy, () => core.comfy.summaries().find((b) => b.id === second.id && b.status === 'idle'));

    await comfy.crash();
    process.kill(pid, 'SIGKILL');
    for (const id of [running.id, waiting.id]) {
      const job = await jobUntil(core, id, ended);
      expect(job).toMatchObject({ status: 'done', attempts: 1, backendId: second.id });
      const retry = core.store.jobs.transitions(id).find((t) => t.to === 'queued' && t.reason?.startsWith('retry'));
      expect(retry?.reason).toBe(
        'retry: ComfyUI exited (code 1) before it was ready, and ComfyDesk gave up after 1 restart.',
      );
    }
  });
});
