import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findComfyUI } from '@core/comfy/backends/discover';
import { findFreePort } from '@core/comfy/launch/ports';
import { normalizeBaseUrl, probeComfy } from '@core/comfy/protocol/probe';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const srv = http.createServer(handler);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

const comfyLike =
  (version: string): http.RequestListener =>
  (req, res) => {
    if (req.url === '/api/system_stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ system: { os: 'posix', comfyui_version: version }, devices: [] }));
    } else {
      res.writeHead(404).end();
    }
  };

describe('probeComfy', () => {
  it('identifies ComfyUI by system.comfyui_version and measures latency with the given clock', async () => {
    const url = await serve(comfyLike('0.3.64'));
    let t = 100;
    const out = await probeComfy(`${url}/`, { now: () => (t += 7) });
    expect(out).toEqual({ url, kind: 'comfyui', version: '0.3.64', latencyMs: 7 });
  });

  it('calls other servers "not ComfyUI" with the reason', async () => {
    const html = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'));
    const other = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"system":{}}'),
    );
    const missing = await serve((_req, res) => res.writeHead(404).end());
    expect(await probeComfy(html)).toMatchObject({
      kind: 'not-comfyui',
      reason: 'GET /api/system_stats did not answer JSON',
    });
    expect(await probeComfy(other)).toMatchObject({
      kind: 'not-comfyui',
      reason: 'the answer has no system.comfyui_version',
    });
    expect(await probeComfy(missing)).toMatchObject({
      kind: 'not-comfyui',
      reason: 'GET /api/system_stats answered HTTP 404',
    });
  });

  it('reports refused connections, silent servers and bad URLs as unreachable', async () => {
    const closedPort = await findFreePort();
    const silent = await serve(() => {
      // never answers
    });
    expect(await probeComfy(`http://127.0.0.1:${closedPort}`)).toMatchObject({
      kind: 'unreachable',
      reason: expect.stringContaining('refused'),
    });
    expect(await probeComfy(silent, { timeoutMs: 150 })).toEqual({
      url: silent,
      kind: 'unreachable',
      reason: 'no answer within 150 ms',
    });
    expect(await probeComfy('ftp://x')).toMatchObject({ kind: 'unreachable', reason: 'not an http(s) URL: ftp://x' });
  });

  it('normalizes base URLs', () => {
    expect(normalizeBaseUrl(' http://127.0.0.1:8188/ ')).toBe('http://127.0.0.1:8188');
    expect(normalizeBaseUrl('https://gpu.example/comfy/')).toBe('https://gpu.example/comfy');
    expect(normalizeBaseUrl('not a url')).toBeNull();
  });
});

describe('findComfyUI', () => {
  it('probes defaults and configured URLs concurrently and lists configured ones first', async () => {
    const localA = await serve(comfyLike('0.3.64'));
    const localB = await serve((_req, res) => res.writeHead(200).end('nginx'));
    const remote = await serve(comfyLike('0.3.40'));
    const closed = `http://127.0.0.1:${await findFreePort()}`;

    const inFlight: string[] = [];
    let maxConcurrent = 0;
    const result = await findComfyUI({
      defaults: [localA, localB],
      configured: [closed, remote, `${localA}/`, 'nonsense'],
      timeoutMs: 2000,
      probe: async (url, opts) => {
        inFlight.push(url);
        maxConcurrent = Math.max(maxConcurrent, inFlight.length);
        try {
          return await probeComfy(url, opts);
        } finally {
          inFlight.splice(inFlight.indexOf(url), 1);
        }
      },
    });

    // All four distinct URLs were in flight at once; the duplicate of localA was probed once.
    expect(maxConcurrent).toBe(4);
    expect(result.found.map((f) => [f.url, f.version, f.source])).toEqual([
      [remote, '0.3.40', 'configured'],
      [localA, '0.3.64', 'configured'],
    ]);
    expect(result.found.every((f) => f.latencyMs >= 0)).toBe(true);
    expect(result.probed.map((p) => [p.url, p.kind])).toEqual([
      [closed, 'unreachable'],
      [remote, 'comfyui'],
      [localA, 'comfyui'],
      [localB, 'not-comfyui'],
    ]);
    expect(result.invalid).toEqual(['nonsense']);
  });

  it('returns nothing found when nothing answers', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    const result = await findComfyUI({ defaults: [closed], timeoutMs: 300 });
    expect(result.found).toEqual([]);
    expect(result.probed).toHaveLength(1);
    expect(result.probed[0]).toMatchObject({ kind: 'unreachable', source: 'default' });
  });
});
