import { afterEach, describe, expect, it } from 'vitest';
import { CallbackType } from '@test/fakes/discord';
import { buttonIds, embedOf, startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('result buttons (persistent custom ids resolved from SQLite)', () => {
  it('work after the core restarts; each click is permission-checked; Edit opens a modal that queues an edit', async () => {
    world = await startWorld();
    const { discord } = world;
    const aliceId = discord.user('alice').id;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a castle', steps: 3, width: 512, height: 512 },
    });
    await h.waitForCallback();
    await h.waitForEdit();
    const job = world.core.store.jobs.byUser(aliceId)[0]!;
    const post = await world.resultPost(job.id);
    const resultId = (post.response as { id: string }).id;
    expect(buttonIds(post)).toContain(`cd:vary:${job.id}`);
    await world.core.bot.idle();

    await world.restart();

    // Bob (not the author, not an admin) may not delete Alice's result.
    const bobDelete = discord.interactions.button({ user: 'bob', customId: `cd:delete:${job.id}`, message: resultId });
    const refused = await bobDelete.waitForCallback();
    expect(refused.json).toMatchObject({ type: CallbackType.ChannelMessageWithSource, data: { flags: 64 } });
    expect(JSON.stringify(refused.json)).toContain('Only the person who asked for it');
    expect(discord.message(resultId)).toBeTruthy();

    // Vary after the restart: a new job from the same prompt with a new seed, as the clicker.
    const vary = discord.interactions.button({ user: 'alice', customId: `cd:vary:${job.id}`, message: resultId });
    expect((await vary.waitForCallback()).json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    await vary.waitForEdit();
    const child = world.core.store.jobs.byUser(aliceId).find((j) => j.parentJobId === job.id)!;
    expect(child).toMatchObject({ prompt: 'a castle', workflow: 'sdxl-txt2img' });
    expect(child.params.steps).toBe(3);
    expect(child.params.seed).not.toBe(job.params.seed);
    await world.resultPost(child.id);

    // Edit: a modal (first response), then the submit queues an edit job on the result image.
    const edit = discord.interactions.button({ user: 'alice', customId: `cd:edit:${job.id}`, message: resultId });
    const modal = await edit.waitForCallback();
    expect(modal.json).toMatchObject({ type: CallbackType.Modal, data: { custom_id: `cd:edit:${job.id}` } });
    const submit = discord.interactions.modalSubmit({
      user: 'alice',
      customId: `cd:edit:${job.id}`,
      fields: { text: 'make it night' },
      message: resultId,
    });
    expect((await submit.waitForCallback()).json).toMatchObject({
      type: CallbackType.DeferredChannelMessageWithSource,
    });
    await submit.waitForEdit();
    const editJob = world.core.store.jobs.byUser(aliceId).find((j) => j.prompt === 'make it night')!;
    expect(world.core.workflows.get(editJob.workflow)?.manifest.kind).toBe('edit');
    expect(editJob.inputs[0]!.path).toBe(world.core.store.outputs.byJob(job.id)[0]!.filePath);

    // A forged id never reaches anything.
    const forged = discord.interactions.button({
      user: 'alice',
      customId: 'cd:vary:no-such-job',
      message: (post.response as { id: string }).id,
    });
    expect(JSON.stringify((await forged.waitForCallback()).json)).toContain('no longer exists');

    // The author deletes the result: deferred update, then the message is gone.
    const del = discord.interactions.button({ user: 'alice', customId: `cd:delete:${job.id}`, message: resultId });
    expect((await del.waitForCallback()).json).toEqual({ type: CallbackType.DeferredMessageUpdate });
    const gone = await del.waitForCall((c) => c.method === 'DELETE');
    expect(gone.status).toBe(204);

    await world.resultPost(editJob.id);
    await world.core.bot.idle();
  });
});

