/**
 * `/owner restart-comfy` end to end: the real discord.js on the fake Discord, the real core, and a ComfyUI that
 * the core launched (the stand-in install, its API answered by the fake ComfyUI on the launcher's port). The
 * linked owner restarts it from Discord: a new ComfyUI process starts, the backend comes back online, and the
 * answer says so; anyone else is told the command is not available and nothing restarts.
 */
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import { MemorySecretStore } from '@core/secrets';
import { fakeClientOptions, ManualClock, startFakeDiscord, type InteractionHandle } from '@test/fakes/discord';
import { BUNDLED_DIR } from '../workflows/helpers';
import { until } from '../comfy/backends/helpers';
import { it, launched } from '../comfy/launch/launch-fixtures';
import { systemPython } from '../comfy/launch/supervisor-helpers';

const LAB = {
  name: 'ComfyDesk Lab',
  owner: 'owner',
  channels: [{ name: 'general' }],
  members: [{ user: 'owner' }, { user: 'alice' }, { user: 'bob' }],
};

/** What the user sees: the text of the answer (the edit of a deferred one) and whether only they see it. */
async function reply(h: InteractionHandle): Promise<{ text: string; ephemeral: boolean }> {
  const cb = await h.waitForCallback();
  const json = cb.json as { type: number; data?: { flags?: number } };
  const ephemeral = ((json.data?.flags ?? 0) & 64) === 64;
  if (json.type === 5) return { text: JSON.stringify((await h.waitForEdit()).json), ephemeral };
  return { text: JSON.stringify(json), ephemeral };
}

const online = (core: Core) => {
  const b = launched(core);
  return b && (b.status === 'idle' || b.status === 'busy') ? b : null;
};

describe.skipIf(systemPython() === null)('/owner restart-comfy', () => {
  it('restarts the launched ComfyUI for the linked owner, and for nobody else', async ({
    install,
    comfy,
    dataDir,
    makeCore,
    defer,
  }) => {
    const discord = await startFakeDiscord({ clock: new ManualClock(Date.now()), guilds: [LAB] });
    defer(() => discord.close());
    const secrets = new MemorySecretStore();
    secrets.set('discordToken', discord.token);
    const core = makeCore({
      dataDir,
      secrets,
      workflowsDir: BUNDLED_DIR,
      discord: { clientOptions: fakeClientOptions(discord), cdnOrigins: [discord.cdnUrl] },
      comfy: {
        launcher: {
          port: comfy.port,
          pollIntervalMs: 0,
          env: { FAKE_PLAN: 'ready' },
          restart: { baseDelayMs: 1, maxAttempts: 3 },
          stopGraceMs: 5000,
        },
        backend: { socket: { backoffBaseMs: 20, backoffMaxMs: 100, backoffMinMs: 5 } },
      },
    });
    await core.start();
    await core.api.call('comfy.setLaunchSettings', { launchPath: install.comfyDir });
    await core.api.call('comfy.start', {});
    const before = await until(core.comfy, () => online(core));
    expect(install.runs()).toBe(1);
    const bot = await core.bot.start();
    expect(bot.status).toBe('online');
    const slash = discord.interactions.slash.bind(discord.interactions);

    // Not the owner: the same answer as for any command they cannot see, and ComfyUI is left alone.
    const refused = await reply(slash({ name: 'owner', subcommand: 'restart-comfy', user: 'alice' }));
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('This command is not available.');
    expect(install.runs()).toBe(1);

    // bob links his account with the app's code (by DM), then restarts ComfyUI from the server's channel.
    const { code } = await core.api.call('owner.linkCode', {});
    expect((await reply(slash({ name: 'link', user: 'bob', dm: true, options: { code } }))).text).toContain(
      'is now the owner’s',
    );
    const restarted = await reply(slash({ name: 'owner', subcommand: 'restart-comfy', user: 'bob' }));
    expect(restarted.ephemeral).toBe(true);
    expect(restarted.text).toContain('ComfyUI restarted (running).');
    expect(install.runs()).toBe(2);
    expect(install.runInfo(2).pid).not.toBe(install.runInfo(1).pid);

    // The same backend comes back online on the new process, and the action is in the owner's log.
    const after = await until(core.comfy, () => online(core));
    expect(after.id).toBe(before.id);
    const log = await core.api.call('owner.actions', {});
    expect(log.map((a) => [a.via, a.userName, a.action])).toEqual([
      ['discord', 'bob', 'restartComfy'],
      ['discord', 'bob', 'link'],
    ]);
  });
});
