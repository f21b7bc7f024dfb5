/**
 * A request's parameters resolved ONCE, at submit, into the typed value stored on the job: every manifest
 * parameter's value (defaults filled, each checked against its range, random seeds drawn inside the seed's range),
 * the LoRA (name and strength, checked against the workflow's slot) and the model file for each of the workflow's
 * model settings (this request's choice, else the remembered one, else the manifest default). Dispatch, recovery
 * and reruns only map this value into the graph (inject.ts); nothing checks or draws again.
 */
import { ApiError } from '@shared/api';
import { RANDOM_SEED, resolveParamValues, SEED_MAX, SEED_MIN, type ParamSpec, type ParamValue } from '@shared/params';
import type { JobLora } from '@shared/jobs';
import type { ManifestParameter, WorkflowManifest } from '@shared/workflow-manifest';

export interface ParamsRequest {
  prompt: string;
  negative: string;
  /** Parameter values by manifest name; -1 seeds mean "random". */
  params: Readonly<Record<string, unknown>>;
  /** null = no LoRA; undefined = the remembered LoRA setting of the workflow, if any. */
  lora?: { name: string; strength?: number | undefined } | null | undefined;
  /** Model file by model setting, for this request only. */
  models?: Readonly<Record<string, string>> | undefined;
  /** The image slots the request fills (0-based). */
  imageSlots: readonly number[];
}

export interface ResolvedParams {
  /** Every manifest parameter's final value (seeds drawn). */
  params: Record<string, ParamValue>;
  lora: JobLora | null;
  /** Every model setting of the workflow → the file to load. */
  models: Record<string, string>;
  prompt: string;
  negative: string;
}

export interface ResolveContext {
  /** Floats in [0, 1) for random seeds. */
  random: () => number;
  /** The model choices remembered in the settings (setting key → file). */
  remembered: Readonly<Record<string, string>>;
  /** A narrower seed range where the target nodes allow less than the manifest says (from /object_info). */
  seedLimits?: (spec: ManifestParameter) => { min?: number | undefined; max?: number | undefined } | null;
}

type Issue = { path: string; message: string };

/** Check and resolve; throws a bad_request ApiError naming every problem (paths like `params.steps`). */
export function resolveParams(manifest: WorkflowManifest, request: ParamsRequest, ctx: ResolveContext): ResolvedParams {
  const issues: Issue[] = [];
  const declared = new Set(manifest.parameters.map((p) => p.name));
  const given: Record<string, unknown> = { ...request.params };
  if (given.batch_size !== undefined && !declared.has('batch_size')) {
    if (Number(given.batch_size) !== 1) {
      issues.push({
        path: 'params.batch_size',
        message: `workflow '${manifest.id}' makes one result per run; it has no batch_size`,
      });
    }
    delete given.batch_size;
  }
  // An empty text means "the workflow's default" where it has one (the default negative prompt), else it is
  // checked like any value ("prompt must not be empty").
  const defaults = new Map(manifest.parameters.map((p) => [p.name, p.default]));
  for (const [name, text] of [
    ['prompt', request.prompt],
    ['negative', request.negative],
  ] as const) {
    if (declared.has(name) && (text !== '' || defaults.get(name) === undefined)) given[name] = text;
  }
  if (!declared.has('prompt') && request.prompt.trim() !== '' && manifest.kind !== 'upscale') {
    // A workflow without a prompt (e.g. upscale) ignores one; others must declare it.
    issues.push({ path: 'prompt', message: `workflow '${manifest.id}' takes no prompt` });
  }
  const resolved = resolveParamValues(manifest.parameters, given);
  for (const issue of resolved.issues) issues.push({ path: `params.${issue.param}`, message: issue.message });
  const params = resolved.values;
  for (const spec of manifest.parameters) {
    if (spec.type === 'seed' && params[spec.name] === RANDOM_SEED) {
      params[spec.name] = drawSeed(ctx.random, seedRange(spec, ctx.seedLimits?.(spec) ?? null));
    }
  }
  const lora = resolveLora(manifest, request.lora, ctx.remembered, issues);
  const models = resolveModels(manifest, request.models ?? {}, ctx.remembered, issues);
  checkImages(manifest, request.imageSlots, issues);
  if (issues.length > 0)
    throw new ApiError({ code: 'bad_request', message: issues.map((i) => i.message).join('; '), issues });
  const prompt = typeof params.prompt === 'string' ? params.prompt : request.prompt;
  const negative = typeof params.negative === 'string' ? params.negative : request.negative;
  return { params, lora, models, prompt, negative };
}

