/**
 * The gallery's justified rows (shapes kept, full rows exactly as wide as the grid, appended pages laid out without
 * redoing what came before), keyboard movement through them, and the detail panel's facts in the manifest's words.
 */
import { describe, expect, it } from 'vitest';
import {
  aspectOf,
  layoutJustified,
  MAX_ASPECT,
  MIN_ASPECT,
  moveInLayout,
  rowOf,
  type JustifiedLayout,
} from '../../renderer/src/lib/justified-layout';
import { humanize, modelName, paramFacts } from '../../renderer/src/lib/param-facts';
import { fileName, uniqueNames } from '../../renderer/src/lib/file-names';

const OPTIONS = { width: 1000, target: 200, gap: 8 };

function lay(aspects: number[], previous: JustifiedLayout | null = null, options = OPTIONS): JustifiedLayout {
  return layoutJustified(
    previous,
    options,
    aspects.length,
    (i) => aspects[i]!,
    (i) => `k${i}`,
  );
}

/** Row widths as drawn: each item aspect × height, plus the gaps. */
const rowWidth = (l: JustifiedLayout, r: number, aspects: number[]) => {
  const row = l.rows[r]!;
  let w = (row.count - 1) * l.gap;
  for (let i = 0; i < row.count; i++) w += aspects[row.start + i]! * row.height;
  return w;
};

describe('justified layout', () => {
  const aspects = [1, 1.5, 0.66, 1, 2, 0.75, 1.33, 1, 1, 0.5, 2.4, 1, 1.77, 0.8, 1.2, 1];

  it('keeps every shape, fills each full row exactly and keeps rows near the target height', () => {
    const l = lay(aspects);
    expect(l.rows.reduce((n, r) => n + r.count, 0)).toBe(aspects.length);
    for (const [r, row] of l.rows.entries()) {
      if (row.full) {
        expect(rowWidth(l, r, aspects)).toBeCloseTo(OPTIONS.width, 6);
        expect(row.height).toBeLessThanOrEqual(OPTIONS.target);
        expect(row.height).toBeGreaterThan(OPTIONS.target / 2);
      } else {
        // Only the last row may be unfinished; it keeps the target height and does not overflow.
        expect(r).toBe(l.rows.length - 1);
        expect(row.height).toBe(OPTIONS.target);
        expect(rowWidth(l, r, aspects)).toBeLessThanOrEqual(OPTIONS.width);
      }
    }
  });

  it('lays out an appended page from the unfinished last row on, and starts over when the list or width changes', () => {
    const first = lay(aspects.slice(0, 9));
    const grown = lay(aspects, first);
    // Rows before the unfinished one are the very same objects: nothing was laid out again.
    const kept = first.rows.filter((r) => r.full);
    expect(grown.rows.slice(0, kept.length)).toEqual(kept);
    kept.forEach((r, i) => expect(grown.rows[i]).toBe(r));
    expect(grown).toEqual(lay(aspects));
    // Same list: the same layout object back.
    expect(lay(aspects, grown)).toBe(grown);
    // Another width or a list that does not extend the old one: laid out from scratch.
    expect(lay(aspects, grown, { ...OPTIONS, width: 600 })).toEqual(lay(aspects, null, { ...OPTIONS, width: 600 }));
    const other = layoutJustified(
      grown,
      OPTIONS,
      aspects.length,
      (i) => aspects[i]!,
      (i) => `new${i}`,
    );
    expect(other.rows.every((r, i) => r !== grown.rows[i])).toBe(true);
  });

  it('lays out 100,000 outputs in one pass and finds the row of any item', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => [1, 1.5, 0.66, 0.75, 1.33][i % 5]!);
    const l = lay(many);
    expect(l.count).toBe(100_000);
    for (const index of [0, 1, 4_999, 50_000, 99_999]) {
      const row = l.rows[rowOf(l, index)]!;
      expect(index).toBeGreaterThanOrEqual(row.start);
      expect(index).toBeLessThan(row.start + row.count);
    }
    expect(rowOf(l, 100_000)).toBe(-1);
  });

  it('clamps odd shapes and treats unknown sizes as square', () => {
    expect(aspectOf(1024, 1024)).toBe(1);
    expect(aspectOf(832, 1216)).toBeCloseTo(0.684, 3);
    expect(aspectOf(4000, 100)).toBe(MAX_ASPECT);
    expect(aspectOf(100, 4000)).toBe(MIN_ASPECT);
    expect(aspectOf(null, 512)).toBe(1);
    expect(aspectOf(0, 0)).toBe(1);
  });

  it('moves the keyboard focus along rows and to the nearest item of the row above or below', () => {
    const square = Array.from({ length: 14 }, () => 1);
    const l = lay(square, null, { width: 1000, target: 240, gap: 0 });
    const a = (i: number) => square[i]!;
    // 1000 px ÷ 240 px: 5 squares of 200 px make a full row.
    expect(l.rows.map((r) => r.count)).toEqual([5, 5, 4]);
    expect(moveInLayout(l, 0, 'ArrowRight', a)).toBe(1);
    expect(moveInLayout(l, 4, 'ArrowRight', a)).toBe(5);
    expect(moveInLayout(l, 0, 'ArrowLeft', a)).toBe(0);
    expect(moveInLayout(l, 2, 'ArrowDown', a)).toBe(7);
    expect(moveInLayout(l, 7, 'ArrowUp', a)).toBe(2);
    expect(moveInLayout(l, 12, 'ArrowDown', a)).toBe(13);
    expect(moveInLayout(l, 1, 'ArrowUp', a)).toBe(0);
    expect(moveInLayout(l, 0, 'PageDown', a, 2)).toBe(10);
    expect(moveInLayout(l, 6, 'End', a)).toBe(13);
    expect(moveInLayout(l, 6, 'Home', a)).toBe(0);
    expect(moveInLayout(lay([]), 0, 'ArrowRight', a)).toBe(-1);
  });
});

