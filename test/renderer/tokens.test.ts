/**
 * The design tokens' colours meet WCAG AA: every text colour defined in renderer/src/styles/tokens.css reaches a
 * contrast of at least 4.5:1 on each background it is drawn on, in both themes. The values are read from the
 * stylesheet itself, so a changed colour is checked without touching this file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(resolve(__dirname, '../../renderer/src/styles/tokens.css'), 'utf8');

/** Custom properties of every block whose selector is exactly `selector`, later blocks winning. */
function tokens(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  const blocks = CSS.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g);
  for (const [, sel, body] of blocks) {
    if (sel!.trim() !== selector) continue;
    for (const [, name, value] of body!.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) out[name!] = value!.trim();
  }
  return out;
}

const DARK = tokens(':root');
const LIGHT = { ...DARK, ...tokens(":root[data-theme='light']") };

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2.x relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Where text sits on plain page surfaces. */
const SURFACES = [
  '--color-bg',
  '--color-sidebar',
  '--color-surface',
  '--color-surface-raised',
  '--color-surface-hover',
  '--color-field',
];
const TEXT_ON_SURFACES = [
  '--color-fg',
  '--color-fg-strong',
  '--color-fg-muted',
  '--color-link',
  '--color-danger',
  '--color-warn',
  '--color-ok',
];
/** Text on its own coloured background: buttons, badges, soft banners, the log and code. */
const OWN_PAIRS: Array<[string, string]> = [
  ['--color-on-accent', '--color-accent'],
  ['--color-on-accent', '--color-accent-hover'],
  ['--color-on-danger', '--color-danger-solid'],
  ['--color-on-accent-soft', '--color-accent-soft'],
  ['--color-on-neutral-soft', '--color-neutral-soft'],
  ['--color-danger', '--color-danger-soft'],
  ['--color-warn', '--color-warn-soft'],
  ['--color-ok', '--color-ok-soft'],
  ['--color-fg', '--color-danger-soft'],
  ['--color-fg', '--color-warn-soft'],
  ['--color-code-fg', '--color-code-bg'],
  ['--color-code-err', '--color-code-bg'],
  ['--color-fg-muted', '--color-code-bg'],
];
const PAIRS: Array<[string, string]> = [
  ...TEXT_ON_SURFACES.flatMap((fg) => SURFACES.map((bg): [string, string] => [fg, bg])),
  ...OWN_PAIRS,
];

describe('design tokens', () => {
  it('reads both themes from the stylesheet', () => {
    expect(Object.keys(DARK).length).toBeGreaterThan(30);
    expect(tokens(":root[data-theme='light']")['--color-bg']).toBeDefined();
    for (const name of ['--space-4', '--text-md', '--radius-md', '--shadow-2']) expect(DARK[name]).toBeDefined();
  });

  it('every text colour is used in at least one checked pair (a new one cannot slip past)', () => {
    const checked = new Set(PAIRS.map(([fg]) => fg));
    const textTokens = Object.keys(DARK).filter((n) => /^--color-(fg|on-|link|code-fg|code-err)/.test(n));
    expect(textTokens.filter((n) => !checked.has(n))).toEqual([]);
  });

  for (const [theme, values] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as const) {
    it(`${theme}: text reaches 4.5:1 on every background it is drawn on`, () => {
      const failing = PAIRS.map(([fg, bg]) => ({ fg, bg, ratio: contrast(values[fg]!, values[bg]!) }))
        .filter((p) => p.ratio < 4.5)
        .map((p) => `${p.fg} on ${p.bg}: ${p.ratio.toFixed(2)}`);
      expect(failing).toEqual([]);
    });
  }

  it('computes WCAG contrast like the reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
