/**
 * The desktop UI in chromium against the real headless server with the fake ComfyUI behind it. Each flow
 * waits on selectors or core events, never on time. (Screenshots: screenshots.test.ts.)
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '@shared/api';
import sharp from 'sharp';
import { choose, optionTexts } from './choose';
import { hasChromium, startUi, type Ui } from './harness';
import type { PageDocument } from './page-dom';
import { asDiscordUser, discordUser } from '@test/helpers/actors';

// page.evaluate / waitForFunction callbacks run in chromium: see ./page-dom for why `document` is declared here.
declare const document: PageDocument;
declare class DataTransfer {
  items: { add(file: File): void };
}
declare class File {
  constructor(parts: Uint8Array[], name: string, options: { type: string });
}
declare function atob(data: string): string;
declare const navigator: { clipboard: { readText(): Promise<string> } };

const suite = hasChromium() ? describe : describe.skip;

suite('desktop UI flows (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.close();
  });
  afterEach(async (ctx) => {
    // A failed flow leaves a picture of the page behind for whoever reads the log.
    if (ctx.task.result?.state === 'fail')
      await ui.page.screenshot({
        path: `/tmp/comfydesk-ui-failure-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`,
      });
  });

  const tiles = () => ui.page.locator('[data-testid=gallery-tile]');
  const nav = (page: string) => ui.page.click(`nav a[href="#/${page}"]`);
  /** Toasts sit in the bottom-right corner: close them before clicking what they cover. */
  const dismissToasts = async () => {
    await ui.page.evaluate(() =>
      document.querySelectorAll('.toast button[aria-label=Dismiss]').forEach((b) => b.click()),
    );
    await ui.page.waitForSelector('.toast', { state: 'detached' });
  };

  it('submits from Generate, shows progress in the queue, the image in the gallery, finds it by a prompt word and deletes it', async () => {
    const { page, fake } = ui;
    fake.setScript({ msPerStep: 0, hold: { step: 2 }, previews: true });
    await ui.open('#/generate');
    await choose(page, '#gen-workflow', 'sdxl-txt2img');
    await page.fill('#gen-prompt', 'a lighthouse on a cliff at dawn, volumetric light');
    await page.fill('#gen-steps', '8');
    await page.fill('#gen-seed', '1234');
    await page.click('[data-testid=generate-submit]');
    // Inline progress on the Generate page.
    await page.waitForSelector('.generate-results [data-testid=job-card]');
    const promptId = await fake.waitForHeld();

    await nav('queue');
    const card = page.locator('[data-testid=active-jobs] [data-testid=job-card]');
    await card.first().waitFor();
    await page.waitForFunction(() =>
      /Sampling · step \d+\/8/.test(
        document.querySelector('[data-testid=active-jobs] [data-testid=job-progress-text]')?.textContent ?? '',
      ),
    );
    expect(
      await page.locator('[data-testid=active-jobs] [role=progressbar]').first().getAttribute('aria-valuenow'),
    ).not.toBe('0');
    await page.waitForSelector('[data-testid=active-jobs] .job-preview img');
    // The backend strip: the one ComfyUI, the job it runs, nothing measured yet (it reads again every 2 s).
    const strip = page.locator('[data-testid=backend-strip] [data-testid=backend-card]');
    await expect.poll(() => strip.count()).toBe(1);
    await strip.locator('[data-testid=backend-current]:has-text("Running sdxl-txt2img")').waitFor();
    expect(await strip.locator('[data-testid=backend-speed]').textContent()).toBe('speed not measured yet');

    fake.setScript({ hold: false });
    fake.release(promptId);
    await page.waitForSelector('[data-testid=recent-jobs] [data-testid=recent-job][data-status=done]');
    // Its run measured the backend: its speed, its VRAM at the reading after the run, and it is free again.
    await strip.locator('[data-testid=backend-speed]:has-text("s per image")').waitFor();
    await strip.locator('[data-testid=backend-vram]:has-text("free")').waitFor();
    await strip.locator('[data-testid=backend-current]:has-text("Nothing running")').waitFor();
    const [job] = ui.jobs((j) => j.prompt.startsWith('a lighthouse'));
    expect(job?.status).toBe('done');
    expect(job?.params).toMatchObject({ steps: 8, seed: 1234 });

    await nav('gallery');
    await expect.poll(() => tiles().count()).toBe(1);
    const outputId = Number(await tiles().first().getAttribute('data-output-id'));
    expect(ui.core.library.get(outputId)?.jobId).toBe(job!.id);

    // More outputs for the search (and a fuller screenshot), queued through the API like the bot does.
    const words = [
      'a red fox in the snow',
      'a castle above the clouds',
      'a neon city street in the rain',
      'an astronaut riding a horse',
      'a bowl of ramen',
      'a misty forest lake',
    ];
    const done = new Set<string>();
    const allDone = ui.waitForCore(() => words.every((w) => done.has(w)));
    const off = ui.core.events.on('library.added', (added) => added.forEach((o) => done.add(o.prompt)));
    for (const [i, prompt] of words.entries()) {
      await ui.core.api.call(
        'jobs.submit',
        {
          workflow: 'sdxl-txt2img',
          prompt,
          params: { seed: 100 + i * 37, steps: 4 },
        },
        asDiscordUser(discordUser(`12345678901${i}`, `friend${i}`)),
      );
    }
    await allDone;
    off();
    await expect.poll(() => tiles().count()).toBe(7);
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll('[data-testid=gallery-tile] img')];
      return imgs.length === 7 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });

    // People are shown by name: the user filter (in the Filters popover) lists who asked, with counts.
    await page.click('[data-testid=gallery-filters]');
    const who = page.getByTestId('gallery-user');
    await who.click();
    await expect.poll(async () => (await optionTexts(page)).join('|')).toContain('friend2 (1)');
    await page.locator('[role=option]', { hasText: 'friend2 (1)' }).click();
    await expect.poll(() => tiles().count()).toBe(1);
    // What is filtered shows as a chip beside the search.
    await page.waitForSelector('.chips .chip:has-text("By friend2")');
    await choose(page, '[data-testid=gallery-user]', { label: 'Everyone' });
    await expect.poll(() => tiles().count()).toBe(7);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.chips', { state: 'detached' });

    // Keyboard: arrows move the focus through the grid, F favourites the focused output.
    const grid = page.locator('[data-testid=gallery-grid]');
    await grid.focus();
    const second = await tiles().nth(1).getAttribute('id');
    await page.keyboard.press('ArrowRight');
    expect(await grid.getAttribute('aria-activedescendant')).toBe(second);
    await page.keyboard.press('f');
    await page.waitForSelector(`#${second} .tile-fav`);
    expect(ui.core.library.get(Number(second!.replace('tile-', '')))?.favourite).toBe(true);
    await page.keyboard.press('End');
    expect(await grid.getAttribute('aria-activedescendant')).toBe(await tiles().nth(6).getAttribute('id'));

    const search = page.locator('[data-testid=gallery-search]');
    await search.fill('lighthouse');
    await page.waitForSelector('[data-testid=gallery-count]:has-text("1 output")');
    await expect.poll(() => tiles().count()).toBe(1);
    expect(await tiles().first().getAttribute('data-output-id')).toBe(String(outputId));
    await search.fill('zebra');
    await page.waitForSelector('[data-testid=gallery-count]:has-text("0 outputs")');
    expect(await tiles().count()).toBe(0);
    await search.fill('lighthouse');
    await expect.poll(() => tiles().count()).toBe(1);

    // Keyboard: focus the grid, Enter opens the details beside it.
    await page.focus('[data-testid=gallery-grid]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=output-detail]');
    expect(await page.textContent('[data-testid=detail-prompt]')).toContain('a lighthouse on a cliff');
    await page.waitForFunction(() => {
      const img = document.querySelector('.detail-preview img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await page.click('[data-testid=output-detail] button[aria-label="More actions"]');
    await page.click('[role=menuitem]:has-text("Copy prompt")');
    await page.waitForSelector('.toast:has-text("Prompt copied.")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      'a lighthouse on a cliff at dawn, volumetric light',
    );
    const filePath = ui.core.library.get(outputId)!.filePath;
    expect(existsSync(filePath)).toBe(true);
    const removed = new Promise<EventPayload<'library.removed'>>((r) => {
      const stop = ui.core.events.on('library.removed', (e) => {
        stop();
        r(e);
      });
    });
    await page.click('[data-testid=detail-delete]');
    await page.click('[role=dialog][aria-label="Delete this output?"] button.btn-danger');
    expect((await removed).ids).toEqual([outputId]);
    await expect.poll(() => tiles().count()).toBe(0);
    await page.waitForSelector('[data-testid=toast-success]:has-text("Deleted 1 output")');
    expect(ui.core.library.get(outputId)).toBeNull();
    expect(existsSync(filePath)).toBe(false);
    await search.fill('');
    await expect.poll(() => tiles().count()).toBe(6);
  });

  it('creates a template and the Discord preview follows every keystroke', async () => {
    const { page } = ui;
    await ui.open('#/templates');
    await page.click('[data-testid=template-new]');
    await choose(page, '#tpl-workflow', 'sdxl-txt2img');
    const preview = page.locator('[data-testid=discord-preview]');
    await page.locator('#tpl-name').pressSequentially('Cozy castle');
    await page.waitForSelector('[data-testid=discord-preview] .dc-title:has-text("Template: Cozy castle")');
    const prompt = 'a cozy castle in winter';
    for (const ch of prompt) {
      await page.locator('#tpl-prompt').press(ch === ' ' ? 'Space' : ch);
      const typed = await page.inputValue('#tpl-prompt');
      await page.waitForFunction(
        (t) => document.querySelector('[data-testid=discord-preview] .dc-quote')?.textContent === t,
        typed.trim() || '(no prompt)',
      );
    }
    await page.fill('#tpl-steps', '42');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=discord-preview] .dc-field')].some(
        (f) => f.textContent === 'Steps42',
      ),
    );
    // Out of range: the field says why and the preview keeps the workflow default.
    await page.fill('#tpl-steps', '500');
    await page.waitForSelector('#tpl-steps-error:has-text("Must be at most 100 (got 500)")');
    expect(await preview.textContent()).toContain('25 (default)');
    expect(await page.isDisabled('[data-testid=template-save]')).toBe(false);
    await page.fill('#tpl-steps', '42');
    await page.fill('#tpl-negative', 'blurry');
    await page.waitForSelector('[data-testid=discord-preview] .dc-description:has-text("Negative: blurry")');
    await page.click('[data-testid=template-save]');
    await page.waitForSelector('[data-testid=toast-success]:has-text("Template “Cozy castle” saved.")');
    await page.waitForSelector('nav[aria-label=Templates] .list-item:has-text("Cozy castle")');
    const saved = ui.core.store.templates.list();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      name: 'Cozy castle',
      prompt,
      negative: 'blurry',
      params: { steps: 42 },
      ownerId: 'desktop',
    });
    expect(await page.textContent('[data-testid=discord-preview] .dc-footer')).toBe(
      `Template #${saved[0]!.id} · /generate template:Cozy castle`,
    );
  });

  it('runs the health checks and shows each row as it completes', async () => {
    const { page } = ui;
    await ui.open('#/health');
    const streamed: string[] = [];
    const off = ui.core.events.on('health.check', (e) => streamed.push(e.result.title));
    await page.click('[data-testid=run-checks]');
    // The run ends with a toast saying how it went; rows arrived one by one before it.
    await page.waitForSelector('.toast:has-text("checks passed"), .toast:has-text("failed: see the fixes")');
    await page.waitForSelector('[data-testid=run-checks]:has-text("Run all checks")');
    off();
    expect(streamed.length).toBeGreaterThan(3);
    const rows = page.locator('[data-testid=health-check]');
    expect(await rows.count()).toBe(streamed.length);
    const titles = await rows.locator('.check-title').allTextContents();
    expect(titles.map((t) => t.replace(/\s*\d+ ms$/, '')).sort()).toEqual([...streamed].sort());
    // Failures first, then warnings, then passes.
    const order = { fail: 0, warn: 1, ok: 2 } as const;
    const statuses = (await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=health-check]')].map((e) => e.dataset.status),
    )) as Array<keyof typeof order>;
    expect(statuses.map((st) => order[st])).toEqual([...statuses.map((st) => order[st])].sort((a, b) => a - b));
  });

  it('uploads a dropped image for an edit workflow and runs it', async () => {
    const { page, core } = ui;
    await ui.open('#/generate');
    await choose(page, '#gen-workflow', 'qwen-edit');
    await page.waitForSelector('[data-testid=image-drop-0]');
    expect(await page.isDisabled('[data-testid=generate-submit]')).toBe(true);
    const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 80, b: 40 } } })
      .png()
      .toBuffer();
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'sketch.png', { type: 'image/png' }));
      return dt;
    }, png.toString('base64'));
    await page.dispatchEvent('[data-testid=image-drop-0]', 'drop', { dataTransfer });
    await page.waitForSelector('[data-testid=image-drop-0] img[alt*="sketch.png"]');
    await page.fill('#gen-prompt', 'make it a watercolor');
    await page.click('[data-testid=generate-submit]');
    await page.waitForSelector('[data-testid=generate-result][data-status=done] .result-thumbs img');
    const [job] = ui.core.store.jobs.list({ limit: 500 }).filter((j) => j.prompt === 'make it a watercolor');
    expect(job?.workflow).toBe('qwen-edit');
    expect(job?.inputs).toEqual([expect.objectContaining({ slot: 0, filename: 'sketch.png' })]);
    expect(existsSync(job!.inputs[0]!.path)).toBe(true);
    expect(ui.fake.record.uploads.length).toBeGreaterThan(0);
    expect(core.library.search({ text: 'watercolor', limit: 10 }).items).toHaveLength(1);
  });

  it('cancels a running job from the queue', async () => {
    const { page, fake } = ui;
    fake.setScript({ hold: { step: 1 } });
    await ui.open('#/generate');
    await choose(page, '#gen-workflow', 'sdxl-txt2img');
    await page.fill('#gen-prompt', 'a job to cancel');
    await page.click('[data-testid=generate-submit]');
    const promptId = await fake.waitForHeld();
    await nav('queue');
    const card = page.locator('[data-testid=active-jobs] [data-testid=job-card]:has-text("a job to cancel")');
    await card.waitFor();
    const jobId = await card.getAttribute('data-job-id');
    await card.locator('button:has-text("Cancel")').click();
    await page.waitForSelector(`[data-testid=recent-job][data-job-id="${jobId}"][data-status=cancelled]`);
    await page.waitForSelector('[data-testid=toast-success]');
    expect(ui.core.store.jobs.get(jobId!)?.status).toBe('cancelled');
    expect(fake.record.interrupts.some((i) => i.promptId === promptId)).toBe(true);
    fake.setScript({ hold: false });
    fake.release(promptId);
    expect(await page.locator('[data-testid=active-jobs] [data-testid=job-card]').count()).toBe(0);

    // Pause and resume the whole queue.
    await dismissToasts();
    await page.click('[data-testid=pause-toggle]');
    await page.waitForSelector('.toast:has-text("Queue paused")');
    await page.waitForSelector('[data-testid=pause-toggle]:has-text("Resume queue")');
    expect(ui.core.store.settings.get().queue.paused).toBe(true);
    await page.waitForSelector('[data-testid=queue-status]:has-text("paused")');
    await page.click('[data-testid=pause-toggle]');
    await page.waitForSelector('.toast:has-text("Queue resumed.")');
    await page.waitForSelector('[data-testid=pause-toggle]:has-text("Pause queue")');
    expect(ui.core.store.settings.get().queue.paused).toBe(false);
  });

  it('stores the bot token write-only and edits a server’s limits and roles', async () => {
    const { page, core } = ui;
    const guildId = '223456789012345678';
    core.store.guilds.upsert(guildId, 'Pixel Friends');
    core.store.guilds.setRoles(guildId, 'generator', ['323456789012345678']);
    core.store.guilds.setLimits(guildId, { perUserQueue: 2 });
    await ui.open('#/bot');
    await page.waitForSelector('[data-testid=bot-state][data-status=no-token]');
    expect(await page.getAttribute('#bot-token', 'type')).toBe('password');
    // A pasted client secret is refused with the contract's explanation.
    await page.fill('#bot-token', 'not-a-token');
    await page.click('button:has-text("Save token")');
    // The refusal shows beside the token field, not in a toast.
    await page.waitForSelector('#bot-token-error:has-text("That is not a bot token")');
    const token = `${Buffer.from('123456789012345678').toString('base64')}.GhIjKl.${'a'.repeat(38)}`;
    await page.fill('#bot-token', token);
    await page.click('button:has-text("Save token")');
    await page.waitForSelector('.toast:has-text("Token saved")');
    expect(await page.inputValue('#bot-token')).toBe('');
    await page.waitForSelector('[aria-label="Bot token"] .status-pill:has-text("Saved")');
    // The first two setup steps are done; the invite link is there now.
    expect(await page.locator('[data-testid=bot-setup-steps] li.done').count()).toBe(2);
    expect(await page.inputValue('#bot-invite')).toContain('client_id=123456789012345678');
    expect(await page.content()).not.toContain(token);
    await page.getByTestId('bot-register-globally').click();
    await page.waitForSelector('[data-testid=saved-bot][data-status=saved]');
    await expect.poll(() => ui.core.store.settings.get().discord.registerGlobally).toBe(true);
    // A server's rules save as they change, like everything on this page but the token.
    const form = page.locator('section[aria-label="Server Pixel Friends"]');
    expect(await form.locator('.role-list li').count()).toBe(1);
    await form.getByLabel('Jobs per member in the queue').fill('5');
    await form.locator('#guild-223456789012345678-banned').fill('spoiler, gore');
    await form.locator('#guild-223456789012345678-banned').blur();
    await page.waitForSelector('[data-testid=saved-guild-223456789012345678][data-status=saved]');
    await expect.poll(() => core.store.guilds.get(guildId)!.bannedWords.length).toBe(2);
    // Sharing the GPU: @everyone gets 30 GPU minutes a day, the mapped role twice the share (saved as each is left).
    await form.getByLabel('GPU minutes per day of @everyone').fill('30');
    await form.locator('[data-testid=share-list] li').nth(1).locator('input').first().fill('2');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByLabel('Words only for age-restricted channels').fill('nsfw');
    await form.getByLabel('Words only for age-restricted channels').blur();
    await expect.poll(() => core.store.guilds.get(guildId)!.settings.channelRules?.nsfwWords).toEqual(['nsfw']);
    const stored = core.store.guilds.get(guildId)!;
    expect(stored.limits.perUserQueue).toBe(5);
    expect([...stored.bannedWords].sort()).toEqual(['gore', 'spoiler']);
    expect(core.store.guilds.roles(guildId)).toEqual([{ roleId: '323456789012345678', level: 'generator' }]);
    expect(stored.settings).toMatchObject({
      timeZone: 'Europe/Berlin',
      shares: [
        { roleId: guildId, dailyMinutes: 30 },
        { roleId: '323456789012345678', weight: 2 },
      ],
      channelRules: { nsfwWords: ['nsfw'], spoilerOutsideNsfw: false },
    });
  });

  it('catches up after the connection to the core was lost', async () => {
    const { page, core } = ui;
    await ui.open('#/gallery');
    await page.waitForSelector('[data-testid=gallery-count]:has-text("output")');
    const before = await tiles().count();
    let jobId = '';
    await ui.restartServer(async () => {
      // While the page is cut off: a job runs to the end and its output lands in the library.
      await page.waitForSelector('[data-testid=connection]');
      const added = new Promise<void>((resolve) => {
        const off = core.events.on('library.added', () => {
          off();
          resolve();
        });
      });
      jobId = (
        await core.api.call(
          'jobs.submit',
          { workflow: 'sdxl-txt2img', prompt: 'made while offline', params: { steps: 2 } },
          { caller: 'test' },
        )
      ).id;
      await added;
    });
    // Back online: the page reloads its snapshots instead of waiting for events it missed.
    await page.waitForSelector('[data-testid=connection]', { state: 'detached' });
    await expect.poll(() => tiles().count()).toBe(before + 1);
    await nav('queue');
    await page.waitForSelector(`[data-testid=recent-job][data-job-id="${jobId}"][data-status=done]`);
  });

  it('shows the settings page and switches the theme', async () => {
    const { page } = ui;
    await ui.open('#/settings');
    await page.waitForSelector('[data-testid=backends] li:has-text("Online")');
    // Settings save as they change: the card says "Saved" instead of a toast.
    await page.click('[data-testid=tab-app]');
    await choose(page, '#set-theme', 'light');
    await page.waitForSelector('[data-testid=saved-app][data-status=saved]:has-text("Saved")');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(ui.core.store.settings.get().theme).toBe('light');
    await choose(page, '#set-theme', 'dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  });
});
