/**
 * The launched ComfyUI is killed mid-job and the launcher restarts it: once the new run is ready, the backend's
 * WebSocket connects at once (the launcher's "ready" asks ComfyUI, and the answer reconnects the socket), so the
 * job's live progress comes right away instead of after the socket's backoff. The backoff here is two minutes
 * (the jitter's random fixed high), far beyond the test's time limit: only the reconnect on "ready" can be quick.
 */
import { describe, expect } from 'vitest';
import type { EventPayload } from '@shared/api';
import type { Core } from '@core/app';
import { until } from '../backends/helpers';
import { it, launched } from './launch-fixtures';
import { systemPython } from './supervisor-helpers';

/** Resolves once the job's status is one of `want` (checked on every job.changed). */
function jobReaches(core: Core, id: string, want: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    const now = core.store.jobs.get(id)?.status;
    if (now && want.includes(now)) return resolve(now);
    const off = core.events.on('job.changed', (j) => {
      if (j.id === id && want.includes(j.status)) {
        off();
        resolve(j.status);
      }
    });
  });
}

/** `python` on Windows, `python3` elsewhere: what the launcher finds on PATH. */
const hasPython = systemPython() !== null;

describe.skipIf(!hasPython)('the launched ComfyUI back after a crash', () => {
  it('its socket reconnects once the launcher says it is ready: the running job shows live progress at once', async ({
    startComfy,
    equippedModels,
    install,
    dataDir,
    makeCore,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { msPerStep: 30 } });
    const core = makeCore({
      dataDir,
      comfy: {
        launcher: {
          port: fake.port,
          pollIntervalMs: 0,
          env: { FAKE_PLAN: 'ready' },
          restart: { baseDelayMs: 1, maxAttempts: 3 },
          stopGraceMs: 5000,
        },
        backend: {
          socket: { backoffBaseMs: 120_000, backoffMaxMs: 120_000, backoffMinMs: 20 },
          random: () => 0.999,
        },
      },
    });
    await core.start();
    await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir });
    const first = await core.api.call('comfy.start', {});
    const id = (await until(core.comfy, () => (launched(core)?.status === 'idle' ? launched(core) : null))).id;
    const backend = core.comfy.get(id)!;

    const job = await core.api.call('jobs.submit', {
      workflow: 'sdxl-txt2img',
      prompt: 'a fox that waits for nobody',
      params: { steps: 60, width: 512, height: 512 },
    });
    await jobReaches(core, job.id, ['running']);

    // ComfyUI goes away (its API with it); the socket's next try is two minutes off. Then the API is back, and
    // the process is killed: the launcher restarts it.
    const closed = new Promise<void>((resolve) => backend.socket.once('close', () => resolve()));
    await fake.crash();
    await closed;
    await fake.restart();
    let connectedAtReady: boolean | null = null;
    core.events.on('comfy.launcher', (s) => {
      if (s.state === 'running' && s.pid !== first.pid && connectedAtReady === null)
        connectedAtReady = backend.socketConnected;
    });
    // The run on the ComfyUI that came back (its queue is empty: the job is lost there and runs again).
    const sampling = new Promise<EventPayload<'job.progress'>>((resolve) => {
      const off = core.events.on('job.progress', (p) => {
        // Only ComfyUI's socket tells the phase (sampling); its HTTP side knows only queued or done.
        if (p.jobId === job.id && p.phase === 'sampling' && core.store.jobs.get(job.id)!.attempts >= 1) {
          off();
          resolve(p);
        }
      });
    });
    process.kill(first.pid!, 'SIGKILL');

    const p = await sampling;
    expect(connectedAtReady).toBe(false); // nothing but the launcher's "ready" brought the socket back
    expect(backend.socketConnected).toBe(true);
    expect(p.status).toBe('running');
    expect(core.comfy.launchStatus()).toMatchObject({ state: 'running', error: null });
    expect(core.comfy.launchStatus().pid).not.toBe(first.pid);
    expect(await jobReaches(core, job.id, ['done', 'failed', 'cancelled'])).toBe('done');
  }, 30_000);
});
