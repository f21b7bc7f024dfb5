/**
 * Health that runs on its own: the monitor's debounce and change detection on a fake clock, then a core whose
 * checks run at start, after a backend comes online, after "Refresh this backend" once a file was copied in, and
 * after the user chooses another model file; health.latest keeps the last run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { HealthReport } from '@shared/api/health';
import type { Core } from '@core/app';
import { nullLogger } from '@core/log';
import { HealthMonitor } from '@core/health/monitor';
import { FakeClock } from '@test/helpers/fake-clock';
import { healthUntil } from '@test/helpers/core';
import { it } from '@test/helpers/fixtures';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';

const report = (backendId: string | null, at: number): HealthReport => ({
  backendId,
  url: backendId ? `http://${backendId}` : null,
  results: [],
  at,
});

/** The next health.report for which `accept` holds. */
function nextReport(core: Core, accept: (r: HealthReport) => boolean = () => true): Promise<HealthReport> {
  return new Promise((resolve) => {
    const off = core.events.on('health.report', (r) => {
      if (accept(r)) {
        off();
        resolve(r);
      }
    });
  });
}

const status = (r: HealthReport, id: string) => r.results.find((x) => x.id === id)?.status;

describe('HealthMonitor', () => {
  it('runs once at start, then once per burst of changes, only when what it reads changed', async () => {
    const clock = new FakeClock();
    let sig = 'a';
    const runs: Array<string | undefined> = [];
    let poke: (force?: boolean) => void = () => undefined;
    const monitor = new HealthMonitor({
      run: (id) => {
        runs.push(id);
        return Promise.resolve(report(id ?? null, clock.now()));
      },
      backendIds: () => ['b1', 'b2'],
      signature: () => sig,
      publish: () => undefined,
      listen: (p) => {
        poke = p;
        return [];
      },
      clock,
      logger: nullLogger,
      debounceMs: 400,
    });
    const settle = async () => {
      clock.advance(400);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    monitor.start();
    expect(runs).toEqual([]);
    await settle();
    expect(runs).toEqual(['b1', 'b2']);
    expect(monitor.latest()).toMatchObject({ backendId: 'b1' });
    expect(monitor.latest('b2')).toMatchObject({ backendId: 'b2' });

    poke(); // nothing changed
    await settle();
    expect(runs).toHaveLength(2);

    sig = 'b';
    poke();
    clock.advance(200);
    poke(); // the same burst
    await settle();
    expect(runs).toEqual(['b1', 'b2', 'b1', 'b2']);

    poke(true); // a new model file: run even though the signature is the same
    await settle();
    expect(runs).toHaveLength(6);
    await monitor.stop();
    poke(true);
    await settle();
    expect(runs).toHaveLength(6);
  });
});

describe('health in the core', () => {
  it('runs at start and when ComfyUI comes online; Refresh this backend after a file appears; a chosen file', async ({
    startComfy,
    startCore,
    tempDir,
  }) => {
    const modelsDir = tempDir('comfy-models-');
    const comfy = await startComfy({ modelsDir });
    const core = await startCore({
      comfyUrl: comfy.url,
      workflowsDir: BUNDLED_DIR,
      health: { auto: true, debounceMs: 20 },
      until: () => true,
    });
    // The first run with the backend online: SDXL lacks its checkpoint.
    const first = await nextReport(core, (r) => r.backendId !== null && status(r, 'api') === 'ok');
    expect(status(first, 'workflow:sdxl-txt2img')).toBe('fail');
    expect(first.results.findIndex((r) => r.status !== 'fail')).toBeGreaterThan(0);
    expect(await core.api.call('health.latest', {})).toEqual(first);

    // A file copied in by hand: "Refresh this backend" reads the folders again and the checks run again.
    mkdirSync(path.join(modelsDir, 'checkpoints'), { recursive: true });
    writeFileSync(path.join(modelsDir, 'checkpoints', 'sd_xl_base_1.0.safetensors'), 'weights');
    const after = nextReport(core, (r) => status(r, 'workflow:sdxl-txt2img') === 'ok');
    const refreshed = await core.api.call('backends.refresh', { id: first.backendId! });
    expect(refreshed.modelFiles).toBeGreaterThanOrEqual(1);
    expect(refreshed.nodeClasses).toBeGreaterThan(400);
    await after;

    // Another file chosen for the workflow: the checks run again on their own.
    const missing = nextReport(core, (r) => status(r, 'workflow:sdxl-txt2img') === 'fail');
    await core.api.call('settings.set', { models: { 'models.sdxl.checkpoint': 'other.safetensors' } });
    const chosen = (await missing).results.find((r) => r.id === 'workflow:sdxl-txt2img')!;
    expect(chosen.fixes).toContainEqual(expect.objectContaining({ kind: 'choose-model', file: 'other.safetensors' }));

    // Refreshing a backend that is not answering says so.
    await comfy.crash();
    await healthUntil(core, (h) => h.comfy.status === 'offline');
    const err = await core.api.call('backends.refresh', { id: first.backendId! }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/is not answering[\s\S]*start ComfyUI first/);
  });
});
