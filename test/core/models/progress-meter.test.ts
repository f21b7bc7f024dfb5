/** Progress reports: at most one per interval (the last figures always sent), speed over a window, time left. */
import { describe, expect, it } from 'vitest';
import type { DownloadProgress } from '@shared/downloads';
import { ProgressMeter } from '@core/models/progress-meter';
import { FakeClock } from '@test/helpers/fake-clock';

describe('ProgressMeter', () => {
  it('reports at most four times a second, with a trailing report of the latest figures', () => {
    const clock = new FakeClock(0);
    const sent: DownloadProgress[] = [];
    const meter = new ProgressMeter('d1', clock, (p) => sent.push(p));
    meter.update(1000, 10_000);
    expect(sent).toHaveLength(1);
    for (let i = 1; i <= 20; i++) {
      clock.advance(10);
      meter.update(1000 + i * 100, 10_000);
    }
    // 200 ms went by: no second report yet, one is scheduled for the 250 ms mark.
    expect(sent).toHaveLength(1);
    clock.advance(50);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.bytesDone).toBe(3000);
    // One second of steady updates: four reports.
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      meter.update(3000 + i * 10, 10_000);
    }
    expect(sent.length - 2).toBeLessThanOrEqual(4);
    meter.stop();
    expect(clock.pendingCount).toBe(0);
  });

  it('measures the speed over the last seconds and gives the time left', () => {
    const clock = new FakeClock(0);
    const sent: DownloadProgress[] = [];
    const meter = new ProgressMeter('d2', clock, (p) => sent.push(p), { intervalMs: 1000, windowMs: 2000 });
    // A resumed download starts at 5 MB: those bytes do not count as speed.
    meter.update(5_000_000, 15_000_000);
    expect(sent[0]).toEqual({
      id: 'd2',
      bytesDone: 5_000_000,
      totalBytes: 15_000_000,
      bytesPerSecond: 0,
      etaSeconds: null,
    });
    for (let s = 1; s <= 4; s++) {
      clock.advance(1000);
      meter.update(5_000_000 + s * 1_000_000, 15_000_000);
    }
    const last = sent.at(-1)!;
    expect(last.bytesDone).toBe(9_000_000);
    expect(last.bytesPerSecond).toBe(1_000_000);
    expect(last.etaSeconds).toBe(6);
    meter.update(9_500_000, null);
    meter.flush();
    expect(sent.at(-1)).toMatchObject({ bytesDone: 9_500_000, totalBytes: null, etaSeconds: null });
    meter.stop();
  });
});
