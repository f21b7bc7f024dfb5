/** Every ComfyClient endpoint against the fake ComfyUI (real HTTP, real multipart, real streaming). */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyClient } from '@core/comfy/protocol/client';
import { ComfyError } from '@core/comfy/protocol/errors';
import type { ApiGraph } from '@core/comfy/protocol/messages';
import { startFakeComfy, type FakeComfy } from '@test/fakes/comfyui';

let fake: FakeComfy;
let client: ComfyClient;
let dir: string;

beforeAll(async () => {
  fake = await startFakeComfy({
    models: { checkpoints: ['a.safetensors', 'sub/b.safetensors'] },
    script: { maxUploadSize: 64 * 1024 },
  });
  client = new ComfyClient({ url: fake.url });
  dir = await mkdtemp(join(tmpdir(), 'comfy-client-fake-'));
});

afterAll(async () => {
  await client.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const graph = (color: number): ApiGraph => ({
  '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 32, batch_size: 1, color } },
  '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'cf' } },
});

describe('ComfyClient against the fake ComfyUI', () => {
  it('reads system stats, features, models and object_info', async () => {
    expect((await client.systemStats()).system.comfyui_version).toBe('0.3.64');
    expect(await client.features()).toMatchObject({ supports_preview_metadata: true, max_upload_size: 64 * 1024 });
    expect(await client.models('checkpoints')).toEqual(['a.safetensors', 'sub/b.safetensors']);
    expect(await client.models('no-such-folder')).toEqual([]);
    expect(await client.modelFolders()).toContain('checkpoints');
    const info = await client.objectInfo();
    expect(info.CheckpointLoaderSimple?.input.required?.ckpt_name).toEqual([
      ['a.safetensors', 'sub/b.safetensors'],
      expect.anything(),
    ]);
    expect(Object.keys(await client.objectInfo('EmptyImage'))).toEqual(['EmptyImage']);
    expect((await client.ping()).latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('queues, finds the history and downloads the output', async () => {
    fake.setScript({ hold: true });
    const a = await client.queuePrompt(graph(1), { clientId: 'c', promptId: 'cf-a' });
    const b = await client.queuePrompt(graph(2), { clientId: 'c', promptId: 'cf-b' });
    const c = await client.queuePrompt(graph(3), { clientId: 'c', promptId: 'cf-c', front: true });
    expect(a.promptId).toBe('cf-a');
    await fake.waitForHeld('cf-a');
    const q = await client.getQueue();
    expect(q.running.map((e) => e.promptId)).toEqual(['cf-a']);
    expect(q.pending.map((e) => e.promptId)).toEqual(['cf-c', 'cf-b']);
    expect(await client.queueRemaining()).toBe(3);
    await client.deletePending([b.promptId]);
    await client.clearPending();
    expect((await client.getQueue()).pending).toEqual([]);
    expect(fake.deleted.flat()).toContain(b.promptId);
    expect(c.number).toBeLessThan(b.number);
    fake.setScript({ hold: false });
    fake.release('cf-a');
    await fake.waitForDone('cf-a');
    const h = await client.getHistory('cf-a');
    expect(h?.status?.status_str).toBe('success');
    const ref = (h?.outputs['2']?.images as Array<{ filename: string; subfolder: string; type: string }>)[0]!;
    const r = await client.downloadView(ref, join(dir, 'out.png'));
    const bytes = await readFile(join(dir, 'out.png'));
    expect(r.bytes).toBe(bytes.length);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(Object.keys(await client.listHistory(10))).toContain('cf-a');
    await client.deleteHistory(['cf-a']);
    expect(await client.getHistory('cf-a')).toBeNull();
  });

  it('uploads (rename on clash, 413 over the limit), frees, interrupts', async () => {
    const first = await client.uploadImage(Buffer.from('one'), 'pic.png');
    const second = await client.uploadImage(Buffer.from('two'), 'pic.png');
    expect(first).toEqual({ name: 'pic.png', subfolder: '', type: 'input' });
    expect(second.name).toBe('pic (1).png');
    const big = await client.uploadImage(Buffer.alloc(80 * 1024), 'big.png').catch((e: unknown) => e);
    expect(big).toBeInstanceOf(ComfyError);
    expect((big as ComfyError).status).toBe(413);
    await client.free({ unloadModels: true, freeMemory: true });
    expect(fake.frees.at(-1)).toEqual({ unloadModels: true, freeMemory: true });
    expect(await client.interrupt('not-running')).toEqual({ sent: true, targeted: true });
    expect(fake.interrupts.at(-1)).toEqual({ promptId: 'not-running', hit: null });
  });
});
