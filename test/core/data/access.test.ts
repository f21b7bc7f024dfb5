/** Your data is the owner's: neither the bot nor a Discord user (even a server admin) may call any data method. */
import { describe, expect } from 'vitest';
import { BOT } from '@shared/actor';
import { methodNames } from '@shared/api';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { it } from '@test/helpers/fixtures';

describe('data methods are owner only', () => {
  it('refuses every data.* method to the bot and to Discord users, and answers the owner', async ({ startCore }) => {
    const core = await startCore();
    const data = methodNames.filter((m) => m.startsWith('data.'));
    expect(data.length).toBeGreaterThanOrEqual(10);
    const admin = asDiscordUser(discordUser('100000000000000001', 'admin', { guildAdmin: true }));
    for (const method of data) {
      for (const ctx of [admin, { caller: 'discord' as const, actor: BOT }]) {
        const result = await core.api.dispatch(method, {}, ctx);
        expect(result, `${method} as ${ctx.actor?.kind}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
    expect(await core.api.dispatch('data.status', {}, { caller: 'desktop' })).toMatchObject({
      ok: true,
      output: { database: 'ok' },
    });
    expect(core.data.backups.list()).toEqual([]);
  });
});
