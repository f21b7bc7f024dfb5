/**
 * Updates through the core API, as the app and the tray use them: the headless core says how it is updated, and
 * on the desktop a downloaded update waits for a job really running on (the fake) ComfyUI before it restarts.
 */
import { describe, expect } from 'vitest';
import type { Job } from '@shared/jobs';
import type { UpdateState } from '@shared/api/updates';
import type { Core } from '@core/app';
import type { FoundUpdate, UpdaterPort } from '@core/updates/manager';
import type { ChannelChoice } from '@core/updates/policy';
import { test } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '../workflows/helpers';

const ctx = { caller: 'test' as const };

class ScriptedUpdater implements UpdaterPort {
  checks: ChannelChoice[] = [];
  installs = 0;
  constructor(private readonly found: FoundUpdate | null) {}
  async check(choice: ChannelChoice): Promise<FoundUpdate | null> {
    this.checks.push(choice);
    return this.found;
  }
  async download(onProgress: (percent: number) => void): Promise<void> {
    onProgress(100);
  }
  installAndRestart(): void {
    this.installs++;
  }
}

function until(c: Core, id: string, statuses: Job['status'][]): Promise<Job> {
  return new Promise((resolve) => {
    const now = c.store.jobs.get(id);
    if (now && statuses.includes(now.status)) return resolve(now);
    const off = c.events.on('job.changed', (job) => {
      if (job.id === id && statuses.includes(job.status)) {
        off();
        resolve(job);
      }
    });
  });
}

describe('updates through the core API', () => {
  test('headless: nothing to check, and the answer says how to update', async ({ startCore }) => {
    const core = await startCore();
    const state = await core.api.call('updates.status', {}, ctx);
    expect(state).toMatchObject({ install: 'headless', status: 'unsupported', autoCheck: true, channel: 'stable' });
    expect(state.manual).toMatch(/git pull, npm ci, npm run build/);
    await expect(core.api.call('updates.check', {}, ctx)).rejects.toMatchObject({ code: 'conflict' });
  });

  test('the channel setting reaches the updater; a downloaded update waits for the running job', async ({
    startComfy,
    startCore,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels });
    const updater = new ScriptedUpdater({ version: '9.9.9', releaseNotes: 'Big one' });
    const core = await startCore({
      comfyUrl: fake.url,
      workflowsDir: BUNDLED_DIR,
      updates: { install: 'appimage', updater, releasesUrl: null },
    });
    const changes: UpdateState[] = [];
    core.events.on('updates.changed', (s) => changes.push(s));

    await core.api.call('settings.set', { updates: { channel: 'beta' } }, ctx);
    const checked = await core.api.call('updates.check', {}, ctx);
    expect(updater.checks).toEqual([{ channel: 'beta', allowPrerelease: true, allowDowngrade: false }]);
    expect(checked).toMatchObject({ status: 'downloaded', version: '9.9.9', releaseNotes: 'Big one', channel: 'beta' });
    expect(changes.at(-1)?.status).toBe('downloaded');

    fake.setScript({ hold: true });
    const job = await core.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'a lighthouse', params: { steps: 3, width: 512, height: 512 } },
      ctx,
    );
    await until(core, job.id, ['running']);
    const waiting = await core.api.call('updates.restart', {}, ctx);
    expect(waiting).toMatchObject({ restartPending: true, restartBlockedBy: '1 job is running' });
    expect(updater.installs).toBe(0);

    const restarted = new Promise<void>((resolve) => {
      const installAndRestart = updater.installAndRestart.bind(updater);
      updater.installAndRestart = () => {
        installAndRestart();
        resolve();
      };
    });
    fake.setScript({ hold: false });
    fake.release();
    await until(core, job.id, ['done']);
    await restarted;
    expect(updater.installs).toBe(1);
  });

  test('turning automatic checks off in the settings cancels the planned check', async ({ startCore }) => {
    const updater = new ScriptedUpdater(null);
    const core = await startCore({ updates: { install: 'nsis', updater } });
    expect((await core.api.call('updates.status', {}, ctx)).nextCheckAt).not.toBeNull();
    await core.api.call('settings.set', { updates: { autoCheck: false } }, ctx);
    expect(await core.api.call('updates.status', {}, ctx)).toMatchObject({ autoCheck: false, nextCheckAt: null });
  });
});
