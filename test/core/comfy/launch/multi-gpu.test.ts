/**
 * ComfyUI launched on several GPUs inside the core: one stand-in main.py per chosen GPU (`--cuda-device N`), each
 * on a port the launcher chose (a fake ComfyUI answers the API there), each its own backend; jobs spread over them;
 * one crashing restarts alone; a GPU taken out of the settings stops its ComfyUI and its job runs on the other.
 */
import { describe, expect } from 'vitest';
import type { LauncherStatus } from '@shared/api/backends';
import type { Core } from '@core/app';
import type { FakeComfy } from '@test/fakes/comfyui';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import { until } from '../backends/helpers';
import { isAlive, reaped, systemPython } from './supervisor-helpers';
import { it } from './launch-fixtures';
import { argvOn, BACKEND, fakesOnLaunchPorts, LAUNCHER, scriptedGpus, TWO_GPUS } from './gpu-kit';

const hasPython = systemPython() !== null;

const launchedBackends = (core: Core) =>
  core.comfy
    .summaries()
    .filter((b) => b.kind === 'launched')
    .sort((a, b) => a.name.localeCompare(b.name));
const online = (s: string) => s === 'idle' || s === 'busy';
const job = (core: Core, prompt: string) =>
  core.api.call('jobs.submit', {
    workflow: 'sdxl-txt2img',
    prompt,
    params: { steps: 4, width: 512, height: 512 },
  });

/** The job once `want` holds for it (checked on every job.changed). */
function jobUntil(core: Core, id: string, want: (status: string) => boolean) {
  return new Promise<NonNullable<ReturnType<Core['store']['jobs']['get']>>>((resolve) => {
    const now = core.store.jobs.get(id);
    if (now && want(now.status)) return resolve(now);
    const off = core.events.on('job.changed', (j) => {
      if (j.id === id && want(j.status)) {
        off();
        resolve(core.store.jobs.get(id)!);
      }
    });
  });
}

const ended = (s: string) => ['done', 'failed', 'cancelled'].includes(s);

/**
 * Three jobs on two GPUs whose fake ComfyUIs hold each prompt: the first GPU takes the first (running) and the next
 * (waiting there, its model is loaded); the third goes to the other GPU. Resolves once both hold one.
 */
async function spread(core: Core, fakes: readonly FakeComfy[]) {
  const jobs = [];
  for (const n of [1, 2, 3]) jobs.push(await job(core, `fox number ${n}`));
  await Promise.all(fakes.map((f) => f.waitForHeld()));
  return jobs;
}

interface TwoGpus {
  core: Core;
  /** comfy.start's answer. */
  status: LauncherStatus;
  backends: ReturnType<typeof launchedBackends>;
  fakeOf(device: number): Promise<FakeComfy>;
}

/** A started core on the stand-in install with GPUs 0 and 1 chosen and running, a held fake ComfyUI on each one's port. */
const test = it.extend<{ twoGpus: () => Promise<TwoGpus> }>({
  twoGpus: async ({ install, makeCore, startComfy, equippedModels }, use) =>
    use(async () => {
      const core = makeCore({
        env: { COMFYDESK_COMFY_PATH: install.comfyDir },
        workflowsDir: BUNDLED_DIR,
        comfy: { launcher: LAUNCHER, backend: BACKEND, gpuRunner: scriptedGpus(TWO_GPUS) },
      });
      const fakes = fakesOnLaunchPorts(core, (port) =>
        startComfy({ port, models: equippedModels, script: { msPerStep: 1, hold: true } }),
      );
      await core.start();
      await core.api.call('comfy.setLaunchSettings', { cudaDevices: [1, 0] });
      const status = await core.api.call('comfy.start', {});
      const backends = await until(core.comfy, () => {
        const list = launchedBackends(core);
        return list.length === 2 && list.every((b) => online(b.status) && b.version) ? list : null;
      });
      const fakeOf = (device: number) => {
        const port = core.comfy.launchStatus().instances.find((i) => i.device === device)!.port!;
        return fakes.get(port)!;
      };
      return { core, status, backends, fakeOf };
    }),
});

