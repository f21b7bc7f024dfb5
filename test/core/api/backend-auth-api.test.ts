/**
 * Adding a friend's ComfyUI behind a token-checking reverse proxy through the core API: refused with what to do
 * without the token; with it, added and online, the token kept in the secret store (never in the database or the
 * answers), and changeable later.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ApiError } from '@shared/api';
import { healthUntil } from '@test/helpers/core';
import { it } from '@test/helpers/fixtures';
import { startAuthProxy } from '@test/fakes/auth-proxy';

describe('backends.add and backends.setAuth for a ComfyUI behind a proxy', () => {
  it('refuses without the token, works with it, keeps it secret, and takes a new one', async ({
    comfy: fake,
    startCore,
  }) => {
    const proxy = await startAuthProxy({ target: fake.url, token: 'tok-1' });
    try {
      const core = await startCore();
      const refused = await core.api.call('backends.add', { url: proxy.url }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).message).toMatch(/HTTP 401.*wants a token/);

      const idle = healthUntil(core, (h) => h.comfy.backends[0]?.status === 'idle');
      const added = await core.api.call('backends.add', {
        url: proxy.url,
        name: 'Friend',
        auth: { kind: 'bearer', token: 'tok-1' },
      });
      expect(added).toMatchObject({ name: 'Friend', auth: 'bearer', version: '0.3.64' });
      await idle;
      expect(JSON.stringify(await core.api.call('backends.list', {}))).not.toContain('tok-1');
      expect(readFileSync(join(core.config.dataDir, 'comfydesk.db'), 'latin1')).not.toContain('tok-1');
      expect(core.secrets.get('comfyBackendAuth')).toContain('tok-1');

      // The proxy's token changes: the backend says so, then works again with the new one.
      const refusedNow = healthUntil(core, (h) => (h.comfy.backends[0]?.error ?? '').includes('not accepted'));
      await core.api.call('backends.setAuth', { id: added.id, auth: { kind: 'bearer', token: 'wrong' } });
      await refusedNow;
      const back = healthUntil(core, (h) => h.comfy.backends[0]?.status === 'idle');
      await core.api.call('backends.setAuth', { id: added.id, auth: { kind: 'bearer', token: 'tok-1' } });
      await back;
    } finally {
      await proxy.close();
    }
  });
});
