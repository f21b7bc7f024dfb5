/** Jobs, library and workflows through the core API, as the renderer and the bot call them. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { ApiError, type EventPayload } from '@shared/api';
import type { Job } from '@shared/jobs';
import type { Core } from '@core/app';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { test } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '../workflows/helpers';

/** A core online on a fake ComfyUI that has every model the bundled workflows use (or none). */
const it = test.extend<{ start: (opts?: { allModels?: boolean }) => Promise<Core> }>({
  start: async ({ startComfy, startCore, equippedModels }, use) =>
    use(async (opts = {}) => {
      const fake = await startComfy({ models: opts.allModels === false ? {} : equippedModels });
      return startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR });
    }),
});

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

const ctx = { caller: 'test' as const };

describe('jobs through the core API', () => {
  it('submit → progress events → done → the output is in the library, searchable, with a thumbnail; delete removes it', async ({
    start,
  }) => {
    const c = await start();
    const progress: EventPayload<'job.progress'>[] = [];
    c.events.on('job.progress', (p) => progress.push(p));
    const added = new Promise<EventPayload<'library.added'>>((resolve) => c.events.on('library.added', resolve));
    const job = await c.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'a copper teapot on a shelf', params: { steps: 3, width: 512, height: 512 } },
      ctx,
    );
    const done = await until(c, job.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expect(progress.some((p) => p.jobId === job.id && p.status === 'running')).toBe(true);
    const [output] = await added;
    expect(output!.jobId).toBe(job.id);
    expect(readFileSync(output!.filePath).length).toBe(output!.bytes);
    const found = await c.api.call('library.search', { text: 'teapot' }, ctx);
    expect(found.items.map((o) => o.id)).toEqual([output!.id]);
    expect((await c.api.call('library.search', { text: 'kettle' }, ctx)).items).toEqual([]);
    await c.library.thumbnailsIdle();
    expect((await c.api.call('library.get', { id: output!.id }, ctx)).thumbnailPath).toMatch(/\.webp$/);
    expect((await c.api.call('jobs.queue', {}, ctx)).recent[0]!.id).toBe(job.id);
    // Headless there is no file manager to open: the path comes back to copy.
    expect(await c.api.call('library.reveal', { id: output!.id }, ctx)).toEqual({
      path: output!.filePath,
      opened: false,
    });
    await c.api.call('library.delete', { ids: [output!.id] }, ctx);
    expect(
      ((await c.api.call('library.reveal', { id: output!.id }, ctx).catch((e: unknown) => e)) as ApiError).code,
    ).toBe('not_found');
    expect((await c.api.call('library.search', { text: 'teapot' }, ctx)).items).toEqual([]);
  });

  it('a long line: jobs.queue describes its front and the asker’s own jobs further back, with exact places', async ({
    start,
  }) => {
    const c = await start();
    await c.api.call('queue.pause', { paused: true }, ctx);
    const request = { workflow: 'sdxl-txt2img', prompt: 'owner', params: { steps: 2, width: 512, height: 512 } };
    const owners = [];
    for (let n = 0; n < 5; n++) owners.push(await c.api.call('jobs.submit', request, ctx));
    const bob = asDiscordUser(discordUser('100000000000000007', 'bob'));
    const bobs = await c.api.call('jobs.submit', { ...request, prompt: 'bob’s teapot' }, bob);
    const front = await c.api.call('jobs.queue', { limit: 2 }, ctx);
    expect(front.waiting).toBe(6);
    expect(front.active.map((a) => [a.job.id, a.progress.position])).toEqual([
      [owners[0]!.id, 1],
      [owners[1]!.id, 2],
    ]);
    // Bob sees the front (others' prompts blanked) and his own job at its real place.
    const his = await c.api.call('jobs.queue', { limit: 2 }, bob);
    expect(his.waiting).toBe(6);
    expect(his.active.map((a) => a.progress.position)).toEqual([1, 2, his.active[2]!.progress.position]);
    expect(his.active[2]!.job.id).toBe(bobs.id);
    const everything = (await c.api.call('jobs.queue', {}, ctx)).active;
    expect(his.active[2]!.progress.position).toBe(everything.findIndex((a) => a.job.id === bobs.id) + 1);
    expect(his.active[0]!.job.prompt).toBe('');
  });

  it('pause holds the queue (jobs.queue shows positions), resume runs it; input validation errors are readable', async ({
    start,
  }) => {
    const c = await start();
    expect((await c.api.call('queue.pause', { paused: true }, ctx)).paused).toBe(true);
    const a = await c.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'one', params: { steps: 2, width: 512, height: 512 } },
      ctx,
    );
    const b = await c.api.call(
      'jobs.submit',
      { workflow: 'sdxl-txt2img', prompt: 'two', params: { steps: 2, width: 512, height: 512 } },
      ctx,
    );
    const snap = await c.api.call('jobs.queue', {}, ctx);
    expect(snap.paused).toBe(true);
    expect(snap.active.map((x) => [x.job.id, x.progress.position])).toEqual([
      [a.id, 1],
      [b.id, 2],
    ]);
    expect(c.healthSummary().queue).toMatchObject({ queued: 2, paused: true });
    await c.api.call('queue.pause', { paused: false }, ctx);
    await Promise.all([until(c, a.id, ['done']), until(c, b.id, ['done'])]);
    const err = await c.api
      .call('jobs.submit', { workflow: 'sdxl-txt2img', prompt: 'x', params: { cfg: 'lots' } }, ctx)
      .catch((e: unknown) => e as ApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/cfg must be a number/);
    const upload = await c.api
      .call('jobs.uploadInput', { filename: 'notes.txt', dataBase64: Buffer.from('hello').toString('base64') }, ctx)
      .catch((e: unknown) => e as ApiError);
    expect((upload as ApiError).message).toMatch(/not an image/);
  });

  it('imports an API-format workflow, refuses an editor-format one it cannot read with how to export, validates against the backend naming a missing model', async ({
    start,
  }) => {
    const c = await start({ allModels: false });
    const ui = await c.api
      .call(
        'workflows.propose',
        {
          fileName: 'mine.json',
          text: JSON.stringify({ nodes: [{ id: 1, type: 'NoSuchNode', mode: 0 }], links: [], version: 0.4 }),
        },
        ctx,
      )
      .catch((e: unknown) => e as ApiError);
    expect((ui as ApiError).message).toMatch(/the node class NoSuchNode[\s\S]*Export \(API\)/);
    const graph = JSON.parse(readFileSync(`${BUNDLED_DIR}/sdxl-txt2img/workflow.json`, 'utf8')) as unknown;
    const proposal = await c.api.call(
      'workflows.propose',
      { fileName: 'my sdxl.json', text: JSON.stringify(graph) },
      ctx,
    );
    expect(proposal.manifest.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['prompt', 'seed', 'steps']),
    );
    const changed = new Promise((resolve) => c.events.on('workflows.changed', resolve));
    const entry = await c.api.call(
      'workflows.import',
      { manifest: proposal.manifest, workflow: proposal.workflow },
      ctx,
    );
    expect(entry.source).toBe('imported');
    await changed;
    expect((await c.api.call('workflows.list', {}, ctx)).some((w) => w.manifest.id === entry.manifest.id)).toBe(true);
    const report = await c.api.call('workflows.validate', { id: 'sdxl-txt2img' }, ctx);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/sd_xl_base_1\.0\.safetensors|checkpoint/i);
    await c.api.call('workflows.remove', { id: entry.manifest.id }, ctx);
    expect((await c.api.call('workflows.list', {}, ctx)).some((w) => w.manifest.id === entry.manifest.id)).toBe(false);
  });
});