/** The range a random seed is drawn from: the spec's, narrowed by what the target nodes accept. */
export function seedRange(
  spec: ParamSpec,
  limits: { min?: number | undefined; max?: number | undefined } | null,
): { min: number; max: number } {
  const min = Math.max(SEED_MIN, spec.min ?? SEED_MIN, limits?.min ?? SEED_MIN);
  const max = Math.min(SEED_MAX, spec.max ?? SEED_MAX, limits?.max ?? SEED_MAX);
  return max >= min ? { min: Math.ceil(min), max: Math.floor(max) } : { min: SEED_MIN, max: SEED_MIN };
}

/** A uniform integer in [min, max] from a float in [0, 1). */
export function drawSeed(random: () => number, range: { min: number; max: number }): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  return range.min + Math.floor(unit * (range.max - range.min + 1));
}

function resolveLora(
  manifest: WorkflowManifest,
  asked: ParamsRequest['lora'],
  remembered: Readonly<Record<string, string>>,
  issues: Issue[],
): JobLora | null {
  const slot = manifest.lora;
  if (!slot) {
    if (asked) issues.push({ path: 'lora', message: `workflow '${manifest.id}' takes no LoRA` });
    return null;
  }
  const fromSettings = remembered[slot.setting];
  const choice = asked === undefined ? (fromSettings?.trim() ? { name: fromSettings } : null) : asked;
  if (!choice || choice.name.trim() === '') return null;
  const strength = choice.strength ?? slot.strength.default;
  if (!Number.isFinite(strength) || strength < slot.strength.min || strength > slot.strength.max) {
    issues.push({
      path: 'lora.strength',
      message: `LoRA strength must be between ${slot.strength.min} and ${slot.strength.max} (got ${strength})`,
    });
  }
  return { name: choice.name.trim(), strength };
}

function resolveModels(
  manifest: WorkflowManifest,
  asked: Readonly<Record<string, string>>,
  remembered: Readonly<Record<string, string>>,
  issues: Issue[],
): Record<string, string> {
  const settings = new Set(manifest.models.map((m) => m.setting));
  for (const key of Object.keys(asked)) {
    if (!settings.has(key)) {
      const known = [...settings].join(', ') || 'none';
      issues.push({
        path: `models.${key}`,
        message: `workflow '${manifest.id}' has no model setting '${key}' (it has: ${known})`,
      });
    }
  }
  const out: Record<string, string> = {};
  for (const m of manifest.models) {
    const pick = [asked[m.setting], remembered[m.setting]].find(
      (f): f is string => typeof f === 'string' && f.trim() !== '',
    );
    out[m.setting] = pick?.trim() ?? m.default;
  }
  return out;
}

function checkImages(manifest: WorkflowManifest, imageSlots: readonly number[], issues: Issue[]): void {
  const slots = new Set(imageSlots);
  manifest.images.forEach((input, slot) => {
    if (input.required && !slots.has(slot))
      issues.push({ path: `inputs.${slot}`, message: `${input.label} (${input.name}) is required` });
  });
  const names = manifest.images.map((i) => i.name);
  for (const slot of slots) {
    if (slot >= names.length) {
      const takes =
        names.length === 0 ? 'no images' : `${names.length} image${names.length > 1 ? 's' : ''} (${names.join(', ')})`;
      issues.push({
        path: `inputs.${slot}`,
        message: `workflow '${manifest.id}' takes ${takes}; image ${slot + 1} was given`,
      });
    }
  }
}
