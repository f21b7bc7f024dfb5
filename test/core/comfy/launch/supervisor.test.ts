import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComfyLauncher, type CrashInfo, type ReadyInfo } from '@core/comfy/launch/supervisor';
import type { LogLine } from '@core/comfy/launch/log-tail';
import { FakeClock as ManualClock } from '@test/helpers/fake-clock';
import { isAlive, makeFakeInstall, makePortable, nextEvent, systemPython } from './supervisor-helpers';
import { repoPath } from '@test/helpers/repo';
import { launcherTestKit } from './launcher-kit';

const { cleanups, setup, expectLaunchError } = launcherTestKit();

/** This machine's Python, for the portable layout's python_embeded. */
const python = systemPython();

describe('ComfyLauncher: start and readiness', () => {
  it('starts python main.py with the expected flags and is ready on the "To see the GUI" line', async () => {
    const { fake, launcher } = await setup({ FAKE_PLAN: 'ready' }, { extraArgs: ['--cpu', '--disable-auto-launch'] });
    const states: string[] = [];
    const lines: LogLine[] = [];
    launcher.on('state', (s) => states.push(s));
    launcher.on('log', (l) => lines.push(l));

    const info = await launcher.start();
    expect(info.via).toBe('log');
    expect(info.url).toBe(`http://127.0.0.1:${info.port}`);
    expect(info.python.kind).toBe('system');
    expect(launcher.state).toBe('running');
    expect(states).toEqual(['starting', 'running']);

    const run = fake.runInfo(1);
    expect(run.pid).toBe(info.pid);
    expect(run.argv.slice(1)).toEqual([
      '--listen',
      '127.0.0.1',
      '--port',
      String(info.port),
      '--output-directory',
      fake.outputDir,
      '--input-directory',
      fake.inputDir,
      '--preview-method',
      'auto',
      '--cpu',
      '--disable-auto-launch',
    ]);
    expect(run.input_exists).toBe(true);
    expect(run.output_exists).toBe(true);
    expect(run.unbuffered).toBe('1');

    // stdout and stderr lines both arrive as log events and in the tail.
    expect(lines.some((l) => l.stream === 'stdout' && l.text.includes('Checkpoint files'))).toBe(true);
    expect(lines.some((l) => l.stream === 'stderr' && l.text === 'ComfyUI version: 0.3.64')).toBe(true);
    expect(launcher.logTail().map((l) => l.text)).toContain(`To see the GUI go to: http://127.0.0.1:${info.port}`);

    // start() while running answers the same info; stop() ends it.
    await expect(launcher.start()).resolves.toEqual(info);
    await launcher.stop();
    expect(launcher.state).toBe('stopped');
    expect(isAlive(info.pid)).toBe(false);
  });

  it('is ready when /api/system_stats answers even if the log line never comes', async () => {
    const { launcher } = await setup({ FAKE_PLAN: 'http-only', FAKE_READY_DELAY: '0.1' }, { pollIntervalMs: 50 });
    const info = await launcher.start();
    expect(info.via).toBe('api');
    expect(launcher.logTail().some((l) => l.text.includes('To see the GUI'))).toBe(false);
    expect(launcher.state).toBe('running');
  });

  it('gives up after the ready timeout, kills the process and reports the tail', async () => {
    const clock = new ManualClock();
    const { launcher } = await setup({ FAKE_PLAN: 'hang' }, { clock, readyTimeoutMs: 180_000 });
    const sawStartup = nextEvent<[LogLine]>(launcher, 'log', (l) => l.text.includes('mode hang'));
    const exited = nextEvent(launcher, 'exit');
    const crashes: CrashInfo[] = [];
    launcher.on('crash', (c) => crashes.push(c));
    const starting = launcher.start();
    await sawStartup;
    const pid = launcher.pid;
    expect(pid).toBeGreaterThan(0);

    clock.advance(179_999);
    expect(launcher.state).toBe('starting');
    clock.advance(1);
    const err = await expectLaunchError(starting);
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('not ready within 180 s');
    expect(err.message).toContain('ComfyUI version: 0.3.64');
    await exited;
    expect(isAlive(pid!)).toBe(false);
    expect(launcher.state).toBe('crashed');
    expect(crashes).toHaveLength(0);
  });

  it('fails with the log tail when the process exits before ready, and does not restart it', async () => {
    const clock = new ManualClock();
    const { launcher } = await setup({ FAKE_PLAN: 'exit-early' }, { clock });
    const crashes: CrashInfo[] = [];
    launcher.on('crash', (c) => crashes.push(c));

    const err = await expectLaunchError(launcher.start());
    expect(err.kind).toBe('exited-before-ready');
    expect(err.exit).toEqual({ code: 1, signal: null });
    expect(err.message).toContain('ComfyUI exited (code 1) before it was ready.');
    expect(err.message).toContain("Python cannot find the module 'torch'");
    expect(err.message).toContain("ModuleNotFoundError: No module named 'torch'");
    // Its own stream's last line (stdout and stderr are read from two files: which comes last between them varies).
    expect(err.logTail.filter((l) => l.stream === 'stderr').at(-1)?.text).toBe(
      "ModuleNotFoundError: No module named 'torch'",
    );
    expect(launcher.state).toBe('crashed');
    expect(launcher.lastError).toBe(err);
    // Never started, so nothing is scheduled and no crash/restart is announced.
    expect(clock.pendingDelays()).toEqual([]);
    expect(crashes).toHaveLength(0);
  });

  it('discovers the install among the given places when no folder is configured', async () => {
    const fake = await makeFakeInstall();
    const launcher = new ComfyLauncher({
      searchPlaces: [`${fake.dir}/nowhere`, fake.dir],
      outputDir: fake.outputDir,
      inputDir: fake.inputDir,
      logDir: fake.logDir,
      env: { FAKE_PLAN: 'ready' },
      pollIntervalMs: 0,
    });
    cleanups.push(async () => {
      await launcher.stop();
      await fake.cleanup();
    });
    const info = await launcher.start();
    expect(info.install.comfyDir).toBe(fake.comfyDir);
    expect(fake.runInfo(1).pid).toBe(info.pid);
  });

  it.skipIf(!python)(
    "runs the Windows portable build's python_embeded (here a link to this machine's Python)",
    async () => {
      const fake = await makeFakeInstall();
      cleanups.push(() => fake.cleanup());
      const portable = await makePortable(fake, python!);
      cleanups.push(() => portable.remove());
      // Given the portable root, as a user picks it.
      const launcher = new ComfyLauncher({
        comfyDir: fake.dir,
        outputDir: fake.outputDir,
        inputDir: fake.inputDir,
        env: { FAKE_PLAN: 'ready', FAKE_CHILD: '1' },
        pollIntervalMs: 0,
      });
      cleanups.push(() => launcher.stop());
      const info = await launcher.start();
      expect(info.python).toEqual({ command: portable.python, kind: 'embedded' });
      expect(info.install).toEqual({
        comfyDir: fake.comfyDir,
        mainPy: join(fake.comfyDir, 'main.py'),
        portableRoot: fake.dir,
      });
      expect(fake.runInfo(1).pid).toBe(info.pid);
      const grandchild = fake.childPid(1);
      await launcher.stop();
      expect(isAlive(info.pid)).toBe(false);
      await until(() => !isAlive(grandchild));
      expect(isAlive(grandchild)).toBe(false);
    },
  );

  it('reports a missing interpreter as spawn-failed', async () => {
    const { launcher } = await setup({}, { python: '/nonexistent/bin/python3' });
    const err = await expectLaunchError(launcher.start());
    expect(err.kind).toBe('spawn-failed');
    expect(err.message).toContain('/nonexistent/bin/python3');
    expect(launcher.state).toBe('crashed');
  });

  it('reports a folder without main.py as not-found', async () => {
    const { fake, launcher } = await setup({}, {});
    const other = new ComfyLauncher({
      comfyDir: fake.dir,
      outputDir: fake.outputDir,
      inputDir: fake.inputDir,
      logDir: fake.logDir,
    });
    const err = await expectLaunchError(other.start());
    expect(err.kind).toBe('not-found');
    expect(launcher.state).toBe('stopped');
  });
});

