/**
 * The core is SIGKILLed while the ComfyUI it launched runs (no cleanup runs, as after an out-of-memory kill or a
 * power cut of the app alone). The next start looks at what was recorded: the ComfyUI still answering is taken
 * over (one ComfyUI process, same port), its job followed to the end, and it is stopped on quit; one that no
 * longer answers has its process tree stopped, and a fresh one is launched. The first core is the real headless
 * server in a child process; ComfyUI is the stand-in main.py (ComfyUI's lines, the ready line on stderr for the
 * --port it is given, progress lines like tqdm's) with the fake ComfyUI answering the API on that port.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import { until } from '../backends/helpers';
import { isAlive, reaped, systemPython } from './supervisor-helpers';
import { it, launched } from './launch-fixtures';
import { runHeadless, sigkill } from '@test/helpers/headless';
import { launchedOnline } from './headless-kit';

/** `python` on Windows, `python3` elsewhere: what the launcher finds on PATH. */
const hasPython = systemPython() !== null;

/** A job's status in a core, once `want` holds (checked on every job.changed). */
function jobUntil(core: Core, id: string, want: (status: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const now = core.store.jobs.get(id)?.status;
    if (now && want(now)) return resolve(now);
    const off = core.events.on('job.changed', (job) => {
      if (job.id === id && want(job.status)) {
        off();
        resolve(job.status);
      }
    });
  });
}

describe.skipIf(!hasPython)('after a crash of the app', () => {
  it('takes over the ComfyUI it left running (one process, same port), follows its job, and stops it on quit', async ({
    startComfy,
    equippedModels,
    install,
    tempDir,
    makeCore,
    defer,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { hold: true, msPerStep: 5 } });
    const dataDir = tempDir('comfydesk-adopt-');
    const env = {
      COMFYDESK_COMFY_PATH: install.comfyDir,
      COMFYDESK_COMFY_AUTOLAUNCH: '1',
      COMFYDESK_COMFY_PORT: String(fake.port),
    };
    // Progress lines every 50 ms: a ComfyUI writing into a pipe to the dead app would die of a broken pipe.
    const first = await runHeadless(dataDir, { ...env, FAKE_PLAN: 'ready', FAKE_TICK: '0.05', FAKE_CHILD: '1' }, defer);
    await launchedOnline(first);
    const job = await first.api.call('jobs.submit', {
      workflow: 'sdxl-txt2img',
      prompt: 'a fox that outlives its app',
      params: { steps: 4, width: 512, height: 512 },
    });
    const promptId = await fake.waitForHeld();
    const pid = install.runInfo(1).pid;
    const grandchild = install.childPid(1);

    await sigkill(first);
    expect(isAlive(pid)).toBe(true);

    const second = makeCore({ dataDir, env });
    await second.start();
    const status = await until(second.comfy, () => {
      const s = second.comfy.launchStatus();
      return s.adopted && launched(second)?.status === 'busy' ? s : null;
    });
    expect(status).toMatchObject({ state: 'running', pid, url: fake.url, error: null });
    expect(launched(second)!.url).toBe(fake.url);
    expect(install.runs()).toBe(1); // no second ComfyUI
    const tail = second.comfy.logTail();
    expect(tail.some((l) => l.text.includes(`took over ComfyUI (pid ${pid}, port ${fake.port})`))).toBe(true);

    // Its job: followed on the ComfyUI taken over, collected by the new core.
    expect(second.store.jobs.get(job.id)!.promptId).toBe(promptId);
    fake.release();
    expect(await jobUntil(second, job.id, (s) => ['done', 'failed', 'cancelled'].includes(s))).toBe('done');
    expect(fake.prompts.filter((p) => p.promptId === promptId)).toHaveLength(1);
    expect(isAlive(pid)).toBe(true); // still writing its progress lines, into its file
    expect(second.comfy.logTail().some((l) => /\d+\/100 \[/.test(l.text))).toBe(true);

    await second.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await reaped(grandchild)).toBe(true);
    // Nothing is recorded as running any more.
    const db = new Database(join(dataDir, 'comfydesk.db'), { readonly: true });
    defer(() => db.close());
    const row = db.prepare("SELECT value FROM settings WHERE key = 'internal.comfy.launched'").get() as {
      value: string;
    };
    expect(JSON.parse(row.value)).toBeNull();
  }, 60_000);

  it('stops the process tree of one that is alive but does not answer, then launches a fresh one on its port', async ({
    comfy,
    install,
    tempDir,
    makeCore,
    defer,
  }) => {
    const dataDir = tempDir('comfydesk-hung-');
    const env = {
      COMFYDESK_COMFY_PATH: install.comfyDir,
      COMFYDESK_COMFY_AUTOLAUNCH: '1',
      COMFYDESK_COMFY_PORT: String(comfy.port),
    };
    const first = await runHeadless(dataDir, { ...env, FAKE_PLAN: 'ready', FAKE_CHILD: '1' }, defer);
    await launchedOnline(first);
    const pid = install.runInfo(1).pid;
    const grandchild = install.childPid(1);
    await sigkill(first);
    await comfy.crash(); // the process lives on, nothing answers on its port
    expect(isAlive(pid)).toBe(true);

    const second = makeCore({
      dataDir,
      env,
      comfy: {
        launcher: { pollIntervalMs: 0, env: { FAKE_PLAN: 'ready' }, stopGraceMs: 5000 },
        backend: { socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 5 } },
      },
    });
    const running = new Promise<void>((resolve) => {
      const off = second.events.on('comfy.launcher', (s) => s.state === 'running' && (off(), resolve()));
    });
    await second.start();
    await running;
    expect(isAlive(pid)).toBe(false);
    expect(await reaped(grandchild)).toBe(true);
    expect(install.runs()).toBe(2);
    const fresh = install.runInfo(2);
    expect(fresh.argv).toEqual(expect.arrayContaining(['--port', String(comfy.port)]));
    expect(second.comfy.launchStatus()).toMatchObject({ pid: fresh.pid, adopted: false });
    expect(
      second.comfy
        .logTail()
        .some(
          (l) =>
            l.text ===
            `── ComfyDesk: stopped the ComfyUI left by the previous session (pid ${pid}): it did not answer on port ${comfy.port} ──`,
        ),
    ).toBe(true);

    await comfy.restart();
    await until(second.comfy, () => launched(second)?.status === 'idle');
    expect(second.store.backends.list().filter((b) => b.kind === 'launched')).toHaveLength(1);
  }, 60_000);
});
