/**
 * ComfyDesk's own overhead around a ComfyUI job, with the fake ComfyUI answering instantly:
 *   - submit -> execution_start: POST /prompt + queueing + the WebSocket message back;
 *   - executing {node:null} -> outputs on disk: history read + /view streamed to a file.
 * Runs 500 jobs one after another and prints p50 / p99 in milliseconds.
 *
 *   npx tsx bench/comfy-overhead.ts [jobs]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ComfyBackend } from '@core/comfy/backends/backend';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { startFakeComfy } from '@test/fakes/comfyui';

const JOBS = Number(process.argv[2] ?? 500);

function graph(i: number): ApiGraph {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: i } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'bench' } },
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

async function main(): Promise<void> {
  const fake = await startFakeComfy();
  const dest = await mkdtemp(join(tmpdir(), 'comfy-bench-'));
  const backend = new ComfyBackend({ id: 'bench', url: fake.url, clientId: 'bench-client' });
  const startedAt = new Map<string, number>();
  const endedAt = new Map<string, number>();
  backend.socket.on('message', (m) => {
    if (m.type === 'execution_start') startedAt.set(m.data.prompt_id, performance.now());
    if (m.type === 'executing' && m.data.node === null && m.data.prompt_id)
      endedAt.set(m.data.prompt_id, performance.now());
  });
  const opened = new Promise<void>((r) => backend.socket.once('open', () => r()));
  backend.start();
  await opened;

  const toStart: number[] = [];
  const toDisk: number[] = [];
  let files = 0;
  const t0 = performance.now();
  try {
    for (let i = 0; i < JOBS; i++) {
      const submitAt = performance.now();
      const { promptId } = await backend.submit(graph(i));
      await backend.waitForCompletion(promptId);
      const out = await backend.collectOutputs(promptId, dest);
      const onDisk = performance.now();
      files += out.length;
      const s = startedAt.get(promptId);
      const e = endedAt.get(promptId);
      if (s === undefined || e === undefined) throw new Error(`missing WebSocket messages for ${promptId}`);
      toStart.push(s - submitAt);
      toDisk.push(onDisk - e);
    }
  } finally {
    await backend.stop();
    await fake.close();
    await rm(dest, { recursive: true, force: true });
  }
  const total = performance.now() - t0;
  toStart.sort((a, b) => a - b);
  toDisk.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  console.log(`comfy-overhead: ${JOBS} jobs, ${files} files, ${f(total)} ms total, ${f(total / JOBS)} ms per job`);
  console.log(`submit -> execution_start: p50 ${f(quantile(toStart, 0.5))} ms, p99 ${f(quantile(toStart, 0.99))} ms`);
  console.log(
    `executing null -> outputs on disk: p50 ${f(quantile(toDisk, 0.5))} ms, p99 ${f(quantile(toDisk, 0.99))} ms`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