describe('upscale and animate buttons', () => {
  it('Upscale 4× queues the upscale workflow on the result image; Animate opens a modal and queues image-to-video', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const aliceId = discord.user('alice').id;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a kite', steps: 2, width: 512, height: 512 },
    });
    await h.waitForEdit();
    const job = core.store.jobs.byUser(aliceId)[0]!;
    const post = await world.resultPost(job.id);
    const resultId = (post.response as { id: string }).id;
    const image = core.store.outputs.byJob(job.id)[0]!.filePath;

    const up = discord.interactions.button({ user: 'alice', customId: `cd:upscale4:${job.id}`, message: resultId });
    expect((await up.waitForCallback()).json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    await up.waitForEdit();
    const upJob = core.store.jobs.byUser(aliceId).find((j) => j.parentJobId === job.id && j.workflow === 'upscale')!;
    expect(upJob.params.scale).toBe('4x');
    expect(upJob.inputs).toEqual([expect.objectContaining({ slot: 0, path: image })]);

    const anim = discord.interactions.button({ user: 'alice', customId: `cd:animate:${job.id}`, message: resultId });
    expect((await anim.waitForCallback()).json).toMatchObject({
      type: CallbackType.Modal,
      data: { custom_id: `cd:animate:${job.id}`, title: 'Animate this image' },
    });
    const submit = discord.interactions.modalSubmit({
      user: 'alice',
      customId: `cd:animate:${job.id}`,
      fields: { text: 'the kite flies away' },
      message: resultId,
    });
    await submit.waitForEdit();
    const animJob = core.store.jobs.byUser(aliceId).find((j) => j.prompt === 'the kite flies away')!;
    expect(core.workflows.get(animJob.workflow)!.manifest.kind).toBe('img2video');
    expect(animJob.inputs[0]!.path).toBe(image);
    for (const j of [upJob, animJob]) await world.waitJob(j.id, ['done', 'failed']);
    await core.bot.idle();
  });
});

describe('restart during a job', () => {
  it('the new core keeps editing the stored progress message and delivers the result', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 5, hold: { step: 1 } } } });
    const { discord, comfy } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'across a restart', steps: 3, width: 512, height: 512 },
    });
    const first = await h.waitForEdit();
    const progressId = (first.response as { id: string }).id;
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await comfy.waitForHeld();
    await world.restart();
    comfy.release();
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    await world.core.bot.idle();
    const last = discord.calls
      .filter((c) => c.method === 'PATCH' && (c.path.endsWith(progressId) || c.path.includes(h.token)))
      .at(-1)!;
    expect(embedOf(last).title).toBe('Done');
    expect(discord.message(progressId)?.embeds[0]).toMatchObject({ title: 'Done' });
  });
});

describe('/queue cancel', () => {
  it('interrupts a running job and the progress message says Cancelled', async () => {
    world = await startWorld({ comfy: { script: { msPerStep: 5, hold: { step: 2 } } } });
    const { discord, comfy } = world;
    const h = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'slow one', steps: 8, width: 512, height: 512 },
    });
    await h.waitForEdit();
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await comfy.waitForHeld();
    await world.waitJob(job.id, 'running');
    // Bob may not cancel Alice's job.
    const bob = discord.interactions.slash({
      name: 'queue',
      subcommand: 'cancel',
      user: 'bob',
      options: { id: job.id },
    });
    expect(JSON.stringify((await bob.waitForCallback()).json)).toContain('No job');
    const cancel = discord.interactions.slash({
      name: 'queue',
      subcommand: 'cancel',
      user: 'alice',
      options: { id: job.id.slice(0, 8) },
    });
    const answer = await cancel.waitForCallback();
    expect(answer.json).toMatchObject({ type: CallbackType.ChannelMessageWithSource, data: { flags: 64 } });
    expect(JSON.stringify(answer.json)).toContain('interrupted');
    comfy.release();
    expect((await world.waitJob(job.id, ['cancelled', 'failed', 'done'])).status).toBe('cancelled');
    expect(comfy.interrupts.length).toBeGreaterThanOrEqual(1);
    await world.core.bot.idle();
    const last = h
      .calls()
      .filter((c) => c.method === 'PATCH')
      .at(-1)!;
    expect(embedOf(last).title).toBe('Cancelled');
  });
});