describe('output facts', () => {
  const manifest = {
    parameters: [
      { name: 'prompt', type: 'string', label: 'Prompt' },
      { name: 'steps', type: 'int', label: 'Steps' },
      { name: 'cfg', type: 'float', label: 'CFG' },
      { name: 'fail_at', type: 'int', label: 'Fail at step' },
      { name: 'seed', type: 'seed', label: 'Seed' },
      { name: 'width', type: 'int', label: 'Width' },
      { name: 'height', type: 'int', label: 'Height' },
      { name: 'hires', type: 'bool', label: 'High-res fix' },
    ],
    models: [{ setting: 'models.sdxl.checkpoint', label: 'SDXL checkpoint' }],
  } as unknown as Parameters<typeof paramFacts>[1];

  it('labels parameters with the manifest, in its order, with the size, models and LoRA', () => {
    const facts = paramFacts(
      {
        params: {
          prompt: 'x',
          seed: 7,
          steps: 30,
          cfg: 6.5,
          fail_at: 3,
          width: 832,
          height: 1216,
          hires: true,
          extra_thing: 2,
        },
        models: { 'models.sdxl.checkpoint': 'sdxl/juggernautXL_v9.safetensors' },
        lora: { name: 'add-detail.safetensors', strength: 0.8 },
      },
      manifest,
    );
    expect(facts).toEqual([
      { label: 'Size', value: '832×1216' },
      { label: 'Steps', value: '30' },
      { label: 'CFG', value: '6.5' },
      { label: 'Fail at step', value: '3' },
      { label: 'High-res fix', value: 'Yes' },
      { label: 'Extra thing', value: '2' },
      { label: 'SDXL checkpoint', value: 'juggernautXL_v9' },
      { label: 'LoRA', value: 'add-detail · 0.8' },
    ]);
    // No raw parameter name survives, even without a manifest.
    expect(paramFacts({ params: { batch_size: 2 }, models: {}, lora: null }, null)).toEqual([
      { label: 'Batch size', value: '2' },
    ]);
    expect(humanize('FAIL_AT')).toBe('Fail at');
    expect(modelName('C:\\models\\flux1-dev.gguf')).toBe('flux1-dev');
  });

  it('names downloaded files after the output, each name once per ZIP', () => {
    expect(fileName({ id: 3, filePath: '/lib/2025-06-01/ComfyUI_00012_.png' })).toBe('ComfyUI_00012_.png');
    expect(fileName({ id: 3, filePath: 'C:\\lib\\a.png' })).toBe('a.png');
    expect(uniqueNames(['a.png', 'b.png', 'a.png', 'a.png', 'noext', 'noext'])).toEqual([
      'a.png',
      'b.png',
      'a (2).png',
      'a (3).png',
      'noext',
      'noext (2)',
    ]);
  });
});

describe('server limits form', () => {
  it('leaves empty fields to the defaults, needs both halves of a rate and names the field that is wrong', async () => {
    const { checkLimits, bannedWords } = await import('../../renderer/src/pages/bot/guild-limits');
    expect(checkLimits({ perUser: '', rateCount: '', rateWindow: '' }, { perUserQueue: 4 })).toEqual({
      limits: { perUserQueue: undefined, userRate: undefined },
      errors: {},
    });
    expect(checkLimits({ perUser: '3', rateCount: '5', rateWindow: '60' }, {}).limits).toEqual({
      perUserQueue: 3,
      userRate: { count: 5, windowSec: 60 },
    });
    expect(checkLimits({ perUser: '500', rateCount: '2.5', rateWindow: '' }, {}).errors).toEqual({
      perUser: 'Use a number from 1 to 100.',
      rateCount: 'Enter a whole number of at least 1.',
      rateWindow: 'Give the seconds, or empty both fields for no limit.',
    });
    expect(checkLimits({ perUser: '', rateCount: '', rateWindow: '30' }, {}).errors).toEqual({
      rateCount: 'Give how many requests, or empty both fields for no limit.',
    });
    expect(bannedWords(' gore, spoiler ,, x ')).toEqual(['gore', 'spoiler', 'x']);
  });
});
