/**
 * Discord command options → workflow parameters. The bot only renames: each option becomes the parameter of the
 * chosen workflow it stands for (`cfg` → `cfg` or `guidance`, `batch` → `batch_size`…); the core checks every
 * value once (ranges, LoRA, seeds), and its refusals are mapped back to the option names the user typed
 * ("Option `steps`: must be at most 150 (got 500).").
 */
import { ApiError } from '@shared/api';
import type { Template } from '@shared/templates';
import type { WorkflowKind, WorkflowManifest } from '@shared/workflow-manifest';
import { Refusal } from './respond';

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

export type OptionValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** What a command's options ask of a workflow, and which option stands for which parameter. */
export interface OptionRequest {
  params: Record<string, unknown>;
  /** Absent: the workflow's remembered LoRA; a name: that LoRA. */
  lora?: { name: string; strength?: number };
  /** Parameter (or `lora`, `lora.strength`) → the option it came from, for naming it in refusals. */
  optionOf: Record<string, string>;
}

/**
 * The options the user gave, as `manifest`'s parameters over `base` (a template's or a previous job's values,
 * kept where the manifest knows them). Throws a Refusal for an option this workflow has no use for.
 */
export function paramsFromOptions(
  manifest: WorkflowManifest,
  options: OptionValues,
  base: Readonly<Record<string, unknown>> = {},
): OptionRequest {
  const known = new Set(manifest.parameters.map((p) => p.name));
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base)) {
    if (known.has(name) && name !== 'prompt' && name !== 'negative') params[name] = value;
  }
  const optionOf: Record<string, string> = {};
  for (const [option, value] of Object.entries(options)) {
    if (value === null || value === undefined || option === 'lora' || option === 'lora_strength') continue;
    const name = OPTION_PARAMS[option]?.find((c) => known.has(c));
    if (!OPTION_PARAMS[option]) continue;
    if (!name) {
      throw new Refusal(
        'Invalid option',
        `The workflow "${manifest.title}" has no \`${option}\` option.`,
        'Leave it out, or pick another workflow.',
      );
    }
    params[name] = value;
    optionOf[name] = option;
  }
  const lora = typeof options.lora === 'string' ? options.lora.trim() : '';
  const strength = options.lora_strength;
  if (typeof strength === 'number' && lora === '') {
    throw new Refusal(
      'Invalid option',
      'Option `lora_strength` needs a `lora` too.',
      'Pick a LoRA, or leave the strength out.',
    );
  }
  if (lora === '') return { params, optionOf };
  optionOf.lora = 'lora';
  optionOf['lora.strength'] = 'lora_strength';
  return { params, lora: { name: lora, ...(typeof strength === 'number' ? { strength } : {}) }, optionOf };
}

/**
 * The core's refusal of a request, with the parameters it names said as the options the user typed; other
 * errors pass through unchanged.
 */
export function inOptionTerms(err: unknown, optionOf: Readonly<Record<string, string>>): unknown {
  if (!(err instanceof ApiError) || err.code !== 'bad_request' || !err.issues?.length) return err;
  const lines = err.issues.map((issue) => {
    const param = issue.path.replace(/^params\./, '');
    const option = optionOf[param];
    if (!option) return issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
    const said = issue.message
      .replace(new RegExp(`^${param.replace('.', '\\.')}\\s*`), '')
      .replace(/^LoRA strength\s*/, '');
    return `Option \`${option}\`: ${said}${said.endsWith('.') ? '' : '.'}`;
  });
  return new Refusal(
    err.title ?? 'Invalid option',
    lines.join('\n'),
    err.hint ?? 'Fix that option and run the command again.',
  );
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
