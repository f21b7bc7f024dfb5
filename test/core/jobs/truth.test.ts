/**
 * Every job tells the truth (through the core API, against the fake ComfyUI): why it waits, that it cannot run
 * at all (and what would help), short numbers people can tell apart, seeds that fit the nodes, and model files
 * added by hand are found.
 */
import { describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import type { JobProgressView } from '@shared/api/jobs';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import { it } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import { fixtureObjectInfo } from '@test/fakes/comfyui/object-info';
import { FakeClock } from '@test/helpers/fake-clock';

const sdxl = (prompt: string, params: Record<string, unknown> = {}) => ({
  workflow: 'sdxl-txt2img',
  prompt,
  params: { steps: 2, width: 512, height: 512, ...params },
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

/** The next `job.progress` of this job for which `check` holds. */
function progressUntil(core: Core, jobId: string, check: (v: JobProgressView) => boolean): Promise<JobProgressView> {
  return new Promise((resolve) => {
    const off = core.events.on('job.progress', (v) => {
      if (v.jobId === jobId && check(v)) {
        off();
        resolve(v);
      }
    });
  });
}

function ended(core: Core, jobId: string): Promise<Job> {
  return new Promise((resolve) => {
    const now = core.store.jobs.get(jobId);
    if (now && ['done', 'failed', 'cancelled'].includes(now.status)) return resolve(now);
    const off = core.events.on('job.changed', (job) => {
      if (job.id === jobId && ['done', 'failed', 'cancelled'].includes(job.status)) {
        off();
        resolve(job);
      }
    });
  });
}

describe('jobs no ComfyUI can run', () => {
  it('a job whose checkpoint no ComfyUI has is refused at once, naming the file and how to get it', async ({
    startComfy,
    startCore,
  }) => {
    const fake = await startComfy({ models: {} });
    const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    const err = await refusal(core.api.call('jobs.submit', sdxl('a fox')));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('No ComfyUI has sd_xl_base_1.0.safetensors (checkpoints).');
    expect(err.hint).toMatch(/Models page|models\/checkpoints/);
    expect(core.store.jobs.list({})).toHaveLength(0);
    // The readiness of the workflow says the same (Generate, templates and Discord buttons read it).
    const readiness = await core.api.call('workflows.readiness', {});
    expect(readiness.find((r) => r.id === 'sdxl-txt2img')).toMatchObject({
      state: 'never',
      missing: { models: [{ folder: 'checkpoints', file: 'sd_xl_base_1.0.safetensors' }] },
    });
  });

  it('a job queued while ComfyUI was away fails at once when it comes back without the file, naming it', async ({
    startComfy,
    startCore,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { msPerStep: 0 } });
    const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    await fake.crash();
    const job = await core.api.call('jobs.submit', sdxl('a fox'));
    const waiting = await progressUntil(core, job.id, (v) => v.wait?.kind === 'offline');
    expect(waiting.wait?.reason).toMatch(/^No ComfyUI is online/);
    fake.setModels({ ...equippedModels, checkpoints: [] });
    const done = ended(core, job.id);
    await fake.restart();
    const failed = await done;
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('No ComfyUI has sd_xl_base_1.0.safetensors (checkpoints).');
    expect(failed.errorHint).toMatch(/Download it on the Models page/);
  });
});

describe('jobs that wait say why', () => {
  it('waits with "Waiting for ComfyUI to start" while ComfyUI starts, and runs when it is up', async ({
    startComfy,
    startCore,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { msPerStep: 0 } });
    const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    const backend = core.comfy.list()[0]!;
    await fake.crash();
    backend.markStarting(true); // as the launcher says while the process boots
    const job = await core.api.call('jobs.submit', sdxl('patience'));
    const waiting = await progressUntil(core, job.id, (v) => v.wait !== null && v.wait.kind !== 'queue');
    expect(waiting.wait).toMatchObject({ kind: 'starting', reason: 'Waiting for ComfyUI to start' });
    const queue = await core.api.call('jobs.queue', {});
    expect(queue.active.find((a) => a.job.id === job.id)?.progress.wait?.reason).toBe('Waiting for ComfyUI to start');
    await fake.restart();
    expect((await ended(core, job.id)).status).toBe('done');
  });

  it('a LoRA copied into the models folder after connecting is found by the next job that names it', async ({
    startComfy,
    startCore,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { msPerStep: 0 } });
    const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    // Copied in by hand after ComfyDesk read the folder.
    fake.setModels({ ...equippedModels, loras: [...(equippedModels.loras ?? []), 'added-by-hand.safetensors'] });
    const job = await core.api.call('jobs.submit', {
      ...sdxl('with a new lora'),
      lora: { name: 'added-by-hand.safetensors' },
    });
    const done = await ended(core, job.id);
    expect(done.status).toBe('done');
    expect(done.lora).toEqual({ name: 'added-by-hand.safetensors', strength: expect.any(Number) });
    const sent = fake.prompts.find((p) => p.promptId === done.promptId)!;
    expect(Object.values(sent.prompt).some((n) => n.inputs.lora_name === 'added-by-hand.safetensors')).toBe(true);
  });
});

