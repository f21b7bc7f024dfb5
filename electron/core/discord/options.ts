/**
 * Discord command options → workflow parameters, validated against the chosen workflow's manifest. Every
 * refusal names the Discord option the user typed ("Option `steps` must be at most 100 (got 500)").
 */
import { checkParamValue } from '@shared/params';
import type { Template } from '@shared/templates';
import type { WorkflowKind, WorkflowManifest } from '@shared/workflow-manifest';

/** Discord option name → the manifest parameter names it may fill, first found wins. */
export const OPTION_PARAMS: Readonly<Record<string, readonly string[]>> = {
  width: ['width'],
  height: ['height'],
  steps: ['steps'],
  cfg: ['cfg', 'guidance'],
  seed: ['seed'],
  batch: ['batch_size'],
  frames: ['frames'],
  strength: ['strength'],
  factor: ['scale'],
  denoise: ['denoise'],
};

export type ParamsResult = { ok: true; params: Record<string, unknown> } | { ok: false; message: string };

/**
 * Merge `base` (a template's or a previous job's parameters, kept only where the manifest knows them) with the
 * options the user gave, each checked against the manifest's range. `lora`/`lora_strength` are checked against
 * the manifest's LoRA slot.
 */
export function buildParams(
  manifest: WorkflowManifest,
  options: Readonly<Record<string, string | number | boolean | null | undefined>>,
  base: Readonly<Record<string, unknown>> = {},
): ParamsResult {
  const known = new Map(manifest.parameters.map((p) => [p.name, p]));
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base)) {
    if (known.has(name) && name !== 'prompt' && name !== 'negative') params[name] = value;
  }
  if (manifest.lora && typeof base.lora === 'string' && base.lora !== '') {
    params.lora = base.lora;
    if (typeof base.lora_strength === 'number') params.lora_strength = base.lora_strength;
  }
  for (const [option, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    if (option === 'lora' || option === 'lora_strength') continue;
    const candidates = OPTION_PARAMS[option];
    if (!candidates) continue;
    const spec = candidates.map((c) => known.get(c)).find((s) => s !== undefined);
    if (!spec) {
      return {
        ok: false,
        message: `The workflow "${manifest.title}" has no \`${option}\` option. Leave it out, or pick another workflow.`,
      };
    }
    const checked = checkParamValue(spec, value);
    if (!checked.ok)
      return {
        ok: false,
        message: `Option \`${option}\`: ${checked.message.replace(new RegExp(`^${spec.name}\\s*`), '')}.`,
      };
    params[spec.name] = checked.value;
  }
  const lora = options.lora;
  const strength = options.lora_strength;
  if (typeof lora === 'string' && lora.trim() !== '') {
    if (!manifest.lora)
      return {
        ok: false,
        message: `The workflow "${manifest.title}" takes no LoRA. Leave \`lora\` out, or pick another workflow.`,
      };
    params.lora = lora.trim();
  }
  if (typeof strength === 'number') {
    if (!manifest.lora)
      return {
        ok: false,
        message: `The workflow "${manifest.title}" takes no LoRA, so \`lora_strength\` has no effect. Leave it out.`,
      };
    const { min, max } = manifest.lora.strength;
    if (!Number.isFinite(strength) || strength < min || strength > max) {
      return { ok: false, message: `Option \`lora_strength\` must be between ${min} and ${max} (got ${strength}).` };
    }
    if (params.lora === undefined) return { ok: false, message: 'Option `lora_strength` needs a `lora` too.' };
    params.lora_strength = strength;
  }
  return { ok: true, params };
}

/** The user's prompt combined with a template's: `{prompt}` in the template is replaced, else both are joined. */
export function combinePrompt(userPrompt: string, template: Pick<Template, 'prompt'> | null): string {
  const mine = userPrompt.trim();
  if (!template || template.prompt.trim() === '') return mine;
  if (template.prompt.includes('{prompt}')) return template.prompt.split('{prompt}').join(mine);
  return mine === '' ? template.prompt : `${mine}, ${template.prompt}`;
}

/** Rank items for autocomplete: prefix matches first, then substring; everything matches an empty query. */
export function filterChoices<T>(items: readonly T[], query: string, keys: (item: T) => string[], limit = 25): T[] {
  const q = query.trim().toLowerCase();
  if (q === '') return items.slice(0, limit);
  const scored: Array<{ item: T; score: number; i: number }> = [];
  items.forEach((item, i) => {
    const texts = keys(item).map((k) => k.toLowerCase());
    let score = -1;
    if (texts.some((t) => t === q)) score = 0;
    else if (texts.some((t) => t.startsWith(q))) score = 1;
    else if (texts.some((t) => t.split(/[\s_\-./]+/).some((w) => w.startsWith(q)))) score = 2;
    else if (texts.some((t) => t.includes(q))) score = 3;
    if (score >= 0) scored.push({ item, score, i });
  });
  scored.sort((a, b) => a.score - b.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.item);
}

/** Which workflow kinds the result buttons offer. */
export const BUTTON_KINDS: Record<string, WorkflowKind> = {
  upscale2: 'upscale',
  upscale4: 'upscale',
  edit: 'edit',
  animate: 'img2video',
};
