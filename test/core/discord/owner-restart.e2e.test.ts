/**
 * `/owner restart-comfy` end to end: the real discord.js on the fake Discord, the real core, and a ComfyUI that
 * the core launched (the stand-in install, its API answered by the fake ComfyUI on the launcher's port). The
 * linked owner restarts it from Discord: a new ComfyUI process starts, the backend comes back online, and the
 * answer says so; anyone else is told the command is not available and nothing restarts.
 */
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import { MemorySecretStore } from '@core/secrets';
import { fakeClientOptions, ManualClock, startFakeDiscord } from '@test/fakes/discord';
import { BUNDLED_DIR } from '../workflows/helpers';
import { until } from '../comfy/backends/helpers';
import { it, launched } from '../comfy/launch/launch-fixtures';
import { systemPython } from '../comfy/launch/supervisor-helpers';
import { replyTo } from './world';

const LAB = {
  name: 'ComfyDesk Lab',
  owner: 'owner',
  channels: [{ name: 'general' }],
  members: [{ user: 'owner' }, { user: 'alice' }, { user: 'bob' }],
};

const online = (core: Core) => {
  const b = launched(core);
  return b && (b.status === 'idle' || b.status === 'busy') ? b : null;
};

describe.skipIf(systemPython() === null)('/owner restart-comfy', () => {
  it('restarts the launched ComfyUI for the linked owner, and for nobody else', async ({
    install,
    launchCore,
    defer,
  }) => {
    const discord = await startFakeDiscord({ clock: new ManualClock(Date.now()), guilds: [LAB] });
    defer(() => discord.close());
    const secrets = new MemorySecretStore();
    secrets.set('discordToken', discord.token);
    const core = launchCore({}, 'ready', {
      core: {
        secrets,
        workflowsDir: BUNDLED_DIR,
        discord: { clientOptions: fakeClientOptions(discord), cdnOrigins: [discord.cdnUrl] },
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
    const refused = await replyTo(slash({ name: 'owner', subcommand: 'restart-comfy', user: 'alice' }));
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('This command is not available.');
    expect(install.runs()).toBe(1);

    // bob links his account with the app's code (by DM), then restarts ComfyUI from the server's channel.
    const { code } = await core.api.call('owner.linkCode', {});
    expect((await replyTo(slash({ name: 'link', user: 'bob', dm: true, options: { code } }))).text).toContain(
      'is now the owner’s',
    );
    const restarted = await replyTo(slash({ name: 'owner', subcommand: 'restart-comfy', user: 'bob' }));
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