describe('numbers and seeds', () => {
  it('1,000 jobs made in the same second get 1,000 distinct short numbers, and "#n" finds each', async ({
    startCore,
  }) => {
    const core = await startCore({ workflowsDir: BUNDLED_DIR });
    core.store.settings.update({ queue: { paused: true, globalLimit: 10_000 } });
    const jobs = Array.from({ length: 1000 }, (_, i) => core.jobs.submit(sdxl(`burst ${i}`)));
    const numbers = jobs.map((j) => j.number);
    expect(new Set(numbers).size).toBe(1000);
    expect(Math.max(...numbers) - Math.min(...numbers)).toBe(999);
    const some = jobs[417]!;
    expect((await core.api.call('jobs.find', { query: `#${some.number}` })).id).toBe(some.id);
    expect((await core.api.call('jobs.find', { query: String(some.number) })).id).toBe(some.id);
  });

  it('500 random seeds land inside the manifest range and inside the /object_info max of the target nodes', async ({
    startComfy,
    startCore,
    equippedModels,
  }) => {
    // A ComfyUI whose KSampler takes seeds up to 2^31 only (a real server says 2^64 - 1).
    const info = fixtureObjectInfo() as Record<
      string,
      { input: { required: Record<string, [string, Record<string, unknown>]> } }
    >;
    const ksampler = info.KSampler!;
    ksampler.input.required.seed = ['INT', { ...ksampler.input.required.seed![1], max: 2147483648 }];
    const fake = await startComfy({ models: equippedModels, extraObjectInfo: { KSampler: ksampler } });
    const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    await core.comfy.capabilitiesSettled();
    core.store.settings.update({ queue: { paused: true, globalLimit: 10_000 } });
    const seeds = Array.from(
      { length: 500 },
      (_, i) => core.jobs.submit(sdxl(`seed ${i}`, { seed: -1 })).params.seed as number,
    );
    for (const seed of seeds) {
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThanOrEqual(2147483648);
    }
    expect(new Set(seeds).size).toBeGreaterThan(490);
  });
});

describe('waiting has a limit', () => {
  it('a job with no ComfyUI for longer than the setting fails saying what it waited for', async ({
    startComfy,
    makeCore,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels });
    await fake.crash();
    const clock = new FakeClock(Date.now());
    const core = makeCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR, clock });
    await core.start();
    core.store.settings.update({ queue: { backendWaitMinutes: 10 } });
    const job = await core.api.call('jobs.submit', sdxl('left waiting'));
    const done = ended(core, job.id);
    for (let minute = 0; minute < 11 && core.store.jobs.get(job.id)!.status === 'queued'; minute++) {
      clock.advance(60_000);
      await new Promise((r) => setImmediate(r));
    }
    const failed = await done;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^No ComfyUI could take it within 10 minutes: No ComfyUI is online/);
    expect(failed.errorHint).toMatch(/Start ComfyUI/);
  });
});
