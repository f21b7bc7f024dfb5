/** The shared fixtures themselves: what they hand a test, and that everything is gone after it, newest first. */
import { existsSync } from 'node:fs';
import { describe, expect } from 'vitest';
import type { Core } from '@core/app';
import type { FakeComfy } from '@test/fakes/comfyui';
import { it } from './fixtures';

describe('shared test fixtures', () => {
  it('core: started on dataDir and online with comfy', async ({ core, comfy, dataDir }) => {
    expect(core.config.dataDir).toBe(dataDir);
    const summary = core.healthSummary();
    expect(summary.comfy.status).toBe('online');
    expect(summary.comfy.backends.map((b) => b.url)).toEqual([comfy.url]);
  });

  it('makeCore leaves the core to the test; startCore without a ComfyUI resolves once started', async ({
    makeCore,
    startCore,
  }) => {
    const idle = makeCore();
    expect(idle.healthSummary().comfy.status).toBe('none');
    const a = await startCore();
    const b = await startCore();
    expect(a.config.dataDir).not.toBe(b.config.dataDir);
    expect((await a.api.call('health.summary', {})).queue.queued).toBe(0);
  });

  it('equippedModels names the default model of every bundled workflow', ({ bundled, equippedModels }) => {
    expect(bundled.list().length).toBeGreaterThanOrEqual(8);
    for (const w of bundled.list())
      for (const m of w.manifest.models) expect(equippedModels[m.folder]).toContain(m.default);
  });

  // The next test checks what this one left behind.
  const trail: string[] = [];
  const left: { dirs: string[]; core?: Core; fake?: FakeComfy } = { dirs: [] };
  it('(sets up what the next test checks was torn down)', async ({ core, comfy, dataDir, tempDir, defer }) => {
    const stop = core.stop.bind(core);
    (core as { stop: () => Promise<void> }).stop = async () => {
      trail.push('core stopped');
      await stop();
    };
    const close = comfy.close.bind(comfy);
    (comfy as { close: () => Promise<void> }).close = async () => {
      trail.push('comfy closed');
      await close();
    };
    defer(() => trail.push('deferred by the test'));
    left.dirs.push(dataDir, tempDir());
    left.core = core;
    left.fake = comfy;
  });

  it('tears down newest first (the core before its ComfyUI) and removes the temp dirs', async () => {
    expect(trail).toEqual(['deferred by the test', 'core stopped', 'comfy closed']);
    expect(left.core!.store.db.open).toBe(false);
    await expect(fetch(`${left.fake!.url}/system_stats`)).rejects.toThrow();
    for (const dir of left.dirs) expect(existsSync(dir)).toBe(false);
  });
});
