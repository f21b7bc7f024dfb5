import { z } from 'zod';

/**
 * Generation parameters: the names ComfyDesk uses everywhere (renderer forms, Discord options, templates,
 * workflow manifests), their value types, ranges and defaults, and the pure checks every entry point runs
 * before a value reaches a workflow graph. Imports only zod.
 */

export const PARAM_TYPES = ['int', 'float', 'string', 'enum', 'bool', 'seed'] as const;
export const ParamTypeSchema = z.enum(PARAM_TYPES);
export type ParamType = z.infer<typeof ParamTypeSchema>;

/** Seeds are integers 0..2^53-1 (safe in JSON and JavaScript); -1 asks for a random seed. */
export const SEED_MIN = 0;
export const SEED_MAX = Number.MAX_SAFE_INTEGER;
export const RANDOM_SEED = -1;

/** A parameter name: lower snake case, e.g. `prompt`, `batch_size`. */
export const ParamNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, 'a parameter name is lower snake case (a-z, 0-9, _), starting with a letter');

export const ParamValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValueSchema>;

const ParamSpecBase = z.object({
  name: ParamNameSchema,
  type: ParamTypeSchema,
  label: z.string().min(1).max(80),
  description: z.string().max(500).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
  default: ParamValueSchema.optional(),
  /** enum only: the allowed values. */
  choices: z.array(z.string().min(1)).min(1).optional(),
  /** string only: refuse an empty value. */
  required: z.boolean().optional(),
  /** string only. */
  maxLength: z.number().int().positive().optional(),
  /** string only: a multi-line text field in forms. */
  multiline: z.boolean().optional(),
});

/** Cross-field rules of a spec, reported as readable messages. */
export function specProblems(spec: z.infer<typeof ParamSpecBase>): string[] {
  const out: string[] = [];
  const numeric = spec.type === 'int' || spec.type === 'float' || spec.type === 'seed';
  if (spec.type === 'enum' && !spec.choices) out.push(`enum parameter '${spec.name}' needs choices`);
  if (spec.type !== 'enum' && spec.choices)
    out.push(`only enum parameters have choices ('${spec.name}' is ${spec.type})`);
  if (!numeric && (spec.min !== undefined || spec.max !== undefined || spec.step !== undefined)) {
    out.push(`only numeric parameters have min/max/step ('${spec.name}' is ${spec.type})`);
  }
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    out.push(`parameter '${spec.name}': min ${spec.min} is above max ${spec.max}`);
  }
  if (spec.default !== undefined) {
    const checked = checkParamValue(spec as ParamSpec, spec.default);
    if (!checked.ok) out.push(`default of ${checked.message}`);
  }
  return out;
}

export const ParamSpecSchema = ParamSpecBase.superRefine((spec, ctx) => {
  for (const message of specProblems(spec)) ctx.addIssue({ code: 'custom', message });
});
export type ParamSpec = z.infer<typeof ParamSpecSchema>;

/**
 * The standard names. A workflow may declare others, but these are the ones the Discord bot and the renderer
 * know how to present. Ranges here are the defaults a workflow starts from; a manifest may narrow them.
 */
export const STANDARD_PARAMS = {
  prompt: { name: 'prompt', type: 'string', label: 'Prompt', required: true, maxLength: 4000, multiline: true },
  negative: {
    name: 'negative',
    type: 'string',
    label: 'Negative prompt',
    default: '',
    maxLength: 4000,
    multiline: true,
  },
  seed: { name: 'seed', type: 'seed', label: 'Seed', default: RANDOM_SEED },
  steps: { name: 'steps', type: 'int', label: 'Steps', min: 1, max: 150, default: 20 },
  cfg: { name: 'cfg', type: 'float', label: 'CFG', min: 0, max: 30, step: 0.1, default: 7 },
  guidance: { name: 'guidance', type: 'float', label: 'Guidance', min: 0, max: 30, step: 0.1, default: 3.5 },
  denoise: { name: 'denoise', type: 'float', label: 'Denoise', min: 0, max: 1, step: 0.01, default: 1 },
  width: { name: 'width', type: 'int', label: 'Width', min: 256, max: 2048, step: 8, default: 1024 },
  height: { name: 'height', type: 'int', label: 'Height', min: 256, max: 2048, step: 8, default: 1024 },
  batch_size: { name: 'batch_size', type: 'int', label: 'Images', min: 1, max: 4, default: 1 },
  sampler: { name: 'sampler', type: 'string', label: 'Sampler', default: 'euler' },
  scheduler: { name: 'scheduler', type: 'string', label: 'Scheduler', default: 'simple' },
  frames: { name: 'frames', type: 'int', label: 'Frames', min: 5, max: 161, step: 4, default: 81 },
  fps: { name: 'fps', type: 'float', label: 'Frames per second', min: 1, max: 60, default: 16 },
  strength: { name: 'strength', type: 'float', label: 'Strength', min: 0, max: 2, step: 0.01, default: 1 },
  scale: { name: 'scale', type: 'enum', label: 'Upscale factor', choices: ['2x', '4x', '8x'], default: '2x' },
} as const satisfies Record<string, ParamSpec>;
export type StandardParamName = keyof typeof STANDARD_PARAMS;
export const STANDARD_PARAM_NAMES = Object.keys(STANDARD_PARAMS) as StandardParamName[];

