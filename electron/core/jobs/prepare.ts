/**
 * From a request to a runnable job and back to a graph. At submit time the parameters are checked against the
 * workflow's manifest (every problem named) and random seeds are resolved, so what is stored re-creates exactly
 * the same graph at dispatch, after a restart or on a rerun.
 */
import { badRequest, ApiError } from '@shared/api';
import { RANDOM_SEED, randomSeed, resolveParamValues, type ParamValue } from '@shared/params';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { Requirements } from '@core/comfy/backends/routing';
import type { ApiGraph } from '@core/workflows/graph';
import { injectWithDetails, InjectError, type LoraChoice } from '@core/workflows/inject';
import type { LoadedWorkflow, WorkflowRegistry } from '@core/workflows/registry';
import { requiredModelFiles } from '@core/workflows/requirements';

/** Parameters that are not manifest parameters but choose the LoRA. */
const LORA_KEYS = ['lora', 'lora_strength'] as const;

export interface PreparedRequest {
  workflow: LoadedWorkflow;
  /** Every manifest parameter's value (seeds resolved) plus `lora`/`lora_strength` when given. */
  params: Record<string, ParamValue>;
  prompt: string;
  negative: string;
}

export function findWorkflow(registry: WorkflowRegistry, id: string): LoadedWorkflow {
  const workflow = registry.get(id);
  if (!workflow) {
    const known = registry.list().map((w) => w.manifest.id);
    throw new ApiError({
      code: 'bad_request',
      message: `Unknown workflow '${id}'. Available: ${known.join(', ') || 'none (check the workflows folder)'}.`,
      issues: [{ path: 'workflow', message: `unknown workflow '${id}'` }],
    });
  }
  return workflow;
}

function loraOf(params: Readonly<Record<string, unknown>>): LoraChoice | null | undefined {
  const name = params.lora;
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string') throw badRequest('lora must be a LoRA file name');
  if (name.trim() === '') return null;
  const raw = params.lora_strength;
  if (raw === undefined || raw === null) return { name };
  const strength = Number(raw);
  if (!Number.isFinite(strength)) throw badRequest(`lora_strength must be a number (got ${JSON.stringify(raw)})`);
  return { name, strength };
}

/**
 * Check a request against its workflow: unknown parameters, out-of-range values, the LoRA and the number of
 * images. Throws a bad_request ApiError whose message names every problem.
 */
export function prepareRequest(
  workflow: LoadedWorkflow,
  request: {
    prompt: string;
    negative: string;
    params: Readonly<Record<string, unknown>>;
    imageSlots: readonly number[];
  },
  random: () => number,
): PreparedRequest {
  const { manifest } = workflow;
  const declared = new Set(manifest.parameters.map((p) => p.name));
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.params)) {
    if ((LORA_KEYS as readonly string[]).includes(key)) continue;
    given[key] = value;
  }
  if (declared.has('prompt') && request.prompt !== '') given.prompt = request.prompt;
  if (declared.has('negative') && request.negative !== '') given.negative = request.negative;
  if (!declared.has('prompt') && request.prompt.trim() !== '' && manifest.kind !== 'upscale') {
    // A workflow without a prompt (e.g. upscale) ignores one; others must declare it.
    throw badRequest(`Workflow '${manifest.id}' takes no prompt.`);
  }
  const issues: { path: string; message: string }[] = [];
  const resolved = resolveParamValues(manifest.parameters, given);
  for (const issue of resolved.issues) issues.push({ path: `params.${issue.param}`, message: issue.message });
  const values = resolved.values;
  for (const spec of manifest.parameters) {
    if (spec.type === 'seed' && values[spec.name] === RANDOM_SEED) values[spec.name] = randomSeed(random);
  }
  const lora = loraOf(request.params);
  if (lora && !manifest.lora) issues.push({ path: 'params.lora', message: `workflow '${manifest.id}' takes no LoRA` });
  if (lora && manifest.lora && lora.strength !== undefined) {
    const { min, max } = manifest.lora.strength;
    if (lora.strength < min || lora.strength > max) {
      issues.push({
        path: 'params.lora_strength',
        message: `lora_strength must be between ${min} and ${max} (got ${lora.strength})`,
      });
    }
  }
  const slots = new Set(request.imageSlots);
  manifest.images.forEach((input, slot) => {
    if (input.required && !slots.has(slot))
      issues.push({ path: `inputs.${slot}`, message: `${input.label} is required` });
  });
  for (const slot of slots) {
    if (slot >= manifest.images.length) {
      issues.push({
        path: `inputs.${slot}`,
        message: `workflow '${manifest.id}' takes ${manifest.images.length === 0 ? 'no images' : `at most ${manifest.images.length} image(s)`}`,
      });
    }
  }
  if (issues.length > 0) {
    throw new ApiError({ code: 'bad_request', message: issues.map((i) => i.message).join('; '), issues });
  }
  const params: Record<string, ParamValue> = { ...values };
  if (lora) {
    params.lora = lora.name;
    if (lora.strength !== undefined) params.lora_strength = lora.strength;
  } else if (lora === null) params.lora = '';
  const prompt = typeof values.prompt === 'string' ? values.prompt : request.prompt;
  const negative = typeof values.negative === 'string' ? values.negative : request.negative;
  return { workflow, params, prompt, negative };
}

/** What a backend must have to run this job (for the pool's routing). */
export function requirementsOf(
  manifest: WorkflowManifest,
  params: Readonly<Record<string, unknown>>,
  models: Readonly<Record<string, string>>,
): Requirements {
  const files = requiredModelFiles(manifest, { models, lora: loraOf(params) ?? undefined });
  return {
    nodeClasses: manifest.nodeClasses,
    models: files.map((f) => ({ folder: f.folder, file: f.file })),
    ...(files[0] ? { preferModel: files[0].file } : {}),
  };
}

/** The graph to queue: stored parameters (seeds already fixed) + uploaded image names + model settings. */
export function buildGraph(
  workflow: LoadedWorkflow,
  params: Readonly<Record<string, unknown>>,
  images: ReadonlyArray<string | undefined>,
  models: Readonly<Record<string, string>>,
  filenamePrefix: string,
): ApiGraph {
  const manifestParams: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params))
    if (!(LORA_KEYS as readonly string[]).includes(key)) manifestParams[key] = value;
  const lora = loraOf(params);
  try {
    return injectWithDetails(workflow.workflow, workflow.manifest, manifestParams, {
      images,
      models,
      ...(lora !== undefined ? { lora } : {}),
      filenamePrefix,
      random: () => 0,
    }).graph;
  } catch (err) {
    if (err instanceof InjectError) {
      throw new ApiError({
        code: 'bad_request',
        message: err.message,
        issues: err.issues.map((i) => ({ path: `params.${i.param}`, message: i.message })),
      });
    }
    throw err;
  }
}
