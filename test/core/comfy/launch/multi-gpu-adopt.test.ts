/**
 * The core is SIGKILLed while it runs ComfyUI on two GPUs: the next start takes both over (two processes, the
 * same ports, no third launch), each as its own backend again, and stops both on quit. The first core is the real
 * headless server in a child process; each GPU's ComfyUI is the stand-in main.py with a fake ComfyUI on its port.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import { openStore } from '@core/store';
import { systemClock } from '@core/clock';
import { until } from '../backends/helpers';
import { isAlive, systemPython } from './supervisor-helpers';
import { it } from './launch-fixtures';
import { runHeadless, sigkill } from '@test/helpers/headless';
import { launchedOnline } from './headless-kit';
import { BACKEND, LAUNCHER } from './gpu-kit';

const hasPython = systemPython() !== null;
const RUN_MARK = /── ComfyDesk: run \d+: started ComfyUI \(pid \d+, port (\d+)\)/;

describe.skipIf(!hasPython)('after a crash of the app running ComfyUI on two GPUs', () => {
  it('takes over both ComfyUIs (same processes and ports), each its own backend again, and stops both on quit', async ({
    install,
    startComfy,
    tempDir,
    makeCore,
    defer,
  }) => {
    const dataDir = tempDir('comfydesk-adopt-gpus-');
    // GPUs 0 and 1 chosen, launched with the app.
    const store = openStore(join(dataDir, 'comfydesk.db'), systemClock);
    store.settings.update({ comfy: { launchPath: install.comfyDir, autoLaunch: true, cudaDevices: [0, 1] } });
    store.close();

    const first = await runHeadless(dataDir, { FAKE_PLAN: 'ready', FAKE_CHILD: '1' }, defer);
    // A fake ComfyUI on each port the launcher chose (the runs' marks, in the log so far and as they come).
    const ports = new Set<number>();
    const serve = (text: string) => {
      const port = Number(RUN_MARK.exec(text)?.[1]);
      if (port && !ports.has(port)) {
        ports.add(port);
        void startComfy({ port });
      }
    };
    first.api.on('comfy.log', (line) => serve(line.text));
    for (const line of (await first.api.call('comfy.logTail', {})).lines) serve(line.text);
    await launchedOnline(first, 2);
    const before = await first.api.call('comfy.launchSettings', {});
    expect(before.launcher.instances.map((i) => [i.device, i.state])).toEqual([
      [0, 'running'],
      [1, 'running'],
    ]);
    const pids = before.launcher.instances.map((i) => i.pid!);
    const backendIds = before.launcher.instances.map((i) => i.backendId);
    expect(install.runs()).toBe(2);

    await sigkill(first);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const second: Core = makeCore({ dataDir, comfy: { launcher: LAUNCHER, backend: BACKEND } });
    await second.start();
    const after = await until(second.comfy, () => {
      const s = second.comfy.launchStatus();
      const up = second.comfy.summaries().filter((b) => b.kind === 'launched' && b.status === 'idle');
      return s.instances.every((i) => i.adopted) && up.length === 2 ? s : null;
    });
    expect(after.instances.map((i) => [i.device, i.pid, i.backendId])).toEqual([
      [0, pids[0], backendIds[0]],
      [1, pids[1], backendIds[1]],
    ]);
    expect(install.runs()).toBe(2); // no third ComfyUI
    for (const device of [0, 1]) {
      const tail = second.comfy.logTail(device);
      expect(tail.some((l) => l.text.includes(`took over ComfyUI (pid ${pids[device]}`))).toBe(true);
    }

    await second.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  }, 60_000);
});
