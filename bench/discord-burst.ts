/**
 * Discord burst: USERS members each send JOBS_PER_USER /generate at once (default 50 × 10 = 500), through the
 * real discord.js client on the fake Discord (wall-clock deadlines: a late first response is a 10062) and the
 * real core on the fake ComfyUI. Prints:
 *   - acknowledgements: how many, slowest and p99 time to the first response (Discord allows 3 s);
 *   - lost: commands with no accepted first response, and accepted jobs with no result message;
 *   - 429s the bot received (target 0);
 *   - progress edits per message per second (the bot's pacing is one edit per 1.5 s per message).
 *
 *   npx tsx bench/discord-burst.ts [users] [jobsPerUser]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@core/clock';
import { WorkflowRegistry } from '@core/workflows/registry';
import { startFakeComfy } from '@test/fakes/comfyui';
import { startFakeDiscord, type InteractionHandle, type RecordedCall } from '@test/fakes/discord';
import { startBotCore } from '@test/core/discord/boot';
import { BUNDLED_DIR, modelListsFor } from '@test/core/workflows/helpers';

const USERS = Number(process.argv[2] ?? 50);
const JOBS_PER_USER = Number(process.argv[3] ?? 10);
const TOTAL = USERS * JOBS_PER_USER;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'discord-burst-'));
  const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
  await registry.load();
  const comfy = await startFakeComfy({
    models: modelListsFor(registry.list()),
    script: { msPerStep: 10, previews: true },
  });
  const members = Array.from({ length: USERS }, (_, n) => ({ user: `user${n}` }));
  const discord = await startFakeDiscord({
    clock: systemClock,
    guilds: [{ name: 'Burst', owner: 'user0', channels: [{ name: 'general' }], members }],
  });
  const core = await startBotCore({ dataDir, comfyUrl: comfy.url, discord });
  const guild = discord.guild('Burst');
  await core.api.call('settings.set', {
    queue: { globalLimit: Math.max(100, TOTAL * 2), perUserLimit: Math.min(100, JOBS_PER_USER) },
  });
  await core.api.call('bot.updateGuild', {
    id: guild.id,
    limits: {
      perUserQueue: Math.min(100, JOBS_PER_USER),
      userRate: { count: JOBS_PER_USER, windowSec: 60 },
      guildRate: { count: TOTAL, windowSec: 60 },
    },
  });

  // The burst: every command dispatched at once.
  const started = performance.now();
  const sentAt = new Map<string, number>();
  const handles: InteractionHandle[] = [];
  const promptOf = new Map<string, string>();
  for (let u = 0; u < USERS; u++) {
    for (let j = 0; j < JOBS_PER_USER; j++) {
      const h = discord.interactions.slash({
        name: 'generate',
        user: `user${u}`,
        options: { prompt: `burst ${u}-${j}`, steps: 4, width: 512, height: 512 },
      });
      sentAt.set(h.id, performance.now());
      promptOf.set(h.id, `burst ${u}-${j}`);
      handles.push(h);
    }
  }
  const callbacks = await Promise.all(
    handles.map((h) => h.waitForCallback({ timeoutMs: 60_000 }).then((c) => ({ h, c, at: performance.now() }))),
  );
  const ackMs = callbacks.map(({ h, at }) => at - sentAt.get(h.id)!).sort((a, b) => a - b);
  const accepted = callbacks.filter(({ c }) => c.status < 300 && (c.json as { type: number }).type === 5);
  const refused = callbacks.filter(({ c }) => c.status < 300 && (c.json as { type: number }).type !== 5);
  const failedAcks = callbacks.filter(({ c }) => c.status >= 300);

  // Every accepted command must end in a result message.
  await Promise.all(accepted.map(({ h }) => h.waitForEdit('@original', { timeoutMs: 120_000 })));
  const jobs = core.store.jobs.list({ limit: TOTAL + 100 }).filter((j) => j.source === 'discord');
  const byPrompt = new Map(jobs.map((j) => [j.prompt, j]));
  const results = await Promise.all(
    accepted.map(async ({ h }) => {
      const job = byPrompt.get(promptOf.get(h.id)!);
      if (!job) return null;
      return discord
        .waitForCall(
          (c) =>
            c.method === 'POST' &&
            c.status < 300 &&
            /^\/channels\/\d+\/messages$/.test(c.path) &&
            JSON.stringify(c.json ?? {}).includes(`cd:rerun:${job.id}`),
          { timeoutMs: 300_000 },
        )
        .then(
          () => job.id,
          () => null,
        );
    }),
  );
  await core.bot.idle();
  const elapsed = (performance.now() - started) / 1000;
  const delivered = results.filter((r) => r !== null).length;

  // Edits per progress message per second, over each message's life.
  const rates: number[] = [];
  const gaps: number[] = [];
  for (const { h } of accepted) {
    const edits: RecordedCall[] = h.calls().filter((c) => c.method === 'PATCH' && c.status < 300);
    if (edits.length < 2) continue;
    const span = (edits.at(-1)!.at - edits[0]!.at) / 1000;
    if (span > 0) rates.push((edits.length - 1) / span);
    for (let i = 1; i < edits.length; i++) gaps.push(edits[i]!.at - edits[i - 1]!.at);
  }
  rates.sort((a, b) => a - b);
  gaps.sort((a, b) => a - b);

  console.log(
    `Discord burst: ${USERS} users × ${JOBS_PER_USER} /generate = ${TOTAL} commands, ${elapsed.toFixed(1)} s`,
  );
  console.log(
    `  acknowledged: ${callbacks.length - failedAcks.length}/${TOTAL} (deferred ${accepted.length}, refused ${refused.length}), failed acks ${failedAcks.length}`,
  );
  console.log(
    `  ack time ms: p50 ${quantile(ackMs, 0.5).toFixed(1)}  p99 ${quantile(ackMs, 0.99).toFixed(1)}  max ${ackMs.at(-1)!.toFixed(1)}  (all < 3000: ${ackMs.every((m) => m < 3000) ? 'PASS' : 'FAIL'})`,
  );
  console.log(
    `  lost: ${TOTAL - accepted.length - refused.length} unanswered, ${accepted.length - delivered} accepted without a result message`,
  );
  console.log(
    `  429s received: ${discord.rateLimitedCount} (${discord.rateLimitHits.map((h) => h.kind).join(', ') || 'none'})`,
  );
  console.log(
    `  progress edits per message per second: mean ${(rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length)).toFixed(2)}  max ${(rates.at(-1) ?? 0).toFixed(2)}  (min gap ${(gaps[0] ?? 0).toFixed(0)} ms; limit 1 per 1.5 s = 0.67/s)`,
  );
  await core.stop();
  await discord.close();
  await comfy.close();
  await rm(dataDir, { recursive: true, force: true });
  const ok =
    failedAcks.length === 0 &&
    ackMs.every((m) => m < 3000) &&
    delivered === accepted.length &&
    accepted.length + refused.length === TOTAL;
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