describe.skipIf(!hasPython)('ComfyUI launched on two GPUs', () => {
  test('launches one ComfyUI per GPU with --cuda-device on its own port; both are backends and share the jobs', async ({
    install,
    twoGpus,
  }) => {
    const { core, status, backends, fakeOf } = await twoGpus();

    expect(status.state).toBe('running');
    expect(status.instances.map((i) => [i.device, i.name, i.state, i.restarts])).toEqual([
      [0, 'GPU 0 · RTX 4090', 'running', 0],
      [1, 'GPU 1 · RTX 3060', 'running', 0],
    ]);
    const [gpu0, gpu1] = status.instances;
    expect(gpu0!.port).not.toBe(gpu1!.port);
    const runs = [install.runInfo(1), install.runInfo(2)];
    expect(argvOn(runs, gpu0!.port)?.slice(-2)).toEqual(['--cuda-device', '0']);
    expect(argvOn(runs, gpu1!.port)?.slice(-2)).toEqual(['--cuda-device', '1']);
    expect(install.runs()).toBe(2);
    expect(backends.map((b) => [b.name, b.url])).toEqual([
      ['GPU 0 · RTX 4090 (launched)', `http://127.0.0.1:${gpu0!.port}`],
      ['GPU 1 · RTX 3060 (launched)', `http://127.0.0.1:${gpu1!.port}`],
    ]);
    expect(status.instances.map((i) => i.backendId)).toEqual(backends.map((b) => b.id));
    expect(core.store.backends.list().map((r) => r.device)).toEqual(expect.arrayContaining([0, 1]));

    // Each ComfyUI's log is its own; the whole log has both.
    const tail0 = (await core.api.call('comfy.logTail', { device: 0 })).lines;
    expect(tail0.every((l) => l.device === 0)).toBe(true);
    expect(tail0.some((l) => l.text.includes(`port ${gpu0!.port})`))).toBe(true);
    const all = (await core.api.call('comfy.logTail', {})).lines;
    expect(new Set(all.map((l) => l.device))).toEqual(new Set([0, 1]));

    // Jobs: while the first GPU holds its running prompt and the next one waiting there, the third runs on the other.
    const fakes = await Promise.all([fakeOf(0), fakeOf(1)]);
    const jobs = await spread(core, fakes);
    expect(new Set(jobs.map((j) => core.store.jobs.get(j.id)!.backendId))).toEqual(new Set(backends.map((b) => b.id)));
    for (const fake of fakes) {
      fake.setScript({ msPerStep: 1, hold: false });
      fake.release();
    }
    for (const j of jobs) expect((await jobUntil(core, j.id, ended)).status).toBe('done');
  }, 60_000);

  test('a GPU whose ComfyUI dies restarts alone; taken out of the settings it stops and its job runs on the other', async ({
    twoGpus,
  }) => {
    const { core, status, backends, fakeOf } = await twoGpus();
    const [gpu0, gpu1] = status.instances;

    // GPU 1's process dies: only it is restarted (its own supervisor), on another port, with the same record.
    process.kill(gpu1!.pid!, 'SIGKILL');
    const restarted = await until(core.comfy, () => {
      const i = core.comfy.launchStatus().instances[1]!;
      return i.state === 'running' && i.restarts === 1 && i.pid !== gpu1!.pid ? i : null;
    });
    expect(core.comfy.launchStatus().instances[0]).toMatchObject({ pid: gpu0!.pid, restarts: 0, state: 'running' });
    expect(isAlive(gpu0!.pid!)).toBe(true);
    expect(restarted.backendId).toBe(gpu1!.backendId);
    await until(core.comfy, () => {
      const b = core.comfy.summaries().find((s) => s.id === gpu1!.backendId);
      return b && b.url === `http://127.0.0.1:${restarted.port}` && online(b.status);
    });
    expect(launchedBackends(core)).toHaveLength(2);

    // Jobs held on both GPUs, then GPU 1 is taken out: its ComfyUI stops, its record is disabled, its job moves.
    const [fake0, fake1] = await Promise.all([fakeOf(0), fakeOf(1)]);
    const jobs = await spread(core, [fake0, fake1]);
    const onGpu1 = jobs.filter((j) => core.store.jobs.get(j.id)!.backendId === gpu1!.backendId);
    expect(onGpu1.length).toBeGreaterThan(0);

    // Its jobs leave it at once (queued again, once), before its ComfyUI has stopped.
    const moved = onGpu1.map((j) => jobUntil(core, j.id, (s) => s !== 'submitted' && s !== 'running'));
    const view = await core.api.call('comfy.setLaunchSettings', { cudaDevices: [0] });
    expect(view.launcher.instances.map((i) => i.device)).toEqual([0]);
    for (const m of await Promise.all(moved))
      expect(m).toMatchObject({ status: 'queued', attempts: 1, backendId: null });
    expect(await reaped(restarted.pid!)).toBe(true);
    await until(core.comfy, () => core.comfy.summaries().find((s) => s.id === gpu1!.backendId)?.enabled === false);
    fake0.setScript({ msPerStep: 1, hold: false });
    fake0.release();
    for (const j of jobs)
      expect(await jobUntil(core, j.id, ended)).toMatchObject({ status: 'done', backendId: backends[0]!.id });
    expect(core.comfy.launchStatus().instances[0]).toMatchObject({ pid: gpu0!.pid, state: 'running' });

    // Chosen again: the same record comes back enabled, with a ComfyUI started for it.
    await core.api.call('comfy.setLaunchSettings', { cudaDevices: [0, 1] });
    await until(core.comfy, () => {
      const b1 = core.comfy.summaries().find((s) => s.id === gpu1!.backendId);
      return b1?.enabled && online(b1.status) && core.comfy.launchStatus().instances[1]?.state === 'running';
    });
    expect(launchedBackends(core)).toHaveLength(2);
  }, 60_000);
});
