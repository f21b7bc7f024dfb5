/**
 * Daily GPU quotas and /usage through the core API, as the bot calls them for a Discord user: the whole core on
 * the fake ComfyUI, each prompt taking a scripted time on the injected clock.
 */
import { describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import type { Job } from '@shared/jobs';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { FakeClock } from '@test/helpers/fake-clock';
import { test, type CoreFixtures } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '../workflows/helpers';
import { gpuHostOf, runScriptedGpu } from '../jobs/scripted-gpu';

const GUILD = '900000000000000001';
const alice = discordUser('700000000000000001', 'alice');
const job = (prompt: string, steps = 4) => ({
  workflow: 'sdxl-txt2img',
  prompt,
  params: { steps, width: 512, height: 512 },
});
/** 5 s of GPU time per step. */
const durationOf = (j: Job): number => Number(j.params.steps) * 5_000;

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const it = test.extend<{ world: Awaited<ReturnType<typeof makeWorld>> }>({
  world: async ({ startComfy, startCore, equippedModels }, use) => {
    await use(await makeWorld(startComfy, startCore, equippedModels));
  },
});

async function makeWorld(
  startComfy: CoreFixtures['startComfy'],
  startCore: CoreFixtures['startCore'],
  models: CoreFixtures['equippedModels'],
) {
  // Monday 2 March 2026, 23:00 in UTC: the day ends in an hour.
  const clock = new FakeClock(Date.UTC(2026, 2, 2, 23));
  const fake = await startComfy({ models, now: () => clock.now(), script: { msPerStep: 0, hold: { step: 1 } } });
  const core = await startCore({ comfyUrl: fake.url, workflowsDir: BUNDLED_DIR, clock });
  core.store.guilds.upsert(GUILD, 'Test server');
  // Everyone in the server: 1 GPU minute a day, days in UTC.
  await core.api.call('bot.updateGuild', {
    id: GUILD,
    settings: { timeZone: 'UTC', shares: [{ roleId: GUILD, dailyMinutes: 1 }] },
  });
  const asAlice = <M extends 'jobs.submit' | 'usage.me'>(method: M, input: unknown) =>
    core.api.dispatch(method, input, asDiscordUser(alice)).then((r) => {
      if (!r.ok) throw new ApiError(r.error);
      return r.output as never;
    });
  const run = (n: number) => {
    let left = n;
    return runScriptedGpu(gpuHostOf(core, fake), clock, { durationOf, stop: () => left-- <= 0 });
  };
  return { clock, fake, core, asAlice, run };
}

describe('daily GPU quotas', () => {
  it('refuses the job that would go past the quota with what is left and the reset, and accepts it after midnight', async ({
    world,
  }) => {
    const { clock, core, asAlice, run } = world;
    const first: Job = await asAlice('jobs.submit', job('one'));
    const second: Job = await asAlice('jobs.submit', job('two'));
    await run(2); // 20 s + 20 s
    expect(core.store.jobs.get(first.id)!.execMs).toBe(20_000);
    expect(core.store.jobs.get(second.id)!.execMs).toBe(20_000);
    // 40 s used of 60: one more fits, and then the quota is reached.
    await asAlice('jobs.submit', job('three'));
    await run(1);
    const refused = await refusal(asAlice('jobs.submit', job('four')));
    expect(refused.code).toBe('limit');
    expect(refused.message).toContain('You have used 1 min of your 1 min of GPU time today in this server');
    expect(refused.message).toContain('0 s left');
    expect(refused.hint).toContain('It resets at midnight (UTC): Tue 00:00, in 59 min');
    // /usage says the same numbers: the sum of the runs.
    const me: { todayMs: number; weekMs: number; quota: { leftMs: number; resetsAt: number } } = await asAlice(
      'usage.me',
      {},
    );
    const sum = core.store.jobs.byUser(alice.userId).reduce((s, j) => s + (j.execMs ?? 0), 0);
    expect(sum).toBe(60_000);
    expect(me.todayMs).toBe(sum);
    expect(me.weekMs).toBe(sum);
    expect(me.quota).toMatchObject({ leftMs: 0, resetsAt: Date.UTC(2026, 2, 3) });
    // After midnight the day starts again.
    clock.advance(Date.UTC(2026, 2, 3, 0, 0, 1) - clock.now());
    const fourth: Job = await asAlice('jobs.submit', job('four'));
    expect(fourth.status).toBe('queued');
    const after: { todayMs: number; weekMs: number } = await asAlice('usage.me', {});
    expect(after.todayMs).toBe(0);
    expect(after.weekMs).toBe(60_000);
  });

  it('counts what the person’s jobs not finished yet are expected to take: the job that would start past it is refused', async ({
    world,
  }) => {
    const { asAlice, run } = world;
    await asAlice('jobs.submit', job('teach', 2)); // 10 s: now an 8-step job is expected to take 40 s
    await run(1);
    await asAlice('jobs.submit', job('long one', 8));
    // It would start at 50 s of the minute: accepted.
    const second: Job = await asAlice('jobs.submit', job('long two', 8));
    expect(second.status).toBe('queued');
    // This one would start at 1 min 30 s: refused.
    const refused = await refusal(asAlice('jobs.submit', job('long three', 8)));
    expect(refused.message).toContain('You have used 10 s of your 1 min');
    expect(refused.message).toContain('your jobs not finished yet need about 1 min 20 s: 0 s left');
  });

  it('a running job is never cut: one that runs past the quota finishes, the next is refused', async ({ world }) => {
    const { core, asAlice, run } = world;
    // Nothing ran yet, so the first job is expected to take a typical 10 s; it takes 80.
    const big: Job = await asAlice('jobs.submit', job('big', 16));
    await run(1);
    expect(core.store.jobs.get(big.id)).toMatchObject({ status: 'done', execMs: 80_000 });
    const refused = await refusal(asAlice('jobs.submit', job('next')));
    expect(refused.message).toContain('You have used 1 min 20 s of your 1 min');
  });
});
