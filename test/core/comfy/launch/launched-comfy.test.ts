/**
 * The launched ComfyUI inside the core, with the stand-in main.py of the launcher tests. The stand-in prints
 * ComfyUI's startup lines and the ready line for the port it is given; the API behind that port is a fake
 * ComfyUI started by the test on the same port (the launcher is told to use it), so the backend really connects.
 */
import { describe, expect } from 'vitest';
import type { HealthSummary } from '@shared/api/health';
import { isAlive, systemPython } from './supervisor-helpers';
import { until } from '../backends/helpers';
import { it, launched, recordStatuses } from './launch-fixtures';

/** `python` on Windows, `python3` elsewhere: what the launcher finds on PATH. */
const hasPython = systemPython() !== null;

describe.skipIf(!hasPython)('the launched ComfyUI in the core', () => {
  it('becomes an idle backend once ready, follows a crash and the restart, and stops with the core', async ({
    comfy,
    install,
    launchCore,
  }) => {
    const core = launchCore({});
    await core.start();
    await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir, extraArgs: ['--cpu'] });
    const logs: string[] = [];
    core.events.on('comfy.log', (l) => logs.push(l.text));
    const states: string[] = [];
    core.events.on('comfy.launcher', (l) => states.push(l.state));
    const overall: Array<HealthSummary['comfy']['status']> = [];
    core.events.on('health.changed', (h) => overall.push(h.comfy.status));

    const started = await core.api.call('comfy.start', {});
    expect(started).toMatchObject({ state: 'running', url: comfy.url, error: null, restartNeeded: false });
    expect(install.runInfo(1).argv).toContain('--cpu');
    expect(overall[0]).toBe('starting');
    const summary = await until(core.comfy, () => {
      const b = launched(core);
      return b?.status === 'idle' && b.version !== null ? b : null;
    });
    expect(summary).toMatchObject({
      url: comfy.url,
      name: 'ComfyUI (launched by ComfyDesk)',
      enabled: true,
      version: '0.3.64',
    });
    expect(core.comfy.launchStatus().backendId).toBe(summary.id);
    expect(logs).toContain(`To see the GUI go to: ${comfy.url}`);
    const tail = (await core.api.call('comfy.logTail', {})).lines;
    expect(tail.map((l) => l.text)).toEqual(logs);
    expect(tail.find((l) => l.text === 'ComfyUI version: 0.3.64')).toMatchObject({
      stream: 'stderr',
      at: expect.any(Number),
    });

    // Crash: the server goes away and the process dies; the backend shows starting while the launcher restarts it.
    const statuses = recordStatuses(core);
    await comfy.crash();
    process.kill(started.pid!, 'SIGKILL');
    await until(core.comfy, () => statuses.includes('starting'));
    await comfy.restart();
    await until(core.comfy, () => launched(core)?.status === 'idle' && core.comfy.launchStatus().state === 'running');
    expect(statuses[0]).toBe('offline');
    expect(statuses.at(-1)).toBe('idle');
    expect(states).toEqual(expect.arrayContaining(['starting', 'running', 'crashed']));
    expect(install.runInfo(2).mode).toBe('ready');
    const pid = core.comfy.launchStatus().pid!;
    expect(pid).not.toBe(started.pid);
    expect(isAlive(pid)).toBe(true);

    // Changed settings apply at the next restart.
    const view = await core.api.call('comfy.setLaunchSettings', { extraArgs: ['--lowvram'] });
    expect(view.launcher.restartNeeded).toBe(true);

    await core.stop();
    expect(isAlive(pid)).toBe(false);
    expect(core.comfy.launchStatus().state).toBe('stopped');
  });

  it('launches at start when auto launch is set and nothing runs; next time the remembered backend shows starting', async ({
    comfy,
    install,
    launchCore,
  }) => {
    const env = { COMFYDESK_COMFY_PATH: install.comfyDir, COMFYDESK_COMFY_AUTOLAUNCH: '1' };
    const first = launchCore(env);
    const starting = new Promise<void>((resolve) => {
      const off = first.events.on('health.changed', (h) => h.comfy.status === 'starting' && (off(), resolve()));
    });
    await first.start();
    await starting;
    await until(first.comfy, () => launched(first)?.status === 'idle');
    const id = launched(first)!.id;
    await first.stop();
    expect(first.comfy.launchStatus().state).toBe('stopped');

    // Second run: the API is down until the launched process is ready; the known backend shows 'starting'.
    await comfy.crash();
    const second = launchCore(env);
    const statuses = recordStatuses(second);
    await second.start();
    await until(second.comfy, () => statuses.includes('starting'));
    await comfy.restart();
    await until(second.comfy, () => launched(second)?.status === 'idle');
    expect(launched(second)!.id).toBe(id);
    expect(second.store.backends.list()).toHaveLength(1);
  });

  it('switching auto launch on in the settings launches it; comfy.restart starts a new process on the same backend', async ({
    install,
    launchCore,
  }) => {
    const core = launchCore({});
    await core.start();
    const view = await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir, autoLaunch: true });
    expect(view).toMatchObject({ autoLaunch: true, launcher: { state: 'starting' } });
    await until(core.comfy, () => launched(core)?.status === 'idle');
    const before = core.comfy.launchStatus();
    const after = await core.api.call('comfy.restart', {});
    expect(after).toMatchObject({ state: 'running', backendId: before.backendId });
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(before.pid!)).toBe(false);
    await until(core.comfy, () => launched(core)?.status === 'idle');
    expect(core.store.backends.list()).toHaveLength(1);
  });

  it('core.stop() during an automatic launch stops the booting ComfyUI at once', async ({ install, launchCore }) => {
    const core = launchCore({ COMFYDESK_COMFY_PATH: install.comfyDir, COMFYDESK_COMFY_AUTOLAUNCH: 'true' }, 'hang');
    const firstLine = new Promise<void>((resolve) => {
      const off = core.events.on('comfy.log', () => (off(), resolve()));
    });
    await core.start();
    await firstLine;
    const booting = core.comfy.launchStatus();
    expect(booting.state).toBe('starting');
    await core.stop();
    expect(isAlive(booting.pid!)).toBe(false);
    expect(core.comfy.launchStatus().state).toBe('stopped');
  });

  it('reports a ComfyUI that exits before it is ready with its last output, and its backend does not stay starting', async ({
    comfy,
    install,
    launchCore,
  }) => {
    const core = launchCore({ COMFYDESK_COMFY_PATH: install.comfyDir }, 'ready,exit-early');
    await core.start();
    await core.api.call('comfy.start', {});
    await until(core.comfy, () => launched(core)?.status === 'idle');
    expect(await core.api.call('comfy.stop', {})).toMatchObject({ state: 'stopped', pid: null });
    await comfy.crash();
    const statuses = recordStatuses(core);

    const res = await core.api.dispatch('comfy.start', {}, { caller: 'test' });
    expect(res).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    if (!res.ok)
      expect(res.error.message).toMatch(
        /exited \(code 1\) before it was ready[\s\S]*cannot find the module 'torch'[\s\S]*No module named 'torch'/,
      );
    expect(core.comfy.launchStatus()).toMatchObject({ state: 'crashed', error: expect.stringMatching(/torch/) });
    await until(core.comfy, () => launched(core)?.status === 'offline');
    expect(statuses).toContain('starting');
    expect(statuses.at(-1)).toBe('offline');
  });
});