describe('library.reveal on the desktop', () => {
  it("hands the output's path to the shell's file manager", async ({ startCore }) => {
    const revealed: string[] = [];
    const c = await startCore({ revealPath: (p) => revealed.push(p) });
    c.store.users.upsert('desktop', 'You');
    const job = c.store.jobs.create({
      id: 'j-1',
      source: 'desktop',
      userId: 'desktop',
      workflow: 'sdxl-txt2img',
      params: {},
    });
    const file = `${c.config.libraryDir}/kept.png`;
    writeFileSync(file, 'png');
    const output = c.store.outputs.add({
      jobId: job.id,
      filePath: file,
      kind: 'image',
      mime: 'image/png',
      width: 1,
      height: 1,
      bytes: 3,
      userId: 'desktop',
      guildId: null,
      workflow: 'sdxl-txt2img',
      prompt: 'p',
      negative: '',
      seed: 1,
    });
    expect(await c.api.call('library.reveal', { id: output.id }, ctx)).toEqual({ path: file, opened: true });
    expect(revealed).toEqual([file]);
    // The library folder itself (Settings' "Show in folder").
    expect(await c.api.call('library.revealFolder', {}, ctx)).toEqual({ path: c.config.libraryDir, opened: true });
    expect(revealed).toEqual([file, c.config.libraryDir]);
    // The gallery's filters: who, where, which workflow, with names and counts.
    c.store.users.upsert('u-7', 'Alice');
    c.store.guilds.upsert('g-1', 'Studio');
    c.store.jobs.create({
      id: 'j-2',
      source: 'discord',
      userId: 'u-7',
      guildId: 'g-1',
      workflow: 'flux-txt2img',
      params: {},
    });
    for (let i = 0; i < 2; i++) {
      c.store.outputs.add({
        jobId: 'j-2',
        filePath: `${file}.${i}`,
        kind: 'image',
        mime: 'image/png',
        width: 1,
        height: 1,
        bytes: 3,
        userId: 'u-7',
        guildId: 'g-1',
        workflow: 'flux-txt2img',
        prompt: 'p',
        negative: '',
        seed: 1,
      });
    }
    expect(await c.api.call('library.facets', {}, ctx)).toEqual({
      users: [
        { id: 'u-7', name: 'Alice', count: 2 },
        { id: 'desktop', name: 'You', count: 1 },
      ],
      guilds: [{ id: 'g-1', name: 'Studio', count: 2 }],
      workflows: [
        { id: 'flux-txt2img', name: 'flux-txt2img', count: 2 },
        { id: 'sdxl-txt2img', name: 'sdxl-txt2img', count: 1 },
      ],
    });
  });
});

