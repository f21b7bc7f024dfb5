import { describe, expect, it } from 'vitest';
import { LineSplitter, LogTail } from '@core/comfy/launch/log-tail';

function split(chunks: Array<string | Buffer>, max?: number): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), max);
  for (const c of chunks) s.write(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks, handles CRLF and a last line without newline, skips blank lines', () => {
    expect(split(['Total VRAM 24', '105 MB\r\n\nDevice: ', 'cpu\nlast'])).toEqual([
      'Total VRAM 24105 MB',
      'Device: cpu',
      'last',
    ]);
  });

  it('keeps only the last drawing of a carriage-return progress bar', () => {
    expect(
      split([
        ' 10%|█  | 1/10\r',
        ' 50%|█████ | 5/10\r100%|██████████| 10/10\r',
        '\n',
        'Prompt executed in 1.2 seconds\n',
      ]),
    ).toEqual(['100%|██████████| 10/10', 'Prompt executed in 1.2 seconds']);
    expect(split(['a\rb\r\nc\r'])).toEqual(['b', 'c']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('ComfyUI – ready\n', 'utf8');
    const dash = bytes.indexOf(0xe2);
    expect(split([bytes.subarray(0, dash + 1), bytes.subarray(dash + 1)])).toEqual(['ComfyUI – ready']);
  });

  it('cuts runaway lines', () => {
    const out = split(['x'.repeat(25) + '\n'], 10);
    expect(out).toEqual(['xxxxxxxxxx…']);
    const noNewline = split(['y'.repeat(15), 'z'], 10);
    expect(noNewline[0]).toBe('yyyyyyyyyy…');
  });
});

describe('LogTail', () => {
  it('keeps the last N lines in order', () => {
    const tail = new LogTail(3);
    for (const t of ['a', 'b', 'c', 'd']) tail.push({ stream: 'stderr', text: t });
    expect(tail.snapshot().map((l) => l.text)).toEqual(['b', 'c', 'd']);
    expect(tail.text(2)).toBe('c\nd');
    tail.clear();
    expect(tail.snapshot()).toEqual([]);
    expect(() => new LogTail(0)).toThrow(RangeError);
  });
});
