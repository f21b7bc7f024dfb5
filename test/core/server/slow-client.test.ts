/** A browser tab that stops reading (a frozen or throttled tab) must not make the server buffer events forever. */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDirs } from '@test/helpers/temp-dir';
import { serveCore, type Served } from './harness';

const dirs = tempDirs();
let served: Served | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
  dirs.cleanup();
});

describe('headless server with a client that stops reading', () => {
  it('closes that client (1013) once too much is queued for it, and keeps serving the others', async () => {
    served = await serveCore(dirs.make('comfydesk-slow-'));
    const slow = new WebSocket(served.wsUrl);
    const fine = new WebSocket(served.wsUrl);
    await Promise.all([once(slow, 'open'), once(fine, 'open')]);
    // The slow tab's TCP socket stops reading; the fine one reads everything.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    let fineEvents = 0;
    fine.on('message', (data) => {
      if (String(data).includes('"job.progress"')) fineEvents++;
    });
    const preview = `data:image/jpeg;base64,${'A'.repeat(2 * 1024 * 1024)}`;
    const view = {
      jobId: 'j',
      status: 'running' as const,
      phase: 'sampling' as const,
      percent: 1,
      position: null,
      wait: null,
      notice: null,
      step: null,
      etaMs: null,
      preview,
      previewSeq: 1,
      updatedAt: 0,
    };
    const closed = once(slow, 'close');
    // Push until the server gives up on the slow client (each event is ~2 MB; the limit is 16 MiB queued).
    for (let i = 0; i < 64; i++) {
      served.core.events.emit('job.progress', { ...view, previewSeq: i + 1 });
      await new Promise((r) => setImmediate(r));
    }
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    const [code] = (await closed) as [number];
    expect(code).toBe(1013);
    // The other client got every event and is still served.
    await expect.poll(() => fineEvents).toBe(64);
    fine.close();
  });
});
