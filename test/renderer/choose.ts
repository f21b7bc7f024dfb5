/**
 * Picking from the app's Select and Combobox (Radix and cmdk lists in a popover, not native selects): open the
 * trigger, click the option, and wait for the list to close.
 */
import type { Page } from 'playwright-core';

/** Pick the option whose value is `value` (`{ label }`: whose text is `label`) from the list `trigger` opens. */
export async function choose(page: Page, trigger: string, pick: string | { label: string }): Promise<void> {
  await page.click(trigger);
  const option =
    typeof pick === 'string'
      ? page.locator(`[role=option][data-value="${pick}"]`)
      : page.locator('[role=option]', { hasText: pick.label });
  await option.first().click();
  await page.waitForSelector('[role=listbox], [cmdk-list]', { state: 'detached' });
}

/** The texts of the options an open list shows. */
export async function optionTexts(page: Page): Promise<string[]> {
  return page.locator('[role=option]').allTextContents();
}
