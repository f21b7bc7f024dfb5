/**
 * A headless core with its bot logged in to the fake Discord (shared by the e2e world and bench/discord-burst.ts):
 * resolves once the bot is online, its slash commands are registered and the fake ComfyUI is online.
 */
import type { Core } from '@core/app';
import { MemorySecretStore } from '@core/secrets';
import { fakeClientOptions, type FakeDiscord } from '@test/fakes/discord';
import { healthUntil, testCore } from '@test/helpers/core';
import { BUNDLED_DIR } from '../workflows/helpers';

export interface BotCoreOptions {
  dataDir: string;
  comfyUrl: string;
  discord: FakeDiscord;
  /** Progress edit interval (the core's default when absent). */
  editIntervalMs?: number;
}

export async function startBotCore(o: BotCoreOptions): Promise<Core> {
  const secrets = new MemorySecretStore();
  secrets.set('discordToken', o.discord.token);
  const core = testCore({
    dataDir: o.dataDir,
    env: { COMFYDESK_COMFY_URLS: o.comfyUrl },
    secrets,
    workflowsDir: BUNDLED_DIR,
    discord: {
      clientOptions: fakeClientOptions(o.discord),
      cdnOrigins: [o.discord.cdnUrl],
      ...(o.editIntervalMs !== undefined ? { editIntervalMs: o.editIntervalMs } : {}),
    },
  });
  const mark = o.discord.recorder.mark();
  const comfyOnline = healthUntil(core, (h) => h.comfy.status === 'online');
  await core.start();
  const state = await core.bot.start();
  if (state.status !== 'online') throw new Error(`bot did not come online: ${state.status} ${state.error ?? ''}`);
  await o.discord.waitForCall((c) => c.method === 'PUT' && /\/guilds\/\d+\/commands$/.test(c.path), { since: mark });
  await comfyOnline;
  return core;
}
