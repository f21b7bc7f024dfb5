/**
 * What the launched ComfyUI's status says (comfy.launcher events, comfy.start answers), with the stand-in main.py:
 * how a run ended, the restart count and when, giving up; a failed start's own output and its fix; runs marked in
 * the log; and a ComfyUI address the user removed not holding back the auto launch.
 */
import { describe, expect } from 'vitest';
import type { LauncherStatus } from '@shared/api/backends';
import { until } from '../backends/helpers';
import { it, launched } from './launch-fixtures';
import { systemPython } from './supervisor-helpers';

/** `python` on Windows, `python3` elsewhere: what the launcher finds on PATH. */
const hasPython = systemPython() !== null;

describe.skipIf(!hasPython)('the launched ComfyUI: status and log', () => {
  it('a crash says how it ended, "restart n of m in t", then "gave up after m restarts", with that run’s last lines', async ({
    install,
    launchCore,
  }) => {
    const core = launchCore({ COMFYDESK_COMFY_PATH: install.comfyDir }, 'crash', {
      launcher: { env: { FAKE_PLAN: 'crash', FAKE_CRASH_AFTER: '0.05' }, restart: { baseDelayMs: 1, maxAttempts: 2 } },
    });
    await core.start();
    const statuses: LauncherStatus[] = [];
    const gaveUp = new Promise<void>((resolve) =>
      core.events.on('comfy.launcher', (s) => {
        statuses.push(s);
        if (s.gaveUp) resolve();
      }),
    );
    await core.api.call('comfy.start', {});
    await gaveUp;

    const crashed = statuses.filter((s) => s.state === 'crashed');
    expect(crashed).toHaveLength(3);
    expect(crashed.map((s) => s.restart)).toEqual([
      { attempt: 1, of: 2, inMs: 1 },
      { attempt: 2, of: 2, inMs: 2 },
      null,
    ]);
    expect(crashed.map((s) => s.exit)).toEqual([
      { code: 3, signal: null },
      { code: 3, signal: null },
      { code: 3, signal: null },
    ]);
    expect(crashed.map((s) => s.gaveUp)).toEqual([false, false, true]);
    expect(crashed[0]!.error).toMatch(/^ComfyUI exited unexpectedly \(exit code 3\)\. Restart 1 of 2 in 1 ms\./);
    expect(crashed[1]!.error).toMatch(/Restart 2 of 2 in 2 ms\./);
    expect(crashed[2]!.error).toMatch(/^ComfyUI exited unexpectedly \(exit code 3\)\. Gave up after 2 restarts/);
    // Each names the last lines of its own run only.
    crashed.forEach((s, i) => {
      expect(s.error).toContain('Segmentation fault (pretend)');
      expect(s.error).toContain(`fake run ${i + 1} mode crash`);
      for (const other of [1, 2, 3].filter((n) => n !== i + 1)) expect(s.error).not.toContain(`fake run ${other} `);
    });
    // A restart under way carries its number, not the error before it.
    const restarting = statuses.filter((s) => s.state === 'starting' && s.restart);
    expect(restarting.map((s) => s.restart)).toEqual([
      { attempt: 1, of: 2, inMs: null },
      { attempt: 2, of: 2, inMs: null },
    ]);
    expect(restarting.every((s) => s.error === null && s.exit === null)).toBe(true);

    // The log marks each run: ComfyDesk's own line first, then that run's output under its number.
    const tail = (await core.api.call('comfy.logTail', {})).lines;
    for (const run of [1, 2, 3]) {
      const lines = tail.filter((l) => l.run === run);
      expect(lines[0]!.text).toMatch(
        new RegExp(`^── ComfyDesk: run ${run}: started ComfyUI \\(pid \\d+, port \\d+\\) ──$`),
      );
      expect(lines.some((l) => l.text === `fake run ${run} mode crash`)).toBe(true);
      expect(lines.at(-1)!.text).toMatch(new RegExp(`^── ComfyDesk: run ${run} \\(pid \\d+\\) ended: exit code 3 ──$`));
    }
  });

  it('each failed start shows only its own output and its fix, and a start under way carries no earlier error', async ({
    install,
    launchCore,
  }) => {
    const core = launchCore({ COMFYDESK_COMFY_PATH: install.comfyDir }, 'no-module,no-cuda');
    await core.start();
    const first = await core.api.dispatch('comfy.start', {}, { caller: 'test' });
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.message).toContain("No module named 'yaml'");
    expect(core.comfy.launchStatus()).toMatchObject({ state: 'crashed', problem: { kind: 'missing-module' } });

    const starting: LauncherStatus[] = [];
    core.events.on('comfy.launcher', (s) => s.state === 'starting' && starting.push(s));
    const second = await core.api.dispatch('comfy.start', {}, { caller: 'test' });
    expect(starting).toHaveLength(1);
    expect(starting[0]).toMatchObject({ error: null, problem: null, exit: null, restart: null });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.message).toContain('Torch not compiled with CUDA enabled');
    expect(second.error.message).toContain('fake run 2 mode no-cuda');
    expect(second.error.message).not.toContain('fake run 1');
    expect(second.error.message).not.toContain('yaml');
    const status = core.comfy.launchStatus();
    expect(status.problem).toMatchObject({ kind: 'gpu', suggestedArgs: ['--cpu'] });
    expect(status.error).toContain(`Fix: ${status.problem!.fix}`);
  });

  it('a ComfyUI address the user removed does not hold back the auto launch', async ({
    startComfy,
    install,
    launchCore,
  }) => {
    const other = await startComfy();
    const first = launchCore({}, 'ready', { discoverUrls: [other.url] });
    await first.start();
    const found = await until(first.comfy, () =>
      first.comfy.summaries().find((b) => b.url === other.url && b.status === 'idle'),
    );
    expect(found.kind).toBe('local');
    await first.api.call('backends.remove', { id: found.id });
    await first.stop();

    const env = { COMFYDESK_COMFY_PATH: install.comfyDir, COMFYDESK_COMFY_AUTOLAUNCH: '1' };
    const second = launchCore(env, 'ready', { discoverUrls: [other.url] });
    await second.start();
    await until(second.comfy, () => launched(second)?.status === 'idle');
    expect(second.comfy.launchStatus().state).toBe('running');
    expect(second.comfy.summaries().map((b) => b.url)).not.toContain(other.url);
    expect(install.runs()).toBe(1);
  });
});
