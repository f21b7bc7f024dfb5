import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import { nullLogger } from '@core/log';
import { parseRange } from '@core/server/media';
import { startServer, type RunningServer } from '@core/server/server';
import { loadOrCreateToken } from '@core/server/token';
import type { Output } from '@shared/library';
import { test } from '@test/helpers/fixtures';
import { collectedBytes, collectedPng, makeJob } from './helpers';

interface Served {
  core: Core;
  server: RunningServer;
  token: string;
  image: Output;
  video: Output;
}

/** A core (never started) with one image and one video in its library, served on loopback; closed after the test. */
const it = test.extend<{ serve: () => Promise<Served> }>({
  serve: async ({ makeCore, tempDir, defer }, use) =>
    use(async () => {
      const dataDir = tempDir('comfydesk-media-');
      const core = makeCore({ dataDir });
      const { token } = loadOrCreateToken(join(dataDir, 'server-token'));
      const server = await startServer({
        api: core.api,
        events: core.events,
        logger: nullLogger,
        token,
        host: '127.0.0.1',
        port: 0,
        rendererDir: null,
        resolveMedia: core.library.resolveMedia,
      });
      defer(() => server.close());
      const job = makeJob(core.store);
      const [image, video] = await core.library.ingest(job, [
        await collectedPng(core.library, job.id, 'a.png', 400, 200),
        collectedBytes(
          core.library,
          job.id,
          'clip.mp4',
          Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)),
          'video',
        ),
      ]);
      await core.library.thumbnailsIdle();
      return { core, server, token, image: core.library.get(image!.id)!, video: video! };
    }),
});

describe('media routes', () => {
  it('serves an output and its thumbnail with the token, with type and cache headers', async ({ serve }) => {
    const { server, token, image } = await serve();
    const auth = { authorization: `Bearer ${token}` };

    expect((await fetch(`${server.url}/media/file/${image.id}`)).status).toBe(401);
    expect((await fetch(`${server.url}/media/file/${image.id}?token=wrong`)).status).toBe(401);

    const file = await fetch(`${server.url}/media/file/${image.id}`, { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(Number(file.headers.get('content-length'))).toBe(image.bytes);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(readFileSync(image.filePath));

    const thumb = await fetch(`${server.url}/media/thumb/${image.id}?token=${token}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await thumb.arrayBuffer())).toEqual(readFileSync(image.thumbnailPath!));

    const again = await fetch(`${server.url}/media/file/${image.id}`, {
      headers: { ...auth, 'if-none-match': file.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('answers byte ranges (videos seek) and says clearly what is missing', async ({ serve }) => {
    const { core, server, token, video } = await serve();
    const auth = { authorization: `Bearer ${token}` };
    const part = await fetch(`${server.url}/media/file/${video.id}`, { headers: { ...auth, range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect([...Buffer.from(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(
      (await fetch(`${server.url}/media/file/${video.id}`, { headers: { ...auth, range: 'bytes=5000-' } })).status,
    ).toBe(416);

    const noThumb = await fetch(`${server.url}/media/thumb/${video.id}`, { headers: auth });
    expect([noThumb.status, await noThumb.text()]).toEqual([404, `Output ${video.id} has no thumbnail (yet).`]);
    const unknown = await fetch(`${server.url}/media/file/99999`, { headers: auth });
    expect([unknown.status, await unknown.text()]).toEqual([404, 'Output 99999 is not in the library.']);
    expect((await fetch(`${server.url}/media/file/abc`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${server.url}/media/file/..%2F..%2Fetc%2Fpasswd`, { headers: auth })).status).toBe(404);

    await core.api.call('library.delete', { ids: [video.id] }, { caller: 'test' });
    expect((await fetch(`${server.url}/media/file/${video.id}`, { headers: auth })).status).toBe(404);
  });

  it('parses single byte ranges and ignores what it cannot serve as one range', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(parseRange('bytes=90-', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=95-200', 100)).toEqual([95, 99]);
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
  });
});
