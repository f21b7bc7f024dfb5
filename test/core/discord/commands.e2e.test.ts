import { afterEach, describe, expect, it } from 'vitest';
import { CallbackType, type InteractionHandle } from '@test/fakes/discord';
import { embedOf, startWorld, type World } from './world';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function text(h: InteractionHandle): Promise<string> {
  const cb = await h.waitForCallback();
  if ((cb.json as { type: number }).type === CallbackType.DeferredChannelMessageWithSource) {
    return JSON.stringify((await h.waitForEdit()).json);
  }
  return JSON.stringify(cb.json);
}

const gen = (prompt: string) => ({ prompt, steps: 2, width: 512, height: 512 });

describe('the other commands', () => {
  it('/history list, view and rerun; /status and /models; template load autocomplete', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const g = discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('history item') });
    await g.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await world.resultPost(job.id);

    expect(await text(discord.interactions.slash({ name: 'history', subcommand: 'list', user: 'alice' }))).toContain(
      `#${job.number}`,
    );
    expect(await text(discord.interactions.slash({ name: 'history', subcommand: 'list', user: 'bob' }))).toContain(
      'No jobs yet',
    );
    const view = await text(
      discord.interactions.slash({
        name: 'history',
        subcommand: 'view',
        user: 'alice',
        options: { id: `#${job.number}` },
      }),
    );
    expect(view).toContain('history item');
    // Bob cannot see Alice's job, even with its full id.
    expect(
      await text(
        discord.interactions.slash({ name: 'history', subcommand: 'view', user: 'bob', options: { id: job.id } }),
      ),
    ).toContain('No job');
    const ids = await discord.interactions
      .autocomplete({ name: 'history', subcommand: 'view', user: 'bob', focused: 'id', value: '' })
      .waitForCallback();
    expect(ids.json).toEqual({ type: CallbackType.ApplicationCommandAutocompleteResult, data: { choices: [] } });

    const rerun = discord.interactions.slash({
      name: 'history',
      subcommand: 'rerun',
      user: 'alice',
      options: { id: job.id },
    });
    expect((await rerun.waitForCallback()).json).toMatchObject({ type: CallbackType.DeferredChannelMessageWithSource });
    await rerun.waitForEdit();
    const again = core.store.jobs.byUser(discord.user('alice').id).find((j) => j.parentJobId === job.id)!;
    expect(again.params.seed).toBe(job.params.seed);
    await world.resultPost(again.id);

    const status = await text(discord.interactions.slash({ name: 'status', user: 'bob' }));
    expect(status).toContain('online');
    expect(status).toContain('Queue');
    // Each ComfyUI by name, with its version and its GPU (the fake reports the recording's CPU device).
    const backend = core.healthSummary().comfy.backends[0]!;
    expect(status).toContain(`**${backend.name}**`);
    expect(status).toContain('ComfyUI 0.3.64');
    expect(status).toContain('CPU');
    expect(status).not.toMatch(/• idle/);
    const models = await text(discord.interactions.slash({ name: 'models', user: 'bob' }));
    expect(models).toContain('detail-tweaker.safetensors');
    expect(models).toContain('Checkpoints');

    const templateEvents: Array<{ id: number; template: { name: string } | null }> = [];
    core.events.on('templates.changed', (e) => templateEvents.push(e));
    await text(
      discord.interactions.slash({
        name: 'template',
        subcommand: 'save',
        user: 'alice',
        options: { name: 'Moody sky', prompt: '{prompt}, dramatic sky', steps: 12 },
      }),
    );
    // The desktop's template list hears about it.
    expect(templateEvents.map((e) => e.template?.name)).toEqual(['Moody sky']);
    const ac = await discord.interactions
      .autocomplete({ name: 'template', subcommand: 'load', user: 'alice', focused: 'name', value: 'sky' })
      .waitForCallback();
    expect(ac.json).toMatchObject({ data: { choices: [{ value: 'Moody sky' }] } });
    const withTemplate = discord.interactions.slash({
      name: 'generate',
      user: 'alice',
      options: { prompt: 'a harbour', template: 'Moody sky' },
    });
    await withTemplate.waitForEdit();
    const t = core.store.jobs.byUser(discord.user('alice').id).find((j) => j.prompt === 'a harbour, dramatic sky')!;
    expect(t.params.steps).toBe(12);
    await world.resultPost(t.id);
    await core.bot.idle();
  });

  it('a failed job edits its progress message to the error; the progress Cancel button is checked', async () => {
    world = await startWorld({
      comfy: { script: { msPerStep: 5, fail: { node: 'KSampler', step: 1, message: 'CUDA out of memory' } } },
    });
    const { discord, core } = world;
    const g = discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('doomed') });
    const first = await g.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    const progressId = (first.response as { id: string }).id;
    expect(embedOf(first).title).toBe('Queued');
    const bobCancel = await discord.interactions
      .button({ user: 'bob', customId: `cd:cancel:${job.id}`, message: progressId })
      .waitForCallback();
    expect(JSON.stringify(bobCancel.json)).toContain('Only server admins');
    await world.waitJob(job.id, ['failed', 'done', 'cancelled']);
    await core.bot.idle();
    const last = g
      .calls()
      .filter((c) => c.method === 'PATCH')
      .at(-1)!;
    expect(embedOf(last).title).toBe('Generation failed');
    expect(String(embedOf(last).description)).toContain('What to do');
    // Out of memory: what helps is a smaller job or free VRAM, not "try again".
    expect(String(embedOf(last).description)).toContain('Try a smaller size or batch');
    expect(String(embedOf(last).description)).not.toMatch(/try again/i);
    expect(discord.callsTo('POST', /^\/channels\/\d+\/messages$/)).toHaveLength(0);
  });

  it('goes to reconnecting and back online when the gateway drops, then retries the outbox', async () => {
    world = await startWorld();
    const { discord, core } = world;
    const general = discord.channel('general').id;
    discord.inject({
      method: 'POST',
      path: `/channels/${general}/messages`,
      status: 503,
      body: { message: 'Service Unavailable', code: 0 },
      times: 4,
    });
    const g = discord.interactions.slash({ name: 'generate', user: 'alice', options: gen('after the storm') });
    await g.waitForEdit();
    const job = core.store.jobs.byUser(discord.user('alice').id)[0]!;
    await world.waitJob(job.id, 'done');
    await core.bot.idle();
    expect(core.store.outbox.get(job.id)).toMatchObject({ attempts: 1 });
    const seen: string[] = [];
    core.events.on('bot.changed', (s) => seen.push(s.status));
    const back = new Promise<void>((resolve) => {
      const off = core.events.on('bot.changed', (s) => {
        if (s.status === 'online') {
          off();
          resolve();
        }
      });
    });
    discord.disconnect();
    await back;
    expect(seen).toEqual(['reconnecting', 'online']);
    expect(core.healthSummary().bot.status).toBe('online');
    const post = await world.resultPost(job.id);
    expect(post.status).toBe(200);
    await core.bot.idle();
    expect(core.store.outbox.get(job.id)).toBeNull();
  });
});
