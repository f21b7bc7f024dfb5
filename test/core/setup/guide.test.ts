/**
 * The setup guide from a fresh data dir, on a fresh ComfyUI with no models (the usual state): ComfyUI is found,
 * the first image is refused saying what to get, a checkpoint put in ComfyUI's folder makes a workflow runnable,
 * the test image is made, and the progress survives a restart of the core.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import { test as it } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '../workflows/helpers';

const states = async (core: Core) =>
  Object.fromEntries((await core.api.call('setup.get', {})).steps.map((s) => [s.id, s.state]));

function until(core: Core, id: string, status: Job['status']): Promise<Job> {
  return new Promise((resolve) => {
    const off = core.events.on('job.changed', (job) => {
      if (job.id === id && job.status === status) {
        off();
        resolve(job);
      }
    });
  });
}

describe('setup guide', () => {
  it('goes from a ComfyUI with no models to a first image, and resumes after a restart', async ({
    startComfy,
    startCore,
    tempDir,
    dataDir,
  }) => {
    const modelsDir = tempDir('comfydesk-models-');
    const comfy = await startComfy({ modelsDir, script: { msPerStep: 0 } });
    const options = { dataDir, comfyUrl: comfy.url, workflowsDir: BUNDLED_DIR };
    let core = await startCore(options);

    const first = await core.api.call('setup.get', {});
    expect(first.steps.find((s) => s.id === 'comfy')).toMatchObject({ state: 'done', achieved: true });
    expect(first.steps.find((s) => s.id === 'comfy')!.summary).toContain(comfy.url.replace(/\/$/, ''));
    expect(first).toMatchObject({ finished: false, next: 'models' });
    expect(first.steps.find((s) => s.id === 'models')!.summary).toMatch(/none makes images from text yet/);

    const refused = await core.api.call('setup.firstImage', {}).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      title: 'Nothing can run yet',
      hint: expect.stringContaining('Models step'),
    });

    // A checkpoint appears in ComfyUI's own folder (downloaded, or copied in by hand).
    mkdirSync(join(modelsDir, 'checkpoints'), { recursive: true });
    writeFileSync(join(modelsDir, 'checkpoints', 'sd_xl_base_1.0.safetensors'), 'weights');
    await core.comfy.recheckModels(core.comfy.list().map((b) => ({ backendId: b.id, folders: ['checkpoints'] })));
    expect(await states(core)).toMatchObject({ comfy: 'done', models: 'done', 'first-image': 'todo' });

    const job = await core.api.call('setup.firstImage', {});
    expect(job).toMatchObject({ workflow: 'sdxl-txt2img', source: 'desktop' });
    await until(core, job.id, 'done');
    expect(await states(core)).toMatchObject({ 'first-image': 'done', discord: 'todo' });

    // Discord is optional: skipped, the guide is finished.
    const skipped = await core.api.call('setup.mark', { step: 'discord', state: 'skipped' });
    expect(skipped).toMatchObject({ finished: true, next: null });

    // ComfyUI goes away and the core restarts: the guide does not go back.
    await core.stop();
    await comfy.close();
    core = await startCore({ ...options, until: () => true });
    expect(await core.api.call('setup.get', {})).toMatchObject({ finished: true });
    expect((await core.api.call('setup.get', {})).steps.find((s) => s.id === 'comfy')).toMatchObject({
      state: 'done',
      achieved: false,
    });
    // Any step can be done again.
    expect(await core.api.call('setup.mark', { step: 'models', state: 'todo' })).toMatchObject({ next: 'models' });
  });
});
