/**
 * The launcher's runs one by one, with the stand-in main.py: a failed start shows its own output and fix only,
 * and a ComfyUI started by another launcher (the previous session of the app) is taken over by pid: its output
 * files read, its tree stopped, its death a crash that is restarted.
 */
import { describe, expect, it } from 'vitest';
import { ComfyLauncher, type CrashInfo, type ReadyInfo, type RunInfo } from '@core/comfy/launch/supervisor';
import type { LaunchError } from '@core/comfy/launch/launch-error';
import type { LogLine } from '@core/comfy/launch/log-tail';
import { isAlive, nextEvent, reaped } from './supervisor-helpers';
import { launcherTestKit } from './launcher-kit';

const { cleanups, setup, expectLaunchError } = launcherTestKit();

describe('ComfyLauncher: one start, its own output', () => {
  it('a failed start shows its own output and its recognised fix; the next start carries no earlier error', async () => {
    const { launcher } = await setup({ FAKE_PLAN: 'no-module,no-cuda' });
    const first = await expectLaunchError(launcher.start());
    expect(first.problem?.kind).toBe('missing-module');
    expect(first.message).toMatch(/Fix: [\s\S]*fake run 1 mode no-module[\s\S]*No module named 'yaml'/);

    const errorWhileStarting: Array<LaunchError | null> = [];
    launcher.on('state', (state) => state === 'starting' && errorWhileStarting.push(launcher.lastError));
    const second = await expectLaunchError(launcher.start());
    expect(errorWhileStarting).toEqual([null]);
    expect(second.problem?.kind).toBe('gpu');
    expect(second.message).toContain('Torch not compiled with CUDA enabled');
    expect(second.message).toContain('fake run 2 mode no-cuda');
    expect(second.message).not.toContain('fake run 1');
    expect(second.message).not.toContain("No module named 'yaml'");
    expect(launcher.logTail().some((l) => l.text.includes('fake run 1'))).toBe(false);
  });
});

describe('ComfyLauncher: taking over a running ComfyUI', () => {
  it('follows a ComfyUI started by another launcher by pid, reads its output files, and stops its tree', async () => {
    const { fake, launcher: first } = await setup(
      { FAKE_PLAN: 'ready', FAKE_CHILD: '1', FAKE_TICK: '0.05' },
      { killOnParentExit: false },
    );
    const spawned = nextEvent<[RunInfo]>(first, 'spawned');
    const info = await first.start();
    const [run] = await spawned;
    expect(run).toMatchObject({
      pid: info.pid,
      port: info.port,
      adopted: false,
      mainPy: expect.stringMatching(/main\.py$/),
    });

    const second = new ComfyLauncher({
      comfyDir: fake.comfyDir,
      outputDir: fake.outputDir,
      inputDir: fake.inputDir,
      logDir: fake.logDir,
      alivePollMs: 50,
    });
    cleanups.push(() => second.stop());
    const lines: string[] = [];
    second.on('log', (l) => lines.push(l.text));
    const ticked = nextEvent<[LogLine]>(second, 'log', (l) => /\d+\/100 \[/.test(l.text));
    const adopted = await second.adopt({ pid: run.pid, port: run.port, files: run.files, startedAt: run.startedAt });
    expect(adopted).toMatchObject({ via: 'adopted', pid: info.pid, port: info.port });
    expect(second.state).toBe('running');
    expect(second.current).toMatchObject({ pid: info.pid, adopted: true });
    await ticked; // its progress lines keep coming from the file
    expect(lines).toContain('ComfyUI version: 0.3.64'); // what it printed before is read back

    const grandchild = fake.childPid(1);
    await second.stop();
    expect(second.state).toBe('stopped');
    expect(isAlive(info.pid)).toBe(false);
    expect(await reaped(grandchild)).toBe(true);
    expect(fake.runs()).toBe(1);
  });

  it('a taken-over ComfyUI that dies is a crash: restarted as a new run', async () => {
    const { fake, launcher: first } = await setup({ FAKE_PLAN: 'ready' }, { killOnParentExit: false });
    const spawned = nextEvent<[RunInfo]>(first, 'spawned');
    await first.start();
    const [run] = await spawned;
    const second = new ComfyLauncher({
      comfyDir: fake.comfyDir,
      outputDir: fake.outputDir,
      inputDir: fake.inputDir,
      logDir: fake.logDir,
      alivePollMs: 50,
      pollIntervalMs: 0,
      restart: { baseDelayMs: 1 },
    });
    cleanups.push(() => second.stop());
    await second.adopt({ pid: run.pid, port: run.port, files: run.files, startedAt: run.startedAt });
    const crashed = nextEvent<[CrashInfo]>(second, 'crash');
    const readyAgain = nextEvent<[ReadyInfo]>(second, 'ready');
    process.kill(run.pid, 'SIGKILL');
    const [crash] = await crashed;
    expect(crash).toMatchObject({ code: null, signal: null, willRestart: true, attempt: 1, pid: run.pid });
    const [again] = await readyAgain;
    expect(again.via).toBe('log');
    expect(again.pid).not.toBe(run.pid);
    expect(fake.runs()).toBe(2);
  });
});
