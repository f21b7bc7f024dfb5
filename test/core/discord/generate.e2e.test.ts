import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbackType } from '@test/fakes/discord';
import { bodyOf, buttonIds, embedOf, startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('/generate end to end (fake Discord + fake ComfyUI + SQLite)', () => {
  it('defers, edits the progress message, then posts the PNG with buttons as a new message', async () => {
    // Discord's real pacing: 1.5 s between edits, with the fake's hidden edit limit on.
    world = await startWorld({ comfy: { script: { msPerStep: 300, previews: true } }, editIntervalMs: 1500 });
    const { discord } = world;
    const put = discord.callsTo('PUT', /\/guilds\/\d+\/commands$/)[0]!;
    expect((put.json as Array<{ name: string }>).map((c) => c.name).sort()).toEqual([
      'admin',
      'animate',
      'edit',
      'generate',
      'history',
      'link',
      'models',
      'owner',
      'queue',
      'settings',
      'status',
      'template',
      'upscale',
      'usage',
    ]);
    const edit = (
      put.json as Array<{ name: string; options: Array<{ name: string; type: number; file_types?: string[] }> }>
    ).find((c) => c.name === 'edit')!;
    expect(edit.options.filter((o) => o.type === 11).map((o) => [o.name, o.file_types])).toEqual([
      ['image', ['image']],
      ['image2', ['image']],
      ['image3', ['image']],
    ]);

    const handle = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a lighthouse at dusk', steps: 6, width: 512, height: 512, seed: 1234 },
    });
    const callback = await handle.waitForCallback();
    expect(callback.json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    expect(callback.status).toBe(204);
    const first = await handle.waitForEdit();
    expect(first.status).toBe(200);
    expect(embedOf(first).title).toBe('Queued');
    const progressId = (first.response as { id: string }).id;
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(job).toMatchObject({ source: 'discord', prompt: 'a lighthouse at dusk', workflow: 'sdxl-txt2img' });
    expect(job.params).toMatchObject({ steps: 6, width: 512, height: 512, seed: 1234 });

    const done = await world.waitJob(job.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    // The result is a new channel message sent with the bot token, not through the interaction webhook.
    expect(post.path).toBe(`/channels/${discord.channel('general').id}/messages`);
    expect(post.headers.authorization).toMatch(/^Bot /);
    const output = world.core.store.outputs.byJob(job.id)[0]!;
    expect(post.files).toHaveLength(1);
    expect(post.files[0]!.bytes.equals(readFileSync(output.filePath))).toBe(true);
    expect(post.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(buttonIds(post)).toEqual(
      ['upscale2', 'upscale4', 'vary', 'edit', 'animate', 'rerun', 'delete'].map((a) => `cd:${a}:${job.id}`),
    );
    const embed = embedOf(post);
    expect(embed.description).toContain('a lighthouse at dusk');
    expect(JSON.stringify(embed.fields)).toContain('1234');
    expect((embed.image as { url: string }).url).toMatch(/result-1\.png/);
    expect(bodyOf(post).content).toBe(`<@${discord.user('alice').id}>`);
    await world.core.bot.idle();

    // Progress edits: the interaction's @original, ending in Done (100%), never a 429.
    const edits = handle.calls().filter((c) => c.method === 'PATCH');
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(embedOf(edits.at(-1)!).title).toBe('Done');
    const withPreview = edits.filter((e) => e.files.some((f) => /^preview\.(jpg|png|webp)$/.test(f.filename)));
    expect(withPreview.length).toBeGreaterThanOrEqual(1);
    expect((embedOf(withPreview[0]!).image as { url: string }).url).toMatch(/^attachment:\/\/preview\./);
    expect(
      edits.some((e) => embedOf(e).title === 'Generating…' && String(embedOf(e).description).includes('Sampling')),
    ).toBe(true);
    expect(embedOf(edits.at(-1)!).description).toContain('100%');
    // The progress message says Done before the result appears: never "Generating… 54%" above a posted result.
    const doneEdit = edits.find((e) => embedOf(e).title === 'Done')!;
    expect(doneEdit.seq).toBeLessThan(post.seq);
    expect(edits.filter((e) => e.seq > post.seq).every((e) => embedOf(e).title === 'Done')).toBe(true);
    // Percent and step come from one state: a shown step never says more done than the percent.
    for (const e of edits) {
      const m = /\*\*(\d+)%\*\*[\s\S]*step (\d+)\/(\d+)/.exec(String(embedOf(e).description));
      if (m) expect(Number(m[1])).toBeLessThanOrEqual(100);
    }
    expect(discord.rateLimitedCount).toBe(0);
    expect(world.core.store.jobs.get(job.id)!.messages.progress).toBe(progressId);
    expect(world.core.store.jobs.get(job.id)!.messages.results).toEqual([(post.response as { id: string }).id]);
  });

  it('refuses an out-of-range option ephemerally, naming it; autocomplete finds any LoRA past the first 25', async () => {
    world = await startWorld();
    const { discord } = world;
    const bad = discord.interactions.slash({ name: 'generate', user: 'alice', options: { prompt: 'x', steps: 500 } });
    const cb = await bad.waitForCallback();
    expect(cb.json).toMatchObject({ type: CallbackType.ChannelMessageWithSource, data: { flags: 64 } });
    expect(JSON.stringify(cb.json)).toContain('Option `steps`: must be at most 100 (got 500)');
    expect(world.core.store.jobs.list({ limit: 10 })).toHaveLength(0);

    const ac = discord.interactions.autocomplete({
      name: 'generate',
      user: 'alice',
      focused: 'lora',
      value: 'style-a',
    });
    const answer = await ac.waitForCallback();
    expect(answer.json).toEqual({
      type: CallbackType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'anime/style-a.safetensors', value: 'anime/style-a.safetensors' }] },
    });
    const wf = await discord.interactions
      .autocomplete({ name: 'generate', user: 'alice', focused: 'workflow', value: 'flux' })
      .waitForCallback();
    expect((wf.json as { data: { choices: Array<{ value: string }> } }).data.choices.map((c) => c.value)).toEqual([
      'flux-txt2img',
    ]);
  });

  it('model: autocomplete lists the checkpoints, the chosen file runs; a workflow that cannot run says why', async () => {
    world = await startWorld({
      editModels: (m) => {
        m.checkpoints = [...(m.checkpoints ?? []), 'juggernautXL_v9.safetensors'];
        m.diffusion_models = (m.diffusion_models ?? []).filter((f) => !f.startsWith('flux1-dev'));
      },
    });
    const { discord, core } = world;
    // Once ComfyUI has listed its files (before that, workflows wait with "Checking…").
    await vi.waitFor(async () => {
      const readiness = await core.api.call('workflows.readiness', {});
      expect(readiness.find((r) => r.id === 'flux-txt2img')?.state).toBe('never');
    });
    const models = await discord.interactions
      .autocomplete({ name: 'generate', user: 'alice', focused: 'model', value: 'jugg' })
      .waitForCallback();
    expect(models.json).toMatchObject({
      data: { choices: [{ name: 'juggernautXL_v9.safetensors', value: 'juggernautXL_v9.safetensors' }] },
    });
    const wf = await discord.interactions
      .autocomplete({ name: 'generate', user: 'alice', focused: 'workflow', value: 'flux' })
      .waitForCallback();
    const [flux] = (wf.json as { data: { choices: Array<{ name: string; value: string }> } }).data.choices;
    expect(flux!.value).toBe('flux-txt2img');
    expect(flux!.name).toMatch(/^⚠ .*cannot run: .*flux1-dev/);

    const handle = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a fox', steps: 2, width: 512, height: 512, model: 'juggernautXL_v9.safetensors' },
    });
    await handle.waitForEdit();
    const job = world.core.store.jobs.byUser(discord.user('alice').id)[0]!;
    expect(job.models).toMatchObject({ 'models.sdxl.checkpoint': 'juggernautXL_v9.safetensors' });
    expect((await world.waitJob(job.id, ['done', 'failed'])).status).toBe('done');
    const graph = world.comfy.prompts.find((p) => p.promptId === job.promptId)?.prompt;
    expect(JSON.stringify(graph)).toContain('juggernautXL_v9.safetensors');
  });
});
