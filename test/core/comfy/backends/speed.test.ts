/**
 * The speed bookkeeping and the soonest-finish choice (issue 17): measured rates, the price of a model load,
 * the VRAM floor from /system_stats, and waiting for the soonest backend rather than taking a slower free one.
 */
import { describe, expect, it } from 'vitest';
import { chooseSoonest, type SpeedCandidate } from '@core/comfy/backends/routing';
import { BackendSpeeds } from '@core/comfy/backends/speed';

const GB = 1024 ** 3;
const cand = (over: Partial<SpeedCandidate> & { id: string }): SpeedCandidate => ({
  aheadMs: 0,
  runMs: 1_000,
  switchMs: 0,
  modelRank: 0,
  hasRoom: true,
  vramShort: false,
  ...over,
});

describe('chooseSoonest', () => {
  it('takes the backend that finishes soonest: queue ahead + model load + its time', () => {
    expect(
      chooseSoonest([cand({ id: 'slow', runMs: 2_000 }), cand({ id: 'fast', aheadMs: 500, runMs: 1_000 })]),
    ).toEqual({ kind: 'run', id: 'fast' });
    expect(
      chooseSoonest([cand({ id: 'other-model', switchMs: 3_000 }), cand({ id: 'same-model', aheadMs: 2_000 })]),
    ).toEqual({ kind: 'run', id: 'same-model' });
  });

  it('waits for the soonest one when it is full rather than running later on a free one', () => {
    expect(
      chooseSoonest([cand({ id: 'fast', aheadMs: 1_000, hasRoom: false }), cand({ id: 'slow', runMs: 5_000 })]),
    ).toEqual({ kind: 'wait', id: 'fast' });
  });

  it('never picks a backend short of VRAM; with none left the job waits', () => {
    expect(chooseSoonest([cand({ id: 'fast', vramShort: true }), cand({ id: 'slow', runMs: 9_000 })])).toEqual({
      kind: 'run',
      id: 'slow',
    });
    expect(chooseSoonest([cand({ id: 'only', vramShort: true })])).toEqual({ kind: 'wait', id: null });
  });

  it('before any speed is known: a free one with the model loaded, then one with nothing loaded', () => {
    expect(
      chooseSoonest([
        cand({ id: 'other', runMs: null, modelRank: 2 }),
        cand({ id: 'empty', runMs: null, modelRank: 1 }),
        cand({ id: 'loaded', runMs: null, modelRank: 0, hasRoom: false }),
      ]),
    ).toEqual({ kind: 'run', id: 'empty' });
  });
});

describe('BackendSpeeds', () => {
  it('measures ms per unit of work from warm runs and a model load from cold ones', () => {
    const s = new BackendSpeeds();
    expect(s.sent('j1', 'a', 'sdxl.safetensors')).toBe(true);
    expect(s.sent('j2', 'a', 'sdxl.safetensors')).toBe(false);
    s.ran({ backendId: 'a', workflow: 'w', execMs: 4_000, work: 1, cold: s.takeCold('j1')! });
    s.ran({ backendId: 'a', workflow: 'w', execMs: 1_000, work: 1, cold: s.takeCold('j2')! });
    s.ran({ backendId: 'a', workflow: 'w', execMs: 500, work: 0.5, cold: false });
    expect(s.rate('a', 'w')).toBe(1_000);
    expect(s.switchMs('a')).toBe(3_000);
    expect(s.anyRate('w')).toBe(1_000);
    expect(s.rate('b', 'w')).toBeNull();
    expect(s.view('a')).toMatchObject({ msPerWork: 1_000, switchMs: 3_000, runs: 3, lastModel: 'sdxl.safetensors' });
  });

  it('shows a speed after the first (cold) run, the model load included, until a warm run is measured', () => {
    const s = new BackendSpeeds();
    expect(s.view('a').msPerWork).toBeNull();
    s.sent('j1', 'a', 'sdxl.safetensors');
    s.ran({ backendId: 'a', workflow: 'w', execMs: 6_000, work: 2, cold: s.takeCold('j1')! });
    expect(s.view('a')).toMatchObject({ msPerWork: 3_000, switchMs: null, runs: 1 });
    s.ran({ backendId: 'a', workflow: 'w', execMs: 1_000, work: 1, cold: false });
    expect(s.view('a')).toMatchObject({ msPerWork: 1_000, switchMs: 4_000, runs: 2 });
  });

  it('is short of VRAM when what ComfyUI may use (free + what its torch holds) is below what the workflow needed', () => {
    const s = new BackendSpeeds();
    s.noteDevices('a', [{ vram_total: 24 * GB, vram_free: 12 * GB, torch_vram_total: 10 * GB }], 0);
    s.noteNeed('a', 'flux');
    expect(s.needOf('a', 'flux')).toBe(10 * GB);
    expect(s.vramShort('a', 'flux')).toBe(false);
    // A game took the GPU: 2 GB free and ComfyUI holds 1 GB.
    s.noteDevices('a', [{ vram_total: 24 * GB, vram_free: 2 * GB, torch_vram_total: 1 * GB }], 1);
    expect(s.vramShort('a', 'flux')).toBe(true);
    expect(s.vramShort('a', 'sdxl')).toBe(false); // never measured there
  });
});
