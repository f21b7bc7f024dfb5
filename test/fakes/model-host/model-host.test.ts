/** The model host double answers as download hosts do (RFC 9110 ranges, validators, redirects, auth). */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerRange } from './serve';
import { startModelHost, type ModelHost } from './index';

let host: ModelHost;
beforeEach(async () => {
  host = await startModelHost();
});
afterEach(async () => {
  await host.close();
});

const sha = (b: Buffer | ArrayBuffer) => createHash('sha256').update(new Uint8Array(b)).digest('hex');
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });

describe('model host double', () => {
  it('serves the whole file with validators, and ranges as 206 / 416', async () => {
    const f = host.add({
      path: '/org/repo/resolve/main/m.safetensors',
      size: 3_000_001,
      disposition: 'attachment; filename="m.safetensors"',
    });
    const full = await get(f.url);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-disposition')).toBe('attachment; filename="m.safetensors"');
    const etag = full.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-3000001"$/);
    const body = Buffer.from(await full.arrayBuffer());
    expect(body.length).toBe(f.size);
    expect(sha(body)).toBe(f.sha256);

    const part = await get(f.url, { range: 'bytes=1048590-' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1048590-3000000/3000001`);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(1048590))).toBe(true);
    const suffix = await get(f.url, { range: 'bytes=-10' });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(body.subarray(-10))).toBe(true);

    const beyond = await get(f.url, { range: 'bytes=3000001-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */3000001');
    // Several ranges: the whole file (allowed by RFC 9110).
    expect((await get(f.url, { range: 'bytes=0-1,5-6' })).status).toBe(200);
    expect(answerRange('bytes=5-2', 10)).toEqual({ kind: 'full' });

    // If-Range: the current ETag keeps the range; another (or a changed file) gives the whole file.
    expect((await get(f.url, { range: 'bytes=10-', 'if-range': etag })).status).toBe(206);
    expect((await get(f.url, { range: 'bytes=10-', 'if-range': '"other"' })).status).toBe(200);
    expect((await get(f.url, { range: 'bytes=10-', 'if-range': 'Tue, 15 Jul 2025 10:00:00 GMT' })).status).toBe(206);
    host.change(f.path, 7);
    const changed = await get(f.url, { range: 'bytes=10-', 'if-range': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    await changed.body?.cancel();
  });

  it('gates a file behind a Bearer token and redirects to a signed CDN address that refuses a second credential', async () => {
    const f = host.add({
      path: '/bfl/FLUX/resolve/main/flux.safetensors',
      size: 1000,
      token: 'hf_secret',
      viaCdn: true,
    });
    const refused = await get(f.url);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-error-code')).toBe('GatedRepo');
    expect((await get(f.url, { authorization: 'Bearer hf_wrong' })).status).toBe(401);
    const redirect = await get(f.url, { authorization: 'Bearer hf_secret' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(host.cdnOrigin)).toBe(true);
    // S3-like: a presigned address with an Authorization header too is a bad request.
    expect((await get(location, { authorization: 'Bearer hf_secret' })).status).toBe(400);
    const body = Buffer.from(await (await get(location)).arrayBuffer());
    expect(sha(body)).toBe(f.sha256);
    expect((await get(location.replace(/sig=[0-9a-f]+/, 'sig=00'))).status).toBe(403);
    expect(host.requests.map((r) => `${r.server} ${r.status}`)).toEqual([
      'origin 401',
      'origin 401',
      'origin 302',
      'cdn 400',
      'cdn 200',
      'cdn 403',
    ]);
  });

  it('cuts a connection mid-file, serves corrupted bytes, and holds a file until released', async () => {
    const f = host.add({ path: '/a/b/resolve/main/cut.bin', size: 2_000_000 });
    host.cutNext(f.path, 500_000);
    const cut = await get(f.url);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    expect(host.bytesServed(f.path)).toBe(500_000);

    const bad = host.add({ path: '/a/b/resolve/main/bad.bin', size: 4096, corruptAt: 100 });
    const served = Buffer.from(await (await get(bad.url)).arrayBuffer());
    expect(served.length).toBe(4096);
    expect(sha(served)).not.toBe(bad.sha256);
    expect(served.subarray(101).equals(bad.bytes().subarray(101))).toBe(true);

    host.holdNext(f.path, 1_000_000);
    const held = get(f.url);
    await host.waitForHeld(f.path);
    expect(host.bytesServed(f.path)).toBe(500_000);
    host.release(f.path);
    const whole = Buffer.from(await (await held).arrayBuffer());
    expect(sha(whole)).toBe(f.sha256);
    expect(host.bytesServed(f.path)).toBe(2_500_000);
  });

  it('sends slowly when paced, and the bytes stay right', async () => {
    const f = host.add({ path: '/a/b/resolve/main/slow.bin', size: 10_000 });
    host.setPace(f.path, { chunkBytes: 1000, intervalMs: 1 });
    const res = await get(f.url, { range: 'bytes=2500-' });
    expect(res.status).toBe(206);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(f.bytes().subarray(2500)));
    host.setPace(f.path, null);
  });

  it('answers 404 for an unknown path and serves JSON documents', async () => {
    expect((await get(`${host.origin}/nope`)).status).toBe(404);
    host.addJson('/api/v1/models/42', { modelVersions: [] });
    expect(await (await get(`${host.origin}/api/v1/models/42`)).json()).toEqual({ modelVersions: [] });
  });
});
