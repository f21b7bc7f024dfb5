/**
 * Jobs whose ComfyUI stops answering (engine + real backend on the fake ComfyUI, injected clock): they end once it
 * has been unreachable longer than `queue.unreachableSeconds`; cancel ends a job at once while ComfyUI cannot be
 * reached, and takes it out of ComfyUI's queue once it answers again; and live progress comes back as soon as
 * ComfyUI answers, not after the socket's backoff.
 */
import { afterEach, describe, expect } from 'vitest';
import type { EventPayload } from '@shared/api';
import { it } from '@test/helpers/fixtures';
import { FakeClock } from '@test/helpers/fake-clock';
import { startTcpProxy, type TcpProxy } from '@test/helpers/tcp-proxy';
import { GONE_HINT } from '@core/jobs/backend-gone';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { startHarness, type Harness } from './harness';

const open: Array<Harness | TcpProxy> = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await h.close();
});

async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  open.push(h);
  return h;
}

const sdxl = (prompt: string, steps = 4) => ({
  workflow: 'sdxl-txt2img',
  prompt,
  params: { steps, width: 512, height: 512 },
});

/** Resolves once the backend's status satisfies `want`. */
function statusIs(backend: ComfyBackend, want: (s: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (want(backend.status)) return resolve();
    const off = backend.on('status', (s) => want(s) && (off(), resolve()));
  });
}

describe('jobs on a ComfyUI that stopped answering', () => {
  it('end once it has been unreachable for queue.unreachableSeconds, with the reason', async () => {
    const clock = new FakeClock(Date.now());
    const h = await harness({ clock });
    h.store.settings.update({ queue: { unreachableSeconds: 30 } });
    h.fake.setScript({ hold: true });
    const running = h.engine.submit(sdxl('running one'));
    const waiting = h.engine.submit(sdxl('waiting one'));
    await h.fake.waitForHeld();
    await h.waitFor(running.id, 'running');
    await h.waitFor(waiting.id, 'submitted');

    await h.fake.crash();
    await statusIs(h.backend, (s) => s === 'offline' || s === 'error');
    clock.advance(29_999);
    expect(h.store.jobs.get(running.id)!.status).toBe('running');
    expect(h.store.jobs.get(waiting.id)!.status).toBe('submitted');
    clock.advance(1);
    // No other ComfyUI could take them: they fail, saying why.
    for (const id of [running.id, waiting.id]) {
      const job = await h.waitFor(id, ['failed', 'queued', 'done', 'cancelled']);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(new RegExp(`^ComfyUI at ${h.fake.url} has not answered for 30 s`));
      expect(job.errorHint).toBe(GONE_HINT);
      expect(job.attempts).toBe(0);
    }
  });

  it('cancel ends the job at once while ComfyUI cannot be reached; its prompt leaves the queue once ComfyUI is back', async ({
    startComfy,
    equippedModels,
  }) => {
    const fake = await startComfy({ models: equippedModels, script: { hold: true } });
    const proxy = await startTcpProxy(fake.port);
    open.push(proxy);
    const h = await harness({ fakeInstance: fake, backendUrl: proxy.url });
    const running = h.engine.submit(sdxl('running one'));
    const waiting = h.engine.submit(sdxl('waiting one'));
    const runningPrompt = await fake.waitForHeld();
    await h.waitFor(running.id, 'running');
    const waitingPrompt = (await h.waitFor(waiting.id, 'submitted')).promptId!;

    await proxy.cut(); // ComfyUI keeps running and keeps its queue; it just cannot be reached
    await statusIs(h.backend, (s) => s === 'offline' || s === 'error');
    const a = await h.engine.cancel(running.id);
    const b = await h.engine.cancel(waiting.id);
    expect(a).toMatchObject({ action: 'removed', job: { status: 'cancelled' } });
    expect(b).toMatchObject({ action: 'removed', job: { status: 'cancelled' } });
    expect(fake.queueState()).toEqual({ running: runningPrompt, pending: [waitingPrompt] });

    await proxy.restore();
    await fake.waitForDone(runningPrompt);
    await fake.waitForIdle();
    expect(fake.interrupts.some((i) => i.promptId === runningPrompt)).toBe(true);
    expect(fake.deleted.flat()).toContain(waitingPrompt);
    expect(fake.history(waitingPrompt)).toBeUndefined(); // it never ran
    for (const id of [running.id, waiting.id]) {
      expect(h.store.jobs.get(id)!.status).toBe('cancelled');
      expect(h.store.jobs.transitions(id).filter((t) => t.to === 'cancelled')).toHaveLength(1);
    }
  });

  it('a cancel answered by ComfyUI still says what it did (deleted / interrupting) and ends the job at once', async () => {
    const h = await harness();
    h.fake.setScript({ hold: true });
    const running = h.engine.submit(sdxl('running one'));
    const waiting = h.engine.submit(sdxl('waiting one'));
    await h.fake.waitForHeld();
    await h.waitFor(waiting.id, 'submitted');
    expect(await h.engine.cancel(waiting.id)).toMatchObject({ action: 'deleted', job: { status: 'cancelled' } });
    expect(await h.engine.cancel(running.id)).toMatchObject({ action: 'interrupting', job: { status: 'cancelled' } });
    h.fake.release();
    await h.fake.waitForIdle();
    expect(h.store.jobs.get(running.id)!.status).toBe('cancelled');
  });
});

describe('live progress after ComfyUI comes back', () => {
  it('a job.progress from the socket arrives without waiting out the backoff once ComfyUI answers', async () => {
    const clock = new FakeClock(Date.now());
    // Backoff of ~60 s after a loss (the jitter's random is fixed high): only an explicit reconnect can be quick.
    const h = await harness({
      clock,
      random: () => 0.999,
      socket: { backoffBaseMs: 60_000, backoffMaxMs: 60_000, backoffMinMs: 100 },
    });
    h.fake.setScript({ msPerStep: 30 });
    const job = h.engine.submit(sdxl('comes back', 40));
    await h.waitFor(job.id, 'running');
    const closed = new Promise<void>((resolve) => h.backend.socket.once('close', () => resolve()));
    await h.fake.crash();
    await closed;
    await h.fake.restart(); // ComfyUI is back, with an empty queue: the job is lost there and runs again

    clock.advance(1_000); // past the 100 ms floor of a reconnect; far from the ~60 s backoff
    expect(h.backend.socketConnected).toBe(false);
    // The run on the ComfyUI that came back (the job is lost there and runs again, attempt 1).
    let rerun = false;
    h.events.on('job.changed', (j) => {
      if (j.id === job.id && j.status === 'running' && j.attempts === 1) rerun = true;
    });
    const sampling = new Promise<EventPayload<'job.progress'>>((resolve) => {
      const off = h.events.on('job.progress', (p) => {
        // Only ComfyUI's socket tells the phase (sampling); its HTTP side knows only queued or done.
        if (rerun && p.jobId === job.id && p.phase === 'sampling') {
          off();
          resolve(p);
        }
      });
    });
    const readyAt = clock.now();
    void h.backend.recheck(); // what the launcher's "ready" (or any answer of ComfyUI) does
    const p = await sampling;
    expect(clock.now() - readyAt).toBeLessThanOrEqual(1_000);
    expect(h.backend.socketConnected).toBe(true);
    expect(p.status).toBe('running');
    expect(h.store.jobs.get(job.id)!.attempts).toBe(1);
    expect((await h.waitFor(job.id, ['done', 'failed'])).status).toBe('done');
  });
});