/** A standard spec, with overrides (e.g. a narrower range), as a plain ParamSpec. */
export function standardParam(name: StandardParamName, overrides: Partial<ParamSpec> = {}): ParamSpec {
  return { ...(STANDARD_PARAMS[name] as ParamSpec), ...overrides, name };
}

export type CheckResult = { ok: true; value: ParamValue } | { ok: false; message: string };

const fail = (message: string): CheckResult => ({ ok: false, message });

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function isMultiple(value: number, base: number, step: number): boolean {
  const k = (value - base) / step;
  return Math.abs(k - Math.round(k)) < 1e-9;
}

/**
 * Check (and coerce) one value. Numeric strings are accepted for numbers (Discord modals send text), "true"/
 * "false" for booleans. Messages start with the parameter name: "steps must be at most 150 (got 500)".
 */
export function checkParamValue(spec: ParamSpec, raw: unknown): CheckResult {
  const n = spec.name;
  switch (spec.type) {
    case 'int':
    case 'float':
    case 'seed': {
      const value = toNumber(raw);
      if (value === null) return fail(`${n} must be a number (got ${show(raw)})`);
      if (spec.type !== 'float' && !Number.isInteger(value)) return fail(`${n} must be a whole number (got ${value})`);
      if (spec.type === 'seed') {
        if (value === RANDOM_SEED) return { ok: true, value };
        if (value < SEED_MIN || value > SEED_MAX) {
          return fail(`${n} must be between ${SEED_MIN} and ${SEED_MAX}, or -1 for random (got ${value})`);
        }
      }
      if (spec.min !== undefined && value < spec.min) return fail(`${n} must be at least ${spec.min} (got ${value})`);
      if (spec.max !== undefined && value > spec.max) return fail(`${n} must be at most ${spec.max} (got ${value})`);
      if (spec.type === 'int' && spec.step !== undefined && spec.step >= 1) {
        const base = spec.min !== undefined && spec.min % spec.step !== 0 ? spec.min : 0;
        if (!isMultiple(value, base, spec.step)) {
          const what = base === 0 ? `a multiple of ${spec.step}` : `${base} plus a multiple of ${spec.step}`;
          return fail(`${n} must be ${what} (got ${value})`);
        }
      }
      return { ok: true, value };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return fail(`${n} must be true or false (got ${show(raw)})`);
    }
    case 'enum': {
      const value = typeof raw === 'number' ? String(raw) : raw;
      if (typeof value !== 'string' || !(spec.choices ?? []).includes(value)) {
        return fail(`${n} must be one of ${(spec.choices ?? []).join(', ')} (got ${show(raw)})`);
      }
      return { ok: true, value };
    }
    case 'string': {
      if (typeof raw !== 'string') return fail(`${n} must be text (got ${show(raw)})`);
      if (spec.required && raw.trim() === '') return fail(`${n} must not be empty`);
      if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
        return fail(`${n} must be at most ${spec.maxLength} characters (got ${raw.length})`);
      }
      return { ok: true, value: raw };
    }
  }
}

function show(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

export interface ParamIssue {
  param: string;
  message: string;
}

/**
 * Resolve a full value set: every spec gets the given value (checked) or its default. Unknown names and
 * missing values without a default are issues. Seeds stay -1 here; picking the random seed is the caller's
 * (injected randomness).
 */
export function resolveParamValues(
  specs: readonly ParamSpec[],
  input: Readonly<Record<string, unknown>>,
): { values: Record<string, ParamValue>; issues: ParamIssue[] } {
  const values: Record<string, ParamValue> = {};
  const issues: ParamIssue[] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) {
      issues.push({ param: name, message: `unknown parameter '${name}' (known: ${[...known].join(', ') || 'none'})` });
    }
  }
  for (const spec of specs) {
    const raw = input[spec.name];
    if (raw === undefined || raw === null) {
      if (spec.default !== undefined) values[spec.name] = spec.default;
      else if (spec.type === 'seed') values[spec.name] = RANDOM_SEED;
      else issues.push({ param: spec.name, message: `${spec.name} is required` });
      continue;
    }
    const checked = checkParamValue(spec, raw);
    if (checked.ok) values[spec.name] = checked.value;
    else issues.push({ param: spec.name, message: checked.message });
  }
  return { values, issues };
}

/** The default of every spec that has one. */
export function paramDefaults(specs: readonly ParamSpec[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const spec of specs) if (spec.default !== undefined) out[spec.name] = spec.default;
  return out;
}

/** A random seed in 0..SEED_MAX from a source of floats in [0, 1) (e.g. an injected `Math.random`). */
export function randomSeed(random: () => number): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(unit * (SEED_MAX + 1));
}
