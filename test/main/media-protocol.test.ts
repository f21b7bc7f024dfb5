import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MEDIA_BASE } from '@shared/ipc';
import {
  handleMediaProtocol,
  parseMediaUrl,
  parseRange,
  registerMediaScheme,
  serveMedia,
  type MediaResolver,
} from '../../electron/main/media-protocol';
import { tempDirs } from '../helpers/temp-dir';
import { createCore } from '@core/app';
import { loadConfig } from '@core/config';
import { MemorySecretStore } from '@core/secrets';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

function library() {
  const root = dirs.make();
  const lib = join(root, 'library');
  mkdirSync(lib);
  writeFileSync(join(lib, 'out.png'), Buffer.from('0123456789'));
  writeFileSync(join(root, 'secret.txt'), 'not for the renderer');
  symlinkSync(join(root, 'secret.txt'), join(lib, 'link.png'));
  const table: Record<string, { path: string; mime: string }> = {
    'file/o1': { path: join(lib, 'out.png'), mime: 'image/png' },
    'thumb/o1': { path: join(lib, 'out.png'), mime: 'image/webp' },
    'file/escape': { path: join(root, 'secret.txt'), mime: 'text/plain' },
    'file/link': { path: join(lib, 'link.png'), mime: 'image/png' },
    'file/gone': { path: join(lib, 'missing.png'), mime: 'image/png' },
  };
  const resolver: MediaResolver = { resolveMedia: vi.fn(async (kind, id) => table[`${kind}/${id}`] ?? null) };
  return { resolver, options: { resolver: () => resolver, roots: [lib] } };
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Request(`${MEDIA_BASE}${path}`, { method, headers });

describe('comfydesk-media protocol', () => {
  it('reads the URLs the renderer builds from window.comfydesk.mediaBase (`${base}/${kind}/${id}[?v=…]`)', () => {
    expect(parseMediaUrl(`${MEDIA_BASE}/file/12`)).toEqual({ kind: 'file', id: '12' });
    expect(parseMediaUrl(`${MEDIA_BASE}/thumb/7?v=v2`)).toEqual({ kind: 'thumb', id: '7' });
  });

  it('serves the core library (ids are output numbers; thumbnails live in the library folder)', async () => {
    const root = dirs.make();
    const config = loadConfig({ dataDir: root, env: {} });
    const core = createCore({ config, mode: 'desktop', secrets: new MemorySecretStore(), discoverUrls: [] });
    try {
      const options = { resolver: () => core.library, roots: [config.libraryDir, config.dataDir] };
      expect((await serveMedia(get('/file/1'), options)).status).toBe(404);
      expect((await serveMedia(get('/thumb/abc'), options)).status).toBe(404);
    } finally {
      await core.stop();
    }
  });

  it('parses only /file/<id> and /thumb/<id> on the media host', () => {
    expect(parseMediaUrl(`${MEDIA_BASE}/file/abc-123`)).toEqual({ kind: 'file', id: 'abc-123' });
    expect(parseMediaUrl(`${MEDIA_BASE}/thumb/01HX.png`)).toEqual({ kind: 'thumb', id: '01HX.png' });
    for (const bad of [
      `${MEDIA_BASE}/file/`,
      `${MEDIA_BASE}/file/a/b`,
      `${MEDIA_BASE}/file/..%2Fetc`,
      `${MEDIA_BASE}/other/x`,
      'comfydesk-media://elsewhere/file/x',
      'https://media/file/x',
      'not a url',
    ]) {
      expect(parseMediaUrl(bad), bad).toBeNull();
    }
  });

  it('serves a library file with its type; unknown ids are 404', async () => {
    const { options } = library();
    const res = await serveMedia(get('/file/o1'), options);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe('10');
    expect(await res.text()).toBe('0123456789');
    expect((await serveMedia(get('/thumb/o1'), options)).headers.get('content-type')).toBe('image/webp');
    expect((await serveMedia(get('/file/nope'), options)).status).toBe(404);
    expect((await serveMedia(get('/file/gone'), options)).status).toBe(404);
  });

  it('refuses paths outside the library, symlinks included', async () => {
    const { options } = library();
    expect((await serveMedia(get('/file/escape'), options)).status).toBe(404);
    expect((await serveMedia(get('/file/link'), options)).status).toBe(404);
  });

  it('answers ranges (video seeking), HEAD, and refuses other methods', async () => {
    const { options } = library();
    const part = await serveMedia(get('/file/o1', { range: 'bytes=2-5' }), options);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    expect(await (await serveMedia(get('/file/o1', { range: 'bytes=-3' }), options)).text()).toBe('789');
    expect((await serveMedia(get('/file/o1', { range: 'bytes=20-' }), options)).status).toBe(416);
    const head = await serveMedia(get('/file/o1', {}, 'HEAD'), options);
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '10', '']);
    expect((await serveMedia(get('/file/o1', {}, 'POST'), options)).status).toBe(405);
  });

  it('without a library yet it answers 503; a failing lookup 500', async () => {
    const { options } = library();
    expect((await serveMedia(get('/file/o1'), { ...options, resolver: () => null })).status).toBe(503);
    const broken: MediaResolver = { resolveMedia: () => Promise.reject(new Error('db closed')) };
    expect((await serveMedia(get('/file/o1'), { ...options, resolver: () => broken })).status).toBe(500);
  });

  it('parseRange edge cases', () => {
    expect(parseRange(null, 10)).toBeNull();
    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-', 10)).toBe('invalid');
    expect(parseRange('items=1-2', 10)).toBe('invalid');
  });

  it('registers a privileged scheme before ready and handles it after; finds the core library when it has one', async () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
    registerMediaScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'comfydesk-media', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    const { options } = library();
    handleMediaProtocol(protocol, options);
    const [scheme, handler] = protocol.handle.mock.calls[0]!;
    expect(scheme).toBe('comfydesk-media');
    expect((await handler(get('/file/o1'))).status).toBe(200);
  });
});