describe('names and reasons', () => {
  it('users.list gives display names for ids; health.run says when every backend is disabled', async ({
    startCore,
  }) => {
    const c = await startCore({ env: { COMFYDESK_COMFY_URLS: 'http://127.0.0.1:9' } });
    c.store.users.upsert('111', 'Alice');
    c.store.users.upsert('222', 'Bob');
    expect((await c.api.call('users.list', { ids: ['222', 'nobody'] }, ctx)).map((u) => u.name)).toEqual(['Bob']);
    expect((await c.api.call('users.list', {}, ctx)).map((u) => u.name).sort()).toEqual(['Alice', 'Bob']);
    const [backend] = await c.api.call('backends.list', {}, ctx);
    await c.api.call('backends.setEnabled', { id: backend!.id, enabled: false }, ctx);
    const none = await c.api.call('health.run', {}, ctx);
    expect(none.results[0]).toMatchObject({
      id: 'comfy-found',
      status: 'fail',
      details: expect.stringMatching(/^Every ComfyUI is disabled/),
      fixHint: 'Enable one in Settings → ComfyUI.',
    });
    const one = (await c.api.call('health.run', { backendId: backend!.id }, ctx).catch((e: unknown) => e)) as ApiError;
    expect(one.message).toMatch(/is disabled\. Enable it in Settings/);
  });
});
