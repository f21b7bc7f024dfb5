import { readFileSync } from 'node:fs';
import { afterEach, describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import { it } from '@test/helpers/fixtures';
import { startHarness, type Harness } from './harness';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  open.push(h);
  return h;
}

const sdxl = (prompt: string, extra: Record<string, unknown> = {}) => ({
  workflow: 'sdxl-txt2img',
  prompt,
  params: { steps: 4, width: 512, height: 512, ...extra },
});

function transitionsOf(h: Harness, id: string): string[] {
  return h.store.jobs.transitions(id).map((t) => t.to);
}

describe('jobs engine against the fake ComfyUI', () => {
  it('runs a job through every state, stores its PNG, and sends the stored seed and prompt to ComfyUI', async () => {
    const h = await harness();
    const job = h.engine.submit({
      ...sdxl('a lighthouse at dusk'),
      params: { steps: 4, width: 512, height: 512, seed: -1 },
    });
    expect(job.status).toBe('queued');
    const seed = job.params.seed as number;
    expect(seed).toBeGreaterThanOrEqual(0);
    const done = await h.waitFor(job.id, ['done', 'failed']);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(transitionsOf(h, job.id)).toEqual(['queued', 'submitted', 'running', 'collecting', 'done']);
    const outputs = h.store.outputs.byJob(job.id);
    expect(outputs).toHaveLength(1);
    expect(readFileSync(outputs[0]!.filePath).subarray(1, 4).toString()).toBe('PNG');
    expect(outputs[0]).toMatchObject({ width: 512, height: 512, kind: 'image', prompt: 'a lighthouse at dusk', seed });
    expect(outputs[0]!.filePath).toMatch(/[/\\]\d{4}-\d{2}-\d{2}[/\\]/);
    await h.library.thumbnailsIdle();
    expect(h.store.outputs.get(outputs[0]!.id)!.thumbnailPath).toMatch(/\.webp$/);
    expect(h.library.search({ text: 'lighthouse' }).items.map((o) => o.jobId)).toEqual([job.id]);
    const sent = h.fake.prompts.find((p) => p.promptId === done.promptId)!;
    const graph = sent.prompt as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const sampler = Object.values(graph).find((n) => n.class_type === 'KSampler')!;
    expect(sampler.inputs.seed).toBe(seed);
    expect(
      Object.values(graph).some((n) => n.class_type === 'CLIPTextEncode' && n.inputs.text === 'a lighthouse at dusk'),
    ).toBe(true);
    // progress went out, monotonic, ending at the sampler's last step
    const mine = h.progress.filter((p) => p.jobId === job.id && p.status !== 'queued');
    expect(mine.length).toBeGreaterThan(0);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.percent).toBeGreaterThanOrEqual(mine[i - 1]!.percent);
  });

  it('refuses bad parameters naming each, and unknown workflows listing the available ones', async () => {
    const h = await harness();
    const bad = (() => {
      try {
        h.engine.submit(sdxl('x', { steps: 500, width: 513 }));
      } catch (err) {
        return err as ApiError;
      }
      return null;
    })();
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad!.code).toBe('bad_request');
    expect(bad!.message).toMatch(/steps must be at most 100/);
    expect(bad!.message).toMatch(/width must be/);
    expect(() => h.engine.submit({ workflow: 'nope', prompt: 'x' })).toThrow(/Unknown workflow 'nope'.*sdxl-txt2img/);
    expect(h.store.jobs.countByStatus().queued).toBe(0);
  });

  it('starts with one job of each user and keeps two prompts on the backend (running + one waiting)', async () => {
    const h = await harness({ perUserLimit: 20 });
    h.fake.setScript({ hold: true });
    h.engine.setPaused(true);
    const ids: Record<string, string[]> = { alice: [], bob: [], carol: [] };
    for (const user of ['alice', 'bob', 'carol']) {
      for (let i = 0; i < 10; i++) {
        ids[user]!.push(
          h.engine.submit({ ...sdxl(`${user} ${i}`), source: 'discord', userId: user, guildId: 'g1', channelId: 'c1' })
            .id,
        );
      }
    }
    h.engine.setPaused(false);
    // The first prompt is held on its first step: the backend holds it plus exactly one more.
    await h.fake.waitForHeld();
    await h
      .waitFor(h.store.jobs.byStatus(['submitted', 'running'])[1]?.id ?? '', ['submitted', 'running'])
      .catch(() => {});
    const inFlight = () => h.store.jobs.byStatus(['submitted', 'running']).length;
    expect(inFlight()).toBe(2);
    h.fake.setScript({ hold: false });
    h.fake.release();
    await h.waitAllEnded();
    const order = h.store.jobs
      .byStatus(['done'])
      .sort((a, b) => a.submittedAt! - b.submittedAt! || (a.id < b.id ? -1 : 1))
      .map((j) => j.userId);
    expect(order).toHaveLength(30);
    // Nobody has used the GPU yet: the first three go to three users (the GPU-time share: fair-share.test.ts).
    expect(new Set(order.slice(0, 3)).size).toBe(3);
  });

  it('refuses over the per-user limit and the global limit with readable reasons; the desktop user has no per-user limit', async () => {
    const h = await harness({ perUserLimit: 2 });
    h.engine.setPaused(true);
    const ask = () => h.engine.submit({ ...sdxl('x'), source: 'discord', userId: 'u1' });
    ask();
    ask();
    expect(ask).toThrow(/You already have 2 jobs waiting or running; the limit here is 2/);
    for (let i = 0; i < 4; i++) h.engine.submit(sdxl(`desk ${i}`));
    h.store.settings.update({ queue: { globalLimit: 6 } });
    try {
      h.engine.submit(sdxl('one too many'));
      expect.unreachable();
    } catch (err) {
      expect((err as ApiError).code).toBe('limit');
      expect((err as ApiError).message).toMatch(/queue is full \(6 jobs, the limit is 6\)/);
    }
  });

  it('cancels in every state: queued (removed), waiting in ComfyUI (deleted), running (interrupted)', async () => {
    const h = await harness();
    h.fake.setScript({ hold: true });
    const running = h.engine.submit(sdxl('running one'));
    const waiting = h.engine.submit(sdxl('waiting one'));
    const queued = h.engine.submit(sdxl('queued one'));
    await h.fake.waitForHeld();
    await h.waitFor(running.id, 'running');
    await h.waitFor(waiting.id, 'submitted');
    expect(h.store.jobs.get(queued.id)!.status).toBe('queued');

    const r1 = await h.engine.cancel(queued.id);
    expect(r1.action).toBe('removed');
    expect(r1.job.status).toBe('cancelled');

    const r2 = await h.engine.cancel(waiting.id);
    expect(r2.action).toBe('deleted');
    expect((await h.waitFor(waiting.id, ['cancelled', 'failed'])).status).toBe('cancelled');
    expect(h.fake.deleted.flat()).toContain(h.store.jobs.get(waiting.id)!.promptId);

    const r3 = await h.engine.cancel(running.id);
    expect(r3.action).toBe('interrupting');
    h.fake.release();
    expect((await h.waitFor(running.id, ['cancelled', 'failed', 'done'])).status).toBe('cancelled');
    expect(h.fake.interrupts.some((i) => i.promptId === h.store.jobs.get(running.id)!.promptId)).toBe(true);
    // Cancelling an ended job changes nothing.
    expect((await h.engine.cancel(running.id)).action).toBe('already-ended');
    expect(transitionsOf(h, running.id).filter((s) => s === 'cancelled')).toHaveLength(1);
  });

  it('keeps a node error readable and does not retry it', async () => {
    const h = await harness();
    h.fake.setScript({ fail: { node: 'KSampler', kind: 'oom' } });
    const job = h.engine.submit(sdxl('too big'));
    const failed = await h.waitFor(job.id, ['failed', 'done']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/out of GPU memory in KSampler/);
    expect(failed.errorHint).toMatch(/smaller size or batch.*free VRAM/);
    expect(failed.attempts).toBe(0);
    expect(h.fake.prompts.filter((p) => p.promptId === failed.promptId)).toHaveLength(1);
  });

  it('retries once when ComfyUI restarts and loses the job, then completes it', async () => {
    const h = await harness();
    h.fake.setScript({ hold: true });
    const job = h.engine.submit(sdxl('survivor'));
    await h.fake.waitForHeld();
    const firstPrompt = h.store.jobs.get(job.id)!.promptId;
    h.fake.setScript({ hold: false });
    await h.fake.crash();
    await h.fake.restart();
    const done = await h.waitFor(job.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expect(done.attempts).toBe(1);
    expect(done.promptId).not.toBe(firstPrompt);
    expect(h.store.jobs.transitions(job.id).some((t) => t.to === 'queued' && /retry/.test(t.reason ?? ''))).toBe(true);
  });

  it('clears one user’s queued jobs and leaves the others', async () => {
    const h = await harness({ perUserLimit: 10 });
    h.engine.setPaused(true);
    for (let i = 0; i < 3; i++) h.engine.submit({ ...sdxl(`a${i}`), source: 'discord', userId: 'a' });
    const other = h.engine.submit({ ...sdxl('b'), source: 'discord', userId: 'b' });
    expect(h.engine.clearUser('a')).toBe(3);
    expect(h.store.jobs.get(other.id)!.status).toBe('queued');
    expect(h.engine.snapshot().active.map((a) => a.job.id)).toEqual([other.id]);
    expect(h.engine.snapshot().active[0]!.progress.position).toBe(1);
  });

  it('reruns a job with its parameters (new seed when asked) as the desktop user or the original user', async () => {
    const h = await harness();
    const first = h.engine.submit({
      ...sdxl('rerun me', { seed: 42 }),
      source: 'discord',
      userId: 'u9',
      guildId: 'g',
      channelId: 'c',
    });
    await h.waitFor(first.id, 'done');
    const same = h.engine.rerun({ id: first.id, asOriginalUser: false });
    expect(same.userId).toBe('desktop');
    expect(same.params.seed).toBe(42);
    expect(same.parentJobId).toBe(first.id);
    const vary = h.engine.rerun({ id: first.id, asOriginalUser: true, seed: -1 });
    expect(vary.userId).toBe('u9');
    expect(vary.guildId).toBe('g');
    expect(vary.params.seed).not.toBe(-1);
    await h.waitAllEnded();
  });
});

