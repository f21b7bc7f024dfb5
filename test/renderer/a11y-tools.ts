/**
 * Accessibility helpers for the chromium tests: an axe-core scan that lists serious and critical violations, and
 * Tab presses until the focus reaches an element (a keyboard user's way there).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;
interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
}
declare const axe: { run(context: unknown, options: unknown): Promise<AxeResult> };

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is, one line each. */
export async function scan(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the app's CSP allows no inline scripts, and it should not for a test.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** Tab (or Shift+Tab) until the focus is on `selector`; fails after `max` presses. */
export async function tabTo(page: Page, selector: string, { back = false, max = 80 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.closest(s) === document.activeElement, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`the keyboard never reached ${selector}`);
}
