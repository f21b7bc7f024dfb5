import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyClient, versionAtLeast } from '@core/comfy/protocol/client';
import { ComfyError, ComfyValidationError } from '@core/comfy/protocol/errors';
import { readFileSync } from 'node:fs';
import { FIXTURES, loadHttp } from './capture';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Stub {
  url: string;
  seen: Array<{ method: string; url: string; body: Buffer; contentType: string }>;
  server: Server;
}

async function stub(handler: Handler): Promise<Stub> {
  const seen: Stub['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        contentType: String(req.headers['content-type'] ?? ''),
      });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

function client(url: string, extra: Partial<ConstructorParameters<typeof ComfyClient>[0]> = {}): ComfyClient {
  const c = new ComfyClient({ url, ...extra });
  cleanups.push(() => c.close());
  return c;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const http = loadHttp();
const invalid = http.filter((h) => h.phase === 'invalid');
const graph = {
  '1': { class_type: 'EmptyImage', inputs: { width: 'abc' } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0] } },
};

describe('ComfyClient', () => {
  it('queues a prompt on /api/prompt with client_id and prompt_id', async () => {
    const s = await stub((_req, _b, res) => json(res, 200, { prompt_id: 'p-1', number: 7, node_errors: {} }));
    const r = await client(s.url).queuePrompt(graph, { clientId: 'cid', promptId: 'p-1', front: true });
    expect(r).toEqual({ promptId: 'p-1', number: 7 });
    expect(s.seen[0]!.url).toBe('/api/prompt');
    expect(JSON.parse(s.seen[0]!.body.toString())).toEqual({
      prompt: graph,
      client_id: 'cid',
      prompt_id: 'p-1',
      front: true,
    });
  });

  it('turns each recorded 400 into a ComfyValidationError naming node, class and input', async () => {
    const answers = invalid.map((h) => h.res);
    let i = 0;
    const s = await stub((_req, _b, res) => json(res, 400, answers[i++]));
    const c = client(s.url);
    const errs: ComfyValidationError[] = [];
    for (let k = 0; k < answers.length; k++) {
      const e = await c.queuePrompt(graph, { clientId: 'x' }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ComfyValidationError);
      errs.push(e as ComfyValidationError);
    }
    expect(errs.map((e) => e.error.type)).toEqual([
      'invalid_prompt',
      'prompt_no_outputs',
      'prompt_outputs_failed_validation',
    ]);
    expect(errs[0]!.message).toContain('Cannot execute because node NoSuchNode does not exist.');
    expect(errs[0]!.message).toContain("Node ID '#1'");
    const v = errs[2]!;
    expect(v.kind).toBe('rejected');
    expect(v.status).toBe(400);
    expect(v.errors).toEqual([
      {
        nodeId: '1',
        classType: 'EmptyImage',
        inputName: 'width',
        type: 'invalid_input_type',
        message:
          "Failed to convert an input value to a INT value: width, abc, invalid literal for int() with base 10: 'abc'",
      },
    ]);
    expect(v.message).toContain('node 1 (EmptyImage) input "width"');
  });

  it('accepts the old 400 shape ({"error": "no prompt", "node_errors": []})', async () => {
    const s = await stub((_req, _b, res) => json(res, 400, { error: 'no prompt', node_errors: [] }));
    const e = (await client(s.url)
      .queuePrompt(graph, { clientId: 'x' })
      .catch((x: unknown) => x)) as ComfyValidationError;
    expect(e).toBeInstanceOf(ComfyValidationError);
    expect(e.errors).toEqual([]);
    expect(e.message).toContain('no prompt');
  });

  it('sorts pending by number (the server sends its raw heap)', async () => {
    const item = (n: number, id: string) => [n, id, {}, { client_id: 'x' }, ['2']];
    const s = await stub((_req, _b, res) =>
      json(res, 200, {
        queue_running: [item(3, 'r')],
        queue_pending: [item(9, 'c'), item(5, 'b'), item(5, 'a'), item(-1, 'front')],
      }),
    );
    const q = await client(s.url).getQueue();
    expect(q.running.map((e) => e.promptId)).toEqual(['r']);
    expect(q.pending.map((e) => e.promptId)).toEqual(['front', 'a', 'b', 'c']);
    expect(q.pending[0]).toMatchObject({ number: -1, clientId: 'x', outputs: ['2'] });
  });

  it('parses the recorded queue and history answers', async () => {
    const queueAns = http.find((h) => h.path === '/queue' && h.method === 'GET')!.res;
    const histAns = http.find((h) => h.path.startsWith('/history/b67'))!.res;
    const s = await stub((req, _b, res) => {
      if (req.url === '/api/queue') json(res, 200, queueAns);
      else if (req.url === '/api/history/b67dff2f-51cf-45df-948e-b348d6f7fce0') json(res, 200, histAns);
      else json(res, 200, {});
    });
    const c = client(s.url);
    const q = await c.getQueue();
    expect(q.running[0]!.promptId).toBe('86fa8424-9a80-40e0-9a4b-a2718276a163');
    const h = await c.getHistory('b67dff2f-51cf-45df-948e-b348d6f7fce0');
    expect(h?.status?.status_str).toBe('success');
    expect(h?.outputs['3']).toEqual({ images: [{ filename: 't_00031_.png', subfolder: '', type: 'output' }] });
    expect(await c.getHistory('unknown')).toBeNull();
  });

  it('says a stopped server is not reachable', async () => {
    const s = await stub(() => undefined);
    const url = s.url;
    await new Promise<void>((r) => s.server.close(() => r()));
    const e = (await client(url)
      .getQueue()
      .catch((x: unknown) => x)) as ComfyError;
    expect(e).toBeInstanceOf(ComfyError);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toBe(`ComfyUI at ${url} is not reachable — is it running?`);
  });

  it('times out a server that never answers', async () => {
    const s = await stub(() => undefined);
    const e = (await client(s.url, { timeouts: { headersMs: 200 } })
      .systemStats()
      .catch((x: unknown) => x)) as ComfyError;
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('did not answer within 0.2 s');
  });

  it('maps 500 to server and garbage to invalid-response', async () => {
    let n = 0;
    const s = await stub((_req, _b, res) => (n++ === 0 ? json(res, 500, 'boom') : json(res, 200, '<html>')));
    const c = client(s.url);
    expect(await c.features().catch((e: ComfyError) => e.kind)).toBe('server');
    expect(await c.features().catch((e: ComfyError) => e.kind)).toBe('invalid-response');
  });

  it('streams /view to a file via a temp name, and reports a missing file', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const s = await stub((req, _b, res) => {
      const u = new URL(req.url ?? '', 'http://x');
      if (u.searchParams.get('filename') === 'a.png' && u.searchParams.get('type') === 'output') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(big.subarray(0, 1024 * 1024));
        setImmediate(() => res.end(big.subarray(1024 * 1024)));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    const dir = await mkdtemp(join(tmpdir(), 'comfy-client-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const c = client(s.url);
    const r = await c.downloadView({ filename: 'a.png', subfolder: '', type: 'output' }, join(dir, 'a.png'));
    expect(r.bytes).toBe(big.length);
    expect((await readFile(join(dir, 'a.png'))).equals(big)).toBe(true);
    const e = (await c
      .downloadView({ filename: 'no.png', subfolder: '', type: 'output' }, join(dir, 'no.png'))
      .catch((x: unknown) => x)) as ComfyError;
    expect(e.kind).toBe('rejected');
    expect(e.message).toContain('has no file "no.png"');
    expect(await readdir(dir)).toEqual(['a.png']);
  });

  it('writes an image of announced size in one go (same result), and fails readably when the body is cut short', async () => {
    const img = Buffer.alloc(1024 * 1024 + 17, 9);
    const s = await stub((req, _b, res) => {
      const cut = (req.url ?? '').includes('cut.png');
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(img.length) });
      res.write(img.subarray(0, 4096));
      setImmediate(() => (cut ? res.destroy() : res.end(img.subarray(4096))));
    });
    const dir = await mkdtemp(join(tmpdir(), 'comfy-client-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const c = client(s.url);
    const r = await c.downloadView({ filename: 'b.png', subfolder: '', type: 'output' }, join(dir, 'b.png'));
    expect(r.bytes).toBe(img.length);
    expect((await readFile(join(dir, 'b.png'))).equals(img)).toBe(true);
    const e = (await c
      .downloadView({ filename: 'cut.png', subfolder: '', type: 'output' }, join(dir, 'cut.png'))
      .catch((x: unknown) => x)) as ComfyError;
    expect(e).toBeInstanceOf(ComfyError);
    expect(await readdir(dir)).toEqual(['b.png']);
  });

  it('uploads multipart with the image field and reports 413 readably', async () => {
    let n = 0;
    const s = await stub((_req, _b, res) =>
      n++ === 0 ? json(res, 200, { name: 'x (1).png', subfolder: 'sub', type: 'input' }) : json(res, 413, ''),
    );
    const c = client(s.url);
    const r = await c.uploadImage(Buffer.from('PNGDATA'), 'x.png', { subfolder: 'sub', overwrite: true });
    expect(r).toEqual({ name: 'x (1).png', subfolder: 'sub', type: 'input' });
    const seen = s.seen[0]!;
    expect(seen.url).toBe('/api/upload/image');
    expect(seen.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const text = seen.body.toString();
    expect(text).toContain('name="image"; filename="x.png"');
    expect(text).toContain('PNGDATA');
    expect(text).toMatch(/name="overwrite"\r\n\r\ntrue/);
    expect(text).toMatch(/name="subfolder"\r\n\r\nsub/);
    const e = (await c.uploadImage(Buffer.alloc(10), 'big.png').catch((x: unknown) => x)) as ComfyError;
    expect(e.kind).toBe('rejected');
    expect(e.status).toBe(413);
    expect(e.message).toContain('larger than ComfyUI');
  });

  it('interrupt: targeted on new servers; on old servers only when the running prompt is ours', async () => {
    let version = '0.3.64';
    let running = 'mine';
    const s = await stub((req, _b, res) => {
      if (req.url === '/api/system_stats') json(res, 200, { system: { comfyui_version: version }, devices: [] });
      else if (req.url === '/api/queue')
        json(res, 200, { queue_running: [[1, running, {}, {}, []]], queue_pending: [] });
      else {
        res.writeHead(200);
        res.end();
      }
    });
    const interrupts = () => s.seen.filter((x) => x.url === '/api/interrupt').map((x) => JSON.parse(x.body.toString()));
    expect(await client(s.url).interrupt('mine')).toEqual({ sent: true, targeted: true });
    expect(interrupts()).toEqual([{ prompt_id: 'mine' }]);

    version = '0.3.40';
    const old = client(s.url);
    running = 'someone-else';
    expect(await old.interrupt('mine')).toEqual({ sent: false, targeted: false });
    expect(interrupts()).toHaveLength(1);
    running = 'mine';
    expect(await old.interrupt('mine')).toEqual({ sent: true, targeted: false });
    expect(interrupts()).toEqual([{ prompt_id: 'mine' }, {}]);
  });

  it('keeps a reverse-proxy path prefix and pings', async () => {
    const s = await stub((_req, _b, res) => json(res, 200, { exec_info: { queue_remaining: 2 } }));
    const c = client(`${s.url}/comfy/`);
    expect(await c.queueRemaining()).toBe(2);
    const p = await c.ping();
    expect(p.latencyMs).toBeGreaterThanOrEqual(0);
    expect(s.seen.map((x) => x.url)).toEqual(['/comfy/api/prompt', '/comfy/api/prompt']);
  });

  it('compares versions', () => {
    expect(versionAtLeast('0.3.56', [0, 3, 56])).toBe(true);
    expect(versionAtLeast('0.3.100', [0, 3, 56])).toBe(true);
    expect(versionAtLeast('0.4.0', [0, 3, 56])).toBe(true);
    expect(versionAtLeast('0.3.9', [0, 3, 56])).toBe(false);
    expect(versionAtLeast(undefined, [0, 3, 56])).toBe(false);
  });

  it('parses the whole recorded /object_info (display_name null on 105 classes) and /system_stats', async () => {
    const info = readFileSync(`${FIXTURES}/object_info.json`);
    const stats = readFileSync(`${FIXTURES}/system_stats.json`);
    const s = await stub((req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/api/object_info' ? info : stats);
    });
    const c = client(s.url);
    const parsed = await c.objectInfo();
    expect(Object.keys(parsed)).toHaveLength(497);
    expect(parsed.KSampler?.output_node).toBe(false);
    expect(parsed.SaveImage?.output_node).toBe(true);
    const st = await c.systemStats();
    expect(st.system.comfyui_version).toBe('0.3.64');
    expect(st.devices[0]).toMatchObject({ name: 'cpu', type: 'cpu', index: null });
    expect(await c.supportsTargetedInterrupt()).toBe(true);
  });
});
