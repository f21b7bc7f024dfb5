/**
 * The Usage page (chromium against the headless server and a fake ComfyUI): GPU time per day, person, server and
 * workflow after jobs ran, narrowed to one person; the owner's link code; the owner-action log and who is stopped
 * from generating, kept current as actions happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDiscordUser, discordUser } from '@test/helpers/actors';
import { hasChromium, screenshot, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';

declare const document: PageDocument;

const suite = hasChromium() ? describe : describe.skip;
const friend = discordUser('700000000000000009', 'Friend', { guildName: 'Lab' });

suite('usage page (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi();
    const { core } = ui;
    const job = { workflow: 'sdxl-txt2img', params: { steps: 2, width: 512, height: 512 } };
    await core.api.call('jobs.submit', { ...job, prompt: 'mine' });
    const r = await core.api.dispatch('jobs.submit', { ...job, prompt: 'theirs' }, asDiscordUser(friend));
    if (!r.ok) throw new Error(r.error.message);
    await ui.waitForCore(() => ui.jobs((j) => j.status === 'done').length === 2);
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('charts GPU time per person, server and workflow, narrowed to one person', async () => {
    const { page, core } = ui;
    await ui.open('#/usage');
    await page.waitForSelector('[data-testid=usage-by-day] svg');
    expect(await page.textContent('[data-testid=usage-totals]')).toContain('2 jobs · 0 failed');
    const people = await page.textContent('[data-testid=usage-by-user-rows]');
    expect(people).toContain('You (desktop)');
    expect(people).toContain('Friend');
    expect(await page.textContent('[data-testid=usage-by-guild-rows]')).toContain('Lab');
    expect(await page.textContent('[data-testid=usage-by-workflow-rows]')).toContain('sdxl-txt2img');
    await screenshot(page, 'usage');

    await page.click('[aria-label=Person]');
    await page.click('[role=option]:has-text("Friend")');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=usage-totals]')?.textContent?.includes('1 jobs'),
    );
    expect(await page.textContent('[data-testid=usage-by-user-rows]')).not.toContain('You (desktop)');
    expect(core.store.jobs.list({ limit: 10 })).toHaveLength(2);
  });

  it('shows a link code, and every owner action and block as it happens', async () => {
    const { page, core } = ui;
    await ui.open('#/usage');
    await page.click('[data-testid=link-code-button]');
    await page.waitForSelector('[data-testid=link-code] code');
    expect(await page.textContent('[data-testid=link-code] code')).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    await core.api.call('owner.act', {
      action: 'block',
      userId: friend.userId,
      guildId: null,
      reason: 'Enough for today',
    });
    await page.waitForSelector('[data-testid=owner-blocks] >> text=Enough for today');
    await page.waitForSelector('[data-testid=owner-actions] tr[data-action=block]');
    expect(await page.textContent('[data-testid=owner-actions]')).toContain('Friend may not generate anywhere now');

    await page.click('[data-testid=owner-blocks] button:has-text("Let them generate")');
    await page.waitForSelector('[data-testid=owner-actions] tr[data-action=unblock]');
    expect(core.store.owner.blocks()).toEqual([]);
  });
});