describe('jobs engine across a graceful restart', () => {
  it('a job running on ComfyUI when the app quits is picked up again, not retried or run twice', async ({
    startComfy,
    equippedModels,
    tempDir,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { hold: true } });
    const dataDir = tempDir('comfydesk-restart-');
    const first = await startHarness({ fakeInstance: fake, dataDir });
    const job = first.engine.submit(sdxl('across a restart'));
    await fake.waitForHeld();
    await first.waitFor(job.id, 'running');
    const promptId = first.store.jobs.get(job.id)!.promptId;
    // Quit: backends stop watching (their waiters are told "unreachable"); nothing may be retried because of it.
    await first.close();
    const second = await harness({ fakeInstance: fake, dataDir });
    fake.setScript({ hold: false });
    fake.release();
    const done = await second.waitFor(job.id, ['done', 'failed', 'cancelled']);
    expect(done.status).toBe('done');
    expect(done.attempts).toBe(0);
    expect(done.promptId).toBe(promptId);
    expect(second.store.jobs.transitions(job.id).map((t) => t.to)).toEqual([
      'queued',
      'submitted',
      'running',
      'collecting',
      'done',
    ]);
    expect(fake.prompts.filter((p) => p.promptId === promptId)).toHaveLength(1);
    expect(fake.prompts).toHaveLength(1);
    await second.close();
    open.splice(open.indexOf(second), 1);
  });
});
