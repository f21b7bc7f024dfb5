/**
 * Importing a workflow from the UI (chromium against the headless server and the fake ComfyUI): a JSON dropped
 * anywhere in the window, reviewed, renamed, saved and run from Generate; a PNG holding only ComfyUI's editor graph
 * dropped on the Workflows page, its missing checkpoint swapped for one ComfyUI has, saved, exported and deleted; a
 * file whose node class ComfyUI lacks, chosen with the file picker, names that class.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makePng } from '@test/fakes/comfyui/images';
import { BUNDLED_DIR } from '@test/core/workflows/helpers';
import { choose } from './choose';
import { hasChromium, screenshot, startUi, type Ui } from './harness';

declare class DataTransfer {
  items: { add(file: File): void };
}
declare class File {
  constructor(parts: Uint8Array[], name: string, options: { type: string });
}
declare function atob(data: string): string;

const EDITOR = readFileSync(path.join(__dirname, '../core/workflows/fixtures/editor-default.json'), 'utf8');
const suite = hasChromium() ? describe : describe.skip;

/** Drop a file on `selector` as a user's drag from the desktop would (dragenter, dragover, drop). */
async function dropFile(page: Page, selector: string, name: string, type: string, bytes: Buffer): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([b64, n, t]) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], n, { type: t }));
      return dt;
    },
    [bytes.toString('base64'), name, type] as const,
  );
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

suite('importing a workflow (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    ui = await startUi();
  });
  afterAll(async () => {
    await ui?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      await ui.page.screenshot({
        path: `/tmp/comfydesk-ui-failure-import-${ctx.task.name.slice(0, 24).replace(/\W+/g, '-')}.png`,
      });
  });

  it('a JSON dropped on the gallery: reviewed, renamed, saved, then it is in Generate and runs', async () => {
    const { page, core } = ui;
    await ui.open('#/gallery');
    const graph = JSON.parse(readFileSync(`${BUNDLED_DIR}/sdxl-txt2img/workflow.json`, 'utf8')) as Record<
      string,
      { _meta?: { title: string } }
    >;
    graph['3']!._meta = { title: 'Describe the portrait' };
    const json = Buffer.from(JSON.stringify(graph));
    const dataTransfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      dt.items.add(
        new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'portrait.json', { type: 'application/json' }),
      );
      return dt;
    }, json.toString('base64'));
    // While a file is dragged over the window, a hint says it can be dropped anywhere.
    await page.dispatchEvent('main', 'dragenter', { dataTransfer });
    await page.waitForSelector('[data-testid=window-drop]');
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    await page.waitForSelector('main[data-page=workflows] [data-testid=import-review]');
    expect(await page.isVisible('[data-testid=window-drop]')).toBe(false);
    expect(await page.textContent('[data-testid=review-source]')).toMatch(
      /portrait\.json: an API-format workflow\. Checked against /,
    );
    expect(await page.inputValue('[data-param=prompt] input[aria-label="Label of prompt"]')).toBe(
      'Describe the portrait',
    );
    expect(await page.isVisible('[data-testid=review-missing]')).toBe(false);
    await page.fill('#review-title', 'My portrait');
    await page.fill('#review-id', 'my-portrait');
    await page.fill('input[aria-label="Maximum of steps"]', '60');
    await screenshot(page, 'workflow-import');
    await page.click('[data-testid=import-save-open]');

    // Generate opens on it, with the file's prompt.
    await page.waitForSelector('main[data-page=generate] #gen-workflow[data-value=my-portrait]');
    expect(await page.textContent('#gen-workflow')).toContain('My portrait');
    expect(await page.inputValue('#gen-prompt')).toContain('a lighthouse on a cliff');
    const saved = core.workflows.get('my-portrait')!;
    expect(saved.source).toBe('imported');
    expect(saved.manifest.parameters.find((p) => p.name === 'steps')?.max).toBe(60);
    await page.fill('#gen-prompt', 'a portrait of a lighthouse keeper');
    await page.click('[data-testid=generate-submit]');
    await page.waitForSelector('[data-testid=generate-result][data-status=done]');
    expect(ui.jobs((j) => j.prompt === 'a portrait of a lighthouse keeper')[0]?.workflow).toBe('my-portrait');
  });

  it('a PNG with only the editor graph: converted, a missing checkpoint swapped, saved, exported, deleted', async () => {
    const { page, core } = ui;
    await ui.open('#/workflows');
    const png = await makePng(16, 16, 1, 0, { workflow: EDITOR });
    await dropFile(page, '[data-testid=import-drop]', 'ComfyUI_00042_.png', 'image/png', png);
    await page.waitForSelector('[data-testid=import-review]');
    expect(await page.textContent('[data-testid=review-source]')).toContain(
      'ComfyUI’s editor graph in a PNG, converted',
    );
    expect(await page.textContent('[data-testid=review-missing]')).toContain(
      'v1-5-pruned-emaonly.safetensors (checkpoints)',
    );
    // The picker lists the files ComfyUI has in that folder.
    await choose(page, '[data-testid=review-model-0]', 'sd_xl_base_1.0.safetensors');
    await page.waitForSelector('[data-testid=review-missing]', { state: 'detached' });
    await page.click('[data-testid=import-save]');
    await page.waitForSelector('[data-testid=workflow-row][data-id=comfyui-00042]');
    expect(core.workflows.get('comfyui-00042')?.workflow['4']?.inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');

    const row = '[data-testid=workflow-row][data-id=comfyui-00042]';
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`${row} button[aria-label^="Export"]`),
    ]);
    expect(download.suggestedFilename()).toBe('comfyui-00042.comfydesk.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { manifest: { id: string } };
    expect(exported.manifest.id).toBe('comfyui-00042');

    await page.click(`${row} [data-testid=workflow-delete]`);
    await page.click('[role=dialog] button:has-text("Delete")');
    await page.waitForSelector(row, { state: 'detached' });
    expect(core.workflows.get('comfyui-00042')).toBeUndefined();
  });

  it('a file chosen with the picker whose node class ComfyUI lacks: the class is named, and it can be discarded', async () => {
    const { page } = ui;
    await ui.open('#/workflows');
    const graph = {
      '1': { class_type: 'LoadImage', inputs: { image: 'in.png' } },
      '2': { class_type: 'SuperResolutionX', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
    };
    const png = await makePng(16, 16, 2, 0, { prompt: JSON.stringify(graph) });
    await page.setInputFiles('[data-testid=import-file]', { name: 'sharpen.png', mimeType: 'image/png', buffer: png });
    await page.waitForSelector('[data-testid=import-review]');
    expect(await page.textContent('[data-testid=review-source]')).toContain('the API graph saved in a ComfyUI PNG');
    expect(await page.locator('[data-testid=review-missing] code.node-class').allTextContents()).toEqual([
      'SuperResolutionX',
    ]);
    await page.click('[data-testid=import-discard]');
    await page.waitForSelector('[data-testid=import-drop]');

    // A file that holds no workflow says so where the review would be.
    await page.setInputFiles('[data-testid=import-file]', {
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"a": 1}'),
    });
    await page.waitForSelector('[data-testid=import-error]');
    expect(await page.textContent('[data-testid=import-error]')).toMatch(/notes\.json|API-format/);
  });
});
