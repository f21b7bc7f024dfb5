/**
 * Models wherever a workflow is chosen: Generate and the template editor pick the model files and the LoRA from
 * the files ComfyUI has, remember the choice per workflow, and say when a workflow cannot run (and why).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry } from '@core/workflows/registry';
import { BUNDLED_DIR, modelListsFor } from '@test/core/workflows/helpers';
import { choose, optionTexts } from './choose';
import { hasChromium, screenshot, startUi, type Ui } from './harness';

const suite = hasChromium() ? describe : describe.skip;

suite('model pickers (chromium)', () => {
  let ui: Ui;
  beforeAll(async () => {
    const registry = new WorkflowRegistry({ bundledDir: BUNDLED_DIR });
    await registry.load();
    const models = modelListsFor(registry.list(), { checkpoints: ['juggernautXL_v9.safetensors'] });
    models.loras = ['detail-tweaker.safetensors', 'anime/style-a.safetensors'];
    models.diffusion_models = (models.diffusion_models ?? []).filter((f) => !f.startsWith('flux1-dev'));
    ui = await startUi({ comfy: { models, script: { msPerStep: 0 } } });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await ui.page.screenshot({ path: '/tmp/comfydesk-ui-failure-models.png' });
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('Generate picks the checkpoint and a LoRA from ComfyUI’s files, remembers them, and marks what cannot run', async () => {
    const { page, core } = ui;
    await ui.open('#/generate');
    await page.click('#gen-workflow');
    const workflows = await optionTexts(page);
    // Label and detail: "Flux" · "needs flux1-dev.safetensors".
    expect(workflows).toContainEqual(expect.stringMatching(/^Fluxneeds flux1-dev\.safetensors$/));
    await page.keyboard.press('Escape');
    await choose(page, '#gen-workflow', 'flux-txt2img');
    await page.waitForSelector('#gen-workflow-error:has-text("Cannot run here yet")');
    await choose(page, '#gen-workflow', 'sdxl-txt2img');
    await choose(page, '[data-testid=gen-model-checkpoints]', 'juggernautXL_v9.safetensors');
    await choose(page, '[data-testid=gen-lora]', 'detail-tweaker.safetensors');
    await page.fill('#gen-lora-strength', '0.5');
    await page.fill('#gen-prompt', 'a red fox in the snow');
    await page.fill('#gen-steps', '2');
    await screenshot(page, 'generate-models');
    await page.click('[data-testid=generate-submit]');
    await ui.waitForCore(() => ui.jobs((j) => j.prompt === 'a red fox in the snow').length === 1);
    const [job] = ui.jobs((j) => j.prompt === 'a red fox in the snow');
    expect(job!.models).toMatchObject({ 'models.sdxl.checkpoint': 'juggernautXL_v9.safetensors' });
    expect(job!.lora).toEqual({ name: 'detail-tweaker.safetensors', strength: 0.5 });
    // Remembered for the workflow: Discord's /generate and the next visit start from it.
    expect(core.store.settings.get().models['models.sdxl.checkpoint']).toBe('juggernautXL_v9.safetensors');
  });

  it('a template keeps its own model file and LoRA', async () => {
    const { page, core } = ui;
    await ui.open('#/templates');
    await page.click('[data-testid=template-new]');
    await choose(page, '#tpl-workflow', 'sdxl-txt2img');
    await page.fill('#tpl-name', 'Base fox');
    await page.fill('#tpl-prompt', 'a fox');
    await choose(page, '[data-testid=tpl-model-checkpoints]', 'sd_xl_base_1.0.safetensors');
    await choose(page, '[data-testid=tpl-lora]', 'anime/style-a.safetensors');
    await page.click('[data-testid=template-save]');
    await page.waitForSelector('[data-testid=toast-success]:has-text("Template “Base fox” saved.")');
    const saved = core.store.templates.list().find((t) => t.name === 'Base fox');
    expect(saved).toMatchObject({
      models: { 'models.sdxl.checkpoint': 'sd_xl_base_1.0.safetensors' },
      lora: { name: 'anime/style-a.safetensors' },
    });
  });

  it('the Models page shows what each workflow lacks', async () => {
    const { page } = ui;
    await ui.open('#/models');
    const flux = page.getByTestId('needs-flux-txt2img');
    await flux.getByText('Needs files').waitFor();
    expect(await flux.textContent()).toContain('flux1-dev.safetensors');
    await page.getByTestId('needs-sdxl-txt2img').getByText('Ready').waitFor();
    await screenshot(page, 'models');
  });
});
