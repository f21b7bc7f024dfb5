/**
 * Hosts that ask for a token, and hosts that do not answer: the message says which token, where to get it and
 * where to put it; with the token the file comes (through the CDN, which never sees it); tokens are never returned
 * or logged; an unreachable or silent host is named.
 */
import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { captureLogger } from '@test/core/server/harness';
import { startModelHost } from '@test/fakes/model-host';
import { it } from '@test/helpers/fixtures';
import { catalogEntry, downloadIn, refusedWith, startWorld } from './harness';

const HF_TOKEN = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const CIVITAI_KEY = '0123456789abcdef0123456789abcdef';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('download hosts', () => {
  it('a gated Hugging Face file says which token is needed and where; with the token it comes through the CDN', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const logger = captureLogger();
    const file = '/black-forest-labs/FLUX.1-dev/resolve/main/flux1-dev.safetensors';
    const w = await startWorld(f, {
      logger,
      catalog: (host) => [
        catalogEntry(
          host.add({ path: file, size: 1_500_000, token: HF_TOKEN, viaCdn: true }),
          'diffusion_models',
          'flux1-dev.safetensors',
          { gated: true },
        ),
      ],
    });
    const start = () =>
      w.core.api.call('downloads.start', { entry: { folder: 'diffusion_models', file: 'flux1-dev.safetensors' } });
    const d = await start();
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error).toEqual({
      kind: 'auth',
      message:
        `This file needs a Hugging Face token: accept the licence on ${w.host.origin}/black-forest-labs/FLUX.1-dev with ` +
        'your account, create a read token at https://huggingface.co/settings/tokens and paste it in Settings → Model ' +
        'downloads, then start the download again.',
    });

    expect(await w.core.api.call('downloads.tokens', {})).toMatchObject({
      huggingface: { set: false },
      civitai: { set: false },
    });
    const bad = await refusedWith(
      w.core.api.call('downloads.setToken', { service: 'huggingface', token: 'not-a-token' }),
    );
    expect(bad.message).toContain('That is not a Hugging Face token (it starts with hf_)');
    const status = await w.core.api.call('downloads.setToken', {
      service: 'huggingface',
      token: ` Bearer ${HF_TOKEN} `,
    });
    expect(status).toMatchObject({ huggingface: { set: true }, civitai: { set: false } });
    expect(JSON.stringify(status)).not.toContain(HF_TOKEN);

    const again = await start();
    expect(again.id).toBe(d.id);
    const done = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', error: null });
    // The token went to the origin only: the CDN (another host) never saw it.
    const withAuth = w.host.requests.filter((r) => r.authorization !== null);
    expect(withAuth.map((r) => `${r.server} ${r.status}`)).toEqual(['origin 302']);
    expect(withAuth[0]!.authorization).toBe(`Bearer ${HF_TOKEN}`);
    expect(w.host.requests.filter((r) => r.server === 'cdn').map((r) => r.status)).toEqual([200]);
    expect(logger.lines.some((l) => l.includes(HF_TOKEN))).toBe(false);
    expect(JSON.stringify(w.core.downloads.list())).not.toContain(HF_TOKEN);

    expect(await w.core.api.call('downloads.clearToken', { service: 'huggingface' })).toMatchObject({
      huggingface: { set: false },
    });
  });

  it('a refused token says to accept the licence with the account it belongs to', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f);
    const hosted = w.host.add({
      path: '/org/gated/resolve/main/g.safetensors',
      size: 10,
      token: 'hf_theRightTokenOfSomeoneElse12',
    });
    await w.core.api.call('downloads.setToken', { service: 'huggingface', token: HF_TOKEN });
    const d = await w.core.api.call('downloads.start', { url: hosted.url, folder: 'checkpoints' });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error?.message).toMatch(
      /^Hugging Face refused your token for this file\. Accept the licence on http:\/\/127\.0\.0\.1:\d+\/org\/gated with the account the token belongs to/,
    );
  });

  it('a refusal by the CDN a file was redirected to is named after the CDN, not taken for a token problem', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f);
    const hosted = w.host.add({ path: '/org/r/resolve/main/e.safetensors', size: 10, viaCdn: true, cdnStatus: 403 });
    await w.core.api.call('downloads.setToken', { service: 'huggingface', token: HF_TOKEN });
    const d = await w.core.api.call('downloads.start', { url: hosted.url, folder: 'vae' });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error).toEqual({
      kind: 'auth',
      message:
        `${w.host.cdnHost} refused the download (HTTP 403): the file is private or needs a login ComfyDesk does not have. ` +
        `Download it in your browser and put it in ${path.join(w.modelsDir, 'vae')} yourself.`,
    });
  });

  it('falls back to the next catalogue address when the first is gated', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      catalog: (host) => {
        const original = host.add({ path: '/bfl/flux/resolve/main/f.safetensors', size: 20_000, token: HF_TOKEN });
        const copy = host.add({ path: '/comfy-org/flux/resolve/main/f.safetensors', size: 20_000, seed: 1 });
        const entry = catalogEntry(copy, 'diffusion_models', 'f.safetensors', {
          urls: [original.url, copy.url],
          gated: true,
        });
        return [entry];
      },
    });
    const d = await w.core.api.call('downloads.start', {
      entry: { folder: 'diffusion_models', file: 'f.safetensors' },
    });
    expect((await downloadIn(w.core, d.id, ['done', 'failed'])).state).toBe('done');
    expect(w.host.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/bfl/flux/resolve/main/f.safetensors 401',
      '/comfy-org/flux/resolve/main/f.safetensors 200',
    ]);
  });

  it('finds a CivitAI model page’s file through its API, asks for the API key, and checks the published hash', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const civitai = await startModelHost();
    defer(() => civitai.close());
    const w = await startWorld(f, { tuning: { hosts: { huggingface: [], civitai: [civitai.host] } } });
    const hosted = civitai.add({
      path: '/api/download/models/777',
      size: 30_000,
      token: CIVITAI_KEY,
      viaCdn: true,
      disposition: 'attachment; filename="pixel-art-xl.safetensors"',
    });
    civitai.addJson('/api/v1/models/555', {
      id: 555,
      modelVersions: [
        {
          id: 777,
          files: [{ primary: true, downloadUrl: hosted.url, hashes: { SHA256: hosted.sha256.toUpperCase() } }],
        },
      ],
    });
    const page = `${civitai.origin}/models/555/pixel-art-xl`;
    const d = await w.core.api.call('downloads.start', { url: page, folder: 'loras' });
    expect(d).toMatchObject({ url: hosted.url, sha256: hosted.sha256 });
    const failed = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(failed.error?.message).toBe(
      'This file needs a CivitAI API key: log in at civitai.com, create a key at https://civitai.com/user/account (API Keys) ' +
        'and paste it in Settings → Model downloads, then start the download again.',
    );
    await w.core.api.call('downloads.setToken', { service: 'civitai', token: CIVITAI_KEY });
    await w.core.api.call('downloads.start', { url: `${page}?modelVersionId=777`, folder: 'loras' });
    expect(await downloadIn(w.core, d.id, ['done', 'failed'])).toMatchObject({
      state: 'done',
      file: 'pixel-art-xl.safetensors',
    });
    expect(civitai.requests.filter((r) => r.server === 'cdn').every((r) => r.authorization === null)).toBe(true);
    expect(readdirSync(path.join(w.modelsDir, 'loras'))).toEqual(['pixel-art-xl.safetensors']);
  });

  it('names a host that refuses connections, and one that accepts but never answers', async ({
    startComfy,
    startCore,
    tempDir,
    defer,
  }) => {
    const f = { startComfy, startCore, tempDir, defer };
    const w = await startWorld(f, {
      tuning: { retryDelaysMs: [0], timeouts: { connectMs: 2000, headersMs: 300, bodyMs: 300 } },
    });
    const port = await closedPort();
    const d = await w.core.api.call('downloads.start', {
      url: `http://127.0.0.1:${port}/m.safetensors`,
      folder: 'vae',
    });
    const refused = await downloadIn(w.core, d.id, ['done', 'failed']);
    expect(refused.error).toEqual({
      kind: 'unreachable',
      message:
        `Could not download from 127.0.0.1:${port}: it refused the connection. Check the internet connection (or whether ` +
        `127.0.0.1:${port} is up) and try again. The part already downloaded is kept: start the download again to go on from there.`,
    });

    const silent = w.host.add({ path: '/silent.safetensors', size: 10, silent: true });
    const s = await w.core.api.call('downloads.start', { url: silent.url, folder: 'vae' });
    const timedOut = await downloadIn(w.core, s.id, ['done', 'failed']);
    expect(timedOut.error?.message).toContain(
      `Could not download from ${w.host.host}: it accepted the connection but did not answer in time. Check the internet ` +
        `connection (or whether ${w.host.host} is up) and try again.`,
    );
  });
});
