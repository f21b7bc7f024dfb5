/**
 * A friend's ComfyUI behind a reverse proxy that wants a token (issue 17): with the token every request and the
 * WebSocket go through and jobs run; without it (or with a wrong one) the backend says, in words, that the proxy
 * refused and what to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendAuth } from '@shared/backend-auth';
import { authHeaders, splitUrlAuth } from '@core/comfy/protocol/auth';
import { startAuthProxy, type AuthProxy } from '@test/fakes/auth-proxy';
import { FakeClock } from '@test/helpers/fake-clock';
import { startMultiHarness, type MultiHarness } from '../../jobs/multi-harness';
import { runGpus } from '../../jobs/scripted-gpus';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const TOKEN = 's3cret-token';

async function behindProxy(auth: BackendAuth | null, waitOpen: boolean) {
  const clock = new FakeClock();
  let proxy: AuthProxy | undefined;
  const h: MultiHarness = await startMultiHarness({
    count: 1,
    clock,
    auth: () => auth,
    waitOpen,
    urlOf: async (fake) => {
      proxy = await startAuthProxy({ target: fake.url, token: TOKEN, basic: { username: 'ana', password: 'pw' } });
      open.push(proxy);
      return proxy.url;
    },
  });
  open.push(h);
  return { clock, h, proxy: proxy! };
}

describe('a ComfyUI behind a token-checking proxy', () => {
  it('works with the token: the socket opens, a job runs and its results come back through the proxy', async () => {
    const { clock, h, proxy } = await behindProxy({ kind: 'bearer', token: TOKEN }, true);
    const job = h.engine.submit({
      workflow: 'sdxl-txt2img',
      prompt: 'a lantern',
      params: { steps: 4, width: 512, height: 512 },
      userName: 'Ana',
    });
    await runGpus(h, clock, { durationOf: () => 1_000 });
    expect(h.store.jobs.get(job.id)!.status).toBe('done');
    expect(h.library.ingests.get(job.id)).toBe(1);
    expect(proxy.refused).toEqual([]);
  });

  it('works with basic auth too', async () => {
    const { h, proxy } = await behindProxy({ kind: 'basic', username: 'ana', password: 'pw' }, true);
    await expect(h.backends[0]!.client.systemStats()).resolves.toMatchObject({ devices: expect.any(Array) });
    expect(proxy.refused).toEqual([]);
  });

  it.each([
    ['without credentials', null, 'a reverse proxy in front of ComfyUI wants a token'],
    ['with a wrong token', { kind: 'bearer', token: 'nope' } as BackendAuth, 'were not accepted'],
  ])('%s the backend says the proxy refused it, and what to do', async (_name, auth, words) => {
    const { h, proxy } = await behindProxy(auth, false);
    const backend = h.backends[0]!;
    await h.until(() => backend.status === 'error' && (backend.statusDetail ?? '').includes(words));
    expect(backend.statusDetail).toContain('HTTP 401');
    expect(backend.statusDetail).toContain('Settings → ComfyUI');
    expect(proxy.refused.length).toBeGreaterThan(0);
    await expect(backend.client.systemStats()).rejects.toThrow(/HTTP 401/);
  });
});

describe('credentials in an address', () => {
  it('takes user:password@ out of the URL as basic auth', () => {
    expect(splitUrlAuth('https://me:p%40ss@gpu.example.net/comfy')).toEqual({
      url: 'https://gpu.example.net/comfy',
      auth: { kind: 'basic', username: 'me', password: 'p@ss' },
    });
    expect(splitUrlAuth('http://10.0.0.2:8188')).toEqual({ url: 'http://10.0.0.2:8188', auth: null });
    expect(authHeaders({ kind: 'basic', username: 'me', password: 'p@ss' })).toEqual({
      authorization: `Basic ${Buffer.from('me:p@ss').toString('base64')}`,
    });
    expect(authHeaders({ kind: 'bearer', token: 'abc' })).toEqual({ authorization: 'Bearer abc' });
  });
});
