/**
 * Model download throughput: a large generated file (512 MB by default, made on the fly by the model host double
 * in its own process, never stored) fetched (a) by the real downloader — DownloadManager with SQLite, SHA-256
 * computed while writing the `.part`, progress events, the check and the rename — and (b) by a plain streamed read
 * of the same URL into /dev/null, alternately in the same run. Prints both figures (best and median) and the
 * ratio of the medians; target ≥ 0.9.
 *
 *   npx tsx bench/downloads.ts [sizeMB=512] [runs=3]
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';
import type { BackendRecord } from '@shared/backends';
import { systemClock } from '@core/clock';
import { EventBus } from '@core/events';
import { MemorySecretStore } from '@core/secrets';
import { openStore } from '@core/store';
import { ModelCatalog } from '@core/models/catalog';
import { DownloadManager } from '@core/models/downloads';
import { spawnModelHost } from './model-host-child';

const SIZE = Math.round(Number(process.argv[2] ?? 512) * 1024 * 1024);
const RUNS = Number(process.argv[3] ?? 3);
const TARGET = 0.9;

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** (b): the body read and thrown away, as fast as the connection gives it. */
async function plainRead(agent: Agent, url: string): Promise<number> {
  const t0 = performance.now();
  const u = new URL(url);
  const res = await agent.request({ origin: u.origin, path: u.pathname, method: 'GET', highWaterMark: 1024 * 1024 });
  await pipeline(res.body, createWriteStream('/dev/null'));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  console.log(`model download bench: ${(SIZE / 1048576).toFixed(0)} MiB, ${RUNS} runs each, host in its own process`);
  const host = await spawnModelHost(SIZE);
  const work = mkdtempSync(join(tmpdir(), 'comfydesk-bench-dl-'));
  const install = join(work, 'ComfyUI');
  mkdirSync(install);
  writeFileSync(join(install, 'main.py'), '');
  const store = openStore(join(work, 'comfydesk.db'), systemClock);
  const record = store.backends.ensure('http://127.0.0.1:1', 'launched', 'bench', install);
  const events = new EventBus();
  let progressEvents = 0;
  events.on('download.progress', () => progressEvents++);
  const manager = new DownloadManager({
    repo: store.downloads,
    events,
    catalog: new ModelCatalog(join(work, 'no-catalog.json')),
    secrets: new MemorySecretStore(),
    clock: systemClock,
    destinations: {
      record: (id) => store.backends.get(id),
      client: () => null,
      launch: () => ({ launchPath: install, extraArgs: [] }),
      isThisMachine: () => true,
    },
    backends: (): BackendRecord[] => [record],
    filesChanged: () => Promise.resolve([]),
  });
  manager.start();
  const agent = new Agent();
  const dir = join(install, 'models', 'checkpoints');

  const viaDownloader = async (): Promise<number> => {
    rmSync(dir, { recursive: true, force: true });
    const t0 = performance.now();
    const started = await manager.enqueue({ url: host.url, folder: 'checkpoints', sha256: host.sha256 });
    const end = await new Promise<{ state: string; message: string | null }>((resolve) => {
      const off = events.on('download.changed', (d) => {
        if (d.id !== started.id || (d.state !== 'done' && d.state !== 'failed')) return;
        off();
        resolve({ state: d.state, message: d.error?.message ?? null });
      });
    });
    const ms = performance.now() - t0;
    if (end.state !== 'done') throw new Error(`the download failed: ${end.message}`);
    return ms;
  };

  try {
    // One of each first, not counted: connections, JIT, page cache.
    await plainRead(agent, host.url);
    await viaDownloader();
    const plain: number[] = [];
    const downloader: number[] = [];
    progressEvents = 0;
    const cpu = { plain: 0, downloader: 0, plainMs: 0, downloaderMs: 0 };
    const timed = async (fn: () => Promise<number>, key: 'plain' | 'downloader'): Promise<number> => {
      const c0 = process.cpuUsage();
      const ms = await fn();
      const c = process.cpuUsage(c0);
      cpu[key] += (c.user + c.system) / 1000;
      cpu[`${key}Ms`] += ms;
      return ms;
    };
    for (let i = 0; i < RUNS; i++) {
      plain.push(mbps(SIZE, await timed(() => plainRead(agent, host.url), 'plain')));
      downloader.push(mbps(SIZE, await timed(viaDownloader, 'downloader')));
    }
    const ratio = median(downloader) / median(plain);
    // The work the downloader adds to every byte is mostly SHA-256: measured alone, in memory.
    const block = Buffer.alloc(1024 * 1024, 7);
    const hash = createHash('sha256');
    const h0 = performance.now();
    for (let i = 0; i < 512; i++) hash.update(block);
    hash.digest();
    const sha = mbps(512 * 1024 * 1024, performance.now() - h0);
    const row = (name: string, xs: number[]) =>
      `  ${name.padEnd(44)} median ${median(xs).toFixed(0).padStart(5)} MB/s   best ${Math.max(...xs)
        .toFixed(0)
        .padStart(5)} MB/s`;
    console.log(row('plain streamed read to /dev/null', plain));
    console.log(row('downloader (.part + SHA-256 + progress + check)', downloader));
    console.log(`  progress events: ${(progressEvents / RUNS).toFixed(0)} per download`);
    console.log(
      `  ComfyDesk process CPU (1.00 = one core busy): plain ${(cpu.plain / cpu.plainMs).toFixed(2)}, downloader ` +
        `${(cpu.downloader / cpu.downloaderMs).toFixed(2)} (this machine: ${availableParallelism()} cores, the host uses one)`,
    );
    console.log(
      `  SHA-256 alone on this CPU: ${sha.toFixed(0)} MB/s; when one core carries the read, the best ratio is about ` +
        `1 / (1 + plain / SHA-256) = ${(1 / (1 + median(plain) / sha)).toFixed(2)}`,
    );
    console.log(
      `  ratio (medians): ${ratio.toFixed(2)}  target ≥ ${TARGET}  ${ratio >= TARGET ? 'PASS' : 'BELOW TARGET'}`,
    );
  } finally {
    await manager.stop();
    await agent.close();
    store.close();
    await host.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