describe('ComfyLauncher: crashes and restarts', () => {
  it('restarts after a crash that follows a successful start, with backoff on the clock', async () => {
    const clock = new ManualClock();
    const { fake, launcher } = await setup(
      { FAKE_PLAN: 'crash,ready', FAKE_CRASH_AFTER: '0.1' },
      { clock, restart: { baseDelayMs: 2000, maxAttempts: 3 } },
    );
    const crashed = nextEvent<[CrashInfo]>(launcher, 'crash');
    const first = await launcher.start();
    const [crash] = await crashed;
    expect(crash).toMatchObject({ code: 3, willRestart: true, attempt: 1, delayMs: 2000 });
    expect(crash.logTail.at(-1)?.text).toBe('Segmentation fault (pretend)');
    expect(launcher.state).toBe('crashed');
    expect(isAlive(first.pid)).toBe(false);

    const readyAgain = nextEvent<[ReadyInfo]>(launcher, 'ready');
    clock.advance(1999);
    expect(launcher.state).toBe('crashed');
    clock.advance(1);
    expect(launcher.state).toBe('starting');
    const [second] = await readyAgain;
    expect(second.pid).not.toBe(first.pid);
    expect(second.port).toBe(first.port); // the port is kept while it is free
    expect(fake.runInfo(2).mode).toBe('ready');
    expect(launcher.state).toBe('running');
  });

  it('backs off exponentially, keeps going after a failed restart, and stops after maxAttempts', async () => {
    const clock = new ManualClock();
    const { fake, launcher } = await setup(
      { FAKE_PLAN: 'crash,exit-early,crash', FAKE_CRASH_AFTER: '0.1' },
      { clock, restart: { baseDelayMs: 1000, maxAttempts: 2, maxDelayMs: 60_000 } },
    );
    const crashes: CrashInfo[] = [];
    launcher.on('crash', (c) => crashes.push(c));

    let crash = nextEvent<[CrashInfo]>(launcher, 'crash');
    await launcher.start();
    await crash; // run 1 crashed after being ready
    expect(crashes[0]).toMatchObject({ attempt: 1, maxAttempts: 2, willRestart: true, delayMs: 1000, run: 1 });

    crash = nextEvent<[CrashInfo]>(launcher, 'crash');
    clock.advance(1000);
    await crash; // run 2 exited before ready: counts as a failed restart
    expect(crashes[1]).toMatchObject({ attempt: 2, willRestart: true, delayMs: 2000 });
    expect(crashes[1]?.error?.kind).toBe('exited-before-ready');

    crash = nextEvent<[CrashInfo]>(launcher, 'crash');
    clock.advance(2000);
    await crash; // run 3 was ready, then crashed: attempts used up
    expect(fake.runInfo(3).mode).toBe('crash');
    expect(crashes[2]).toMatchObject({ attempt: 3, maxAttempts: 2, willRestart: false, delayMs: 0, code: 3, run: 3 });
    // Each crash carries the output of its own run only.
    expect(crashes[1]!.logTail.map((l) => l.text)).toContain('fake run 2 mode exit-early');
    expect(crashes[1]!.logTail.some((l) => l.text.includes('fake run 1'))).toBe(false);
    expect(crashes[2]!.logTail.some((l) => /fake run [12]/.test(l.text))).toBe(false);
    expect(launcher.state).toBe('crashed');
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('start() after giving up starts afresh', async () => {
    const clock = new ManualClock();
    const { launcher } = await setup(
      { FAKE_PLAN: 'crash,ready', FAKE_CRASH_AFTER: '0.1' },
      { clock, restart: { maxAttempts: 0 } },
    );
    const crash = nextEvent<[CrashInfo]>(launcher, 'crash');
    await launcher.start();
    expect((await crash)[0].willRestart).toBe(false);
    const info = await launcher.start();
    expect(launcher.state).toBe('running');
    expect(isAlive(info.pid)).toBe(true);
  });
});

describe('ComfyLauncher: stop', () => {
  // Windows has no polite stop for a console process (taskkill without /F cannot end it): the next test's
  // forced tree kill is what stops ComfyUI there.
  it.skipIf(process.platform === 'win32')('SIGTERM stops the whole process group, grandchildren included', async () => {
    const clock = new ManualClock();
    const { fake, launcher } = await setup({ FAKE_PLAN: 'ready', FAKE_CHILD: '1' }, { clock });
    const info = await launcher.start();
    const grandchild = fake.childPid(1);
    expect(isAlive(grandchild)).toBe(true);
    const exit = nextEvent<[{ signal: NodeJS.Signals | null }]>(launcher, 'exit');
    const states: string[] = [];
    launcher.on('state', (s) => states.push(s));
    await launcher.stop(); // no clock advance: the polite signal was enough
    expect((await exit)[0].signal).toBe('SIGTERM');
    expect(states).toEqual(['stopping', 'stopped']);
    expect(isAlive(info.pid)).toBe(false);
    // The grandchild got its signal; its fds are closed (stdio closed), it may still be finishing its exit.
    await until(() => !isAlive(grandchild));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('escalates to SIGKILL (Windows: taskkill /T /F) after the grace period, grandchildren included', async () => {
    const clock = new ManualClock();
    const { fake, launcher } = await setup(
      { FAKE_PLAN: 'ready', FAKE_IGNORE_TERM: '1', FAKE_CHILD: '1' },
      { clock, stopGraceMs: 5000 },
    );
    const info = await launcher.start();
    const grandchild = fake.childPid(1);
    const exit = nextEvent<[{ signal: NodeJS.Signals | null }]>(launcher, 'exit');
    const stopped = launcher.stop();
    expect(launcher.state).toBe('stopping');
    expect(clock.pendingDelays()).toContain(5000);
    clock.advance(5000);
    await stopped;
    // Windows reports a process ended by taskkill /F with an exit code, not a signal.
    expect((await exit)[0].signal).toBe(process.platform === 'win32' ? null : 'SIGKILL');
    expect(launcher.state).toBe('stopped');
    expect(isAlive(info.pid)).toBe(false);
    // The grandchild got its signal; its fds are closed (stdio closed), it may still be finishing its exit.
    await until(() => !isAlive(grandchild));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('stop() during start rejects the start with kind "stopped"', async () => {
    const { launcher } = await setup({ FAKE_PLAN: 'hang' });
    const sawStartup = nextEvent<[LogLine]>(launcher, 'log', (l) => l.text.includes('mode hang'));
    const starting = launcher.start();
    await sawStartup;
    const pid = launcher.pid!;
    await launcher.stop();
    const err = await expectLaunchError(starting);
    expect(err.kind).toBe('stopped');
    expect(launcher.state).toBe('stopped');
    expect(isAlive(pid)).toBe(false);
  });

  it('stop() cancels a scheduled restart', async () => {
    const clock = new ManualClock();
    const { fake, launcher } = await setup({ FAKE_PLAN: 'crash', FAKE_CRASH_AFTER: '0.1' }, { clock });
    const crash = nextEvent<[CrashInfo]>(launcher, 'crash');
    await launcher.start();
    await crash;
    expect(clock.pendingDelays().length).toBeGreaterThan(0);
    await launcher.stop();
    expect(launcher.state).toBe('stopped');
    expect(clock.pendingDelays()).toEqual([]);
    clock.advance(600_000);
    expect(launcher.state).toBe('stopped');
    expect(() => fake.runInfo(2)).toThrow();
  });
});

describe('ComfyLauncher: parent exit', () => {
  it('kills the ComfyUI process tree when the Node process exits without stop()', async () => {
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const fake = await makeFakeInstall();
    cleanups.push(() => fake.cleanup());
    // tsx's CLI run by this Node (node_modules/.bin/tsx is a .cmd shim on Windows, which spawn cannot start).
    const tsx = repoPath('node_modules', 'tsx', 'dist', 'cli.mjs');
    const parent = spawn(
      process.execPath,
      [tsx, path.join(__dirname, 'fixtures', 'parent-exit.ts'), fake.comfyDir, fake.outputDir, fake.inputDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let errText = '';
    parent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    parent.stderr.on('data', (c: Buffer) => (errText += c.toString()));
    const code = await new Promise<number | null>((resolve) => parent.on('close', resolve));
    expect(errText).toBe('');
    expect(code).toBe(0);
    const { pid } = JSON.parse(out) as { pid: number };
    const grandchild = fake.childPid(1);
    expect(pid).toBe(fake.runInfo(1).pid);
    await until(() => !isAlive(pid) && !isAlive(grandchild));
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
  });
});

/** Wait for a condition that becomes true asynchronously (a signalled process being reaped), bounded. */
async function until(cond: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
