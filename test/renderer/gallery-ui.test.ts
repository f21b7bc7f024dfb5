/**
 * The gallery as a hobbyist uses it: the lightbox (zoom with the buttons, the wheel and the keyboard, pan by
 * dragging, ←/→ through the pictures), ticking several outputs (a click on the tick box, Shift for a range, Ctrl to
 * add one, Space from the keyboard) and acting on all of them at once. Chromium against the real core and the fake
 * ComfyUI drawing scenes; waits on selectors and core events.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '@shared/api';
import { hasChromium, type Ui } from './harness';
import { withDemoUi } from './demo-data';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

const suite = hasChromium() ? describe : describe.skip;

suite('gallery lightbox and multi-select (chromium)', () => {
  let ui: Ui;
  withDemoUi((started) => (ui = started));

  const tiles = () => ui.page.locator('[data-testid=gallery-tile]');
  const tileId = async (n: number) => Number(await tiles().nth(n).getAttribute('data-output-id'));
  const scale = async () => Number(await ui.page.getAttribute('.lightbox', 'data-scale'));
  const transform = () =>
    ui.page.evaluate(
      () =>
        (document.querySelector('.lightbox-zoom-content') as unknown as { style: { transform: string } }).style
          .transform,
    );

  it('opens an output full screen, zooms and pans it, steps with ←/→ and closes back to its details', async () => {
    const { page } = ui;
    await ui.open('#/gallery');
    await expect.poll(() => tiles().count()).toBeGreaterThan(5);
    const first = await tileId(0);
    const second = await tileId(1);
    await tiles().first().click();
    await page.waitForSelector(`[data-testid=output-detail]`);
    await page.click('[data-testid=detail-open]');
    await page.waitForSelector(`.lightbox[data-output-id="${first}"] [data-testid=lightbox-image]`);
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid=lightbox-image]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await scale()).toBe(1);
    expect(await page.textContent('[data-testid=lightbox-zoom]')).toBe('100%');

    // The + button zooms in; dragging then moves the picture.
    await page.click('[data-testid=lightbox-zoom-in]');
    await expect.poll(scale).toBeGreaterThan(1.2);
    const before = await transform();
    const box = (await page.locator('.lightbox-stage').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 60, { steps: 8 });
    await page.mouse.up();
    await expect.poll(transform).not.toBe(before);
    // 0 fits the picture again; the wheel and + zoom too.
    await page.keyboard.press('0');
    await expect.poll(scale).toBe(1);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(scale).toBeGreaterThan(1);
    await page.keyboard.press('0');
    await expect.poll(scale).toBe(1);
    await page.keyboard.press('+');
    await expect.poll(scale).toBeGreaterThan(1);

    // ←/→ step through the gallery's order, each picture fitted anew.
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector(`.lightbox[data-output-id="${second}"]`);
    await expect.poll(scale).toBe(1);
    expect(await page.textContent('.lightbox-counter')).toMatch(/^2 of \d+$/);
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector(`.lightbox[data-output-id="${first}"]`);
    await page.click('[data-testid=lightbox-next]');
    await page.waitForSelector(`.lightbox[data-output-id="${second}"]`);

    // Escape closes the lightbox; the details show the picture last seen.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=lightbox]', { state: 'detached' });
    await page.waitForSelector(`[data-testid=gallery-tile][data-output-id="${second}"].open`);
    await page.click('[data-testid=output-detail] button[aria-label="Close the details"]');
    await page.waitForSelector('[data-testid=output-detail]', { state: 'detached' });
  });

  it('ticks outputs with clicks, Shift and Ctrl, favourites them together and deletes them together', async () => {
    const { page, core } = ui;
    await ui.open('#/gallery');
    await expect.poll(() => tiles().count()).toBeGreaterThan(6);
    const total = await tiles().count();
    const ids = await Promise.all([0, 1, 2, 3, 4].map(tileId));
    // The tick box of the first tile; then Shift+click on the fourth ticks the range.
    await tiles().nth(0).hover();
    await tiles().nth(0).locator('[data-testid=tile-select]').click();
    await page.waitForSelector('[data-testid=selection-count]:has-text("1 selected")');
    await tiles()
      .nth(3)
      .click({ modifiers: ['Shift'] });
    await page.waitForSelector('[data-testid=selection-count]:has-text("4 selected")');
    // While ticking, a plain click ticks (or unticks) instead of opening.
    await tiles().nth(1).click();
    await page.waitForSelector('[data-testid=selection-count]:has-text("3 selected")');
    expect(await page.isVisible('[data-testid=output-detail]')).toBe(false);
    await tiles()
      .nth(4)
      .click({ modifiers: ['Control'] });
    await page.waitForSelector('[data-testid=selection-count]:has-text("4 selected")');
    const chosen = [ids[0], ids[2], ids[3], ids[4]] as number[];
    for (const [n, id] of ids.entries())
      expect(await tiles().nth(n).getAttribute('aria-selected')).toBe(String(chosen.includes(id!)));

    // Favourite all four at once.
    await page.click('[data-testid=selection-bar] button:has-text("Favourite")');
    await page.waitForSelector('[data-testid=toast-success]:has-text("4 outputs in favourites.")');
    for (const id of chosen) expect(core.library.get(id)?.favourite).toBe(true);

    // Delete them: one confirmation names how many; files, thumbnails and rows go.
    const files = chosen.map((id) => core.library.get(id)!.filePath);
    const removed = new Promise<EventPayload<'library.removed'>>((resolve) => {
      const off = core.events.on('library.removed', (e) => {
        off();
        resolve(e);
      });
    });
    await page.click('[data-testid=bulk-delete]');
    await page.waitForSelector('[role=dialog][aria-label="Delete 4 outputs?"]');
    await page.click('[role=dialog][aria-label="Delete 4 outputs?"] button.btn-danger');
    expect((await removed).ids.sort()).toEqual([...chosen].sort());
    await page.waitForSelector('[data-testid=toast-success]:has-text("Deleted 4 outputs.")');
    await expect.poll(() => tiles().count()).toBe(total - 4);
    for (const id of chosen) expect(core.library.get(id)).toBeNull();
    for (const f of files) expect(existsSync(f)).toBe(false);
    // The selection is gone with them: the filter bar is back.
    await page.waitForSelector('[data-testid=selection-bar]', { state: 'detached' });
    await page.waitForSelector('[data-testid=gallery-search]');

    // From the keyboard: Space ticks the focused tile, Escape unticks everything.
    await page.focus('[data-testid=gallery-grid]');
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+Space');
    await page.waitForSelector('[data-testid=selection-count]:has-text("2 selected")');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=selection-bar]', { state: 'detached' });
  });
});
