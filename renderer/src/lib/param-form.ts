/**
 * Form fields generated from a workflow manifest: which parameters a form shows, their text values and the
 * checked parameter set they turn into (with the same rules the core applies).
 */
import { checkParamValue, type ParamSpec, type ParamValue } from '@shared/params';
import type { WorkflowManifest } from '@shared/workflow-manifest';

/** Prompt texts have their own fields. */
const TEXT_PARAMS = new Set(['prompt', 'negative']);

export type FormValues = Record<string, string | boolean>;

export function formSpecs(manifest: WorkflowManifest | null): ParamSpec[] {
  return manifest ? manifest.parameters.filter((p) => !TEXT_PARAMS.has(p.name)) : [];
}

export function takesNegative(manifest: WorkflowManifest | null): boolean {
  return !!manifest?.parameters.some((p) => p.name === 'negative');
}

/** Field values for given parameters; a missing value is empty (the default applies). */
export function formValues(specs: ParamSpec[], given: Readonly<Record<string, unknown>> = {}): FormValues {
  const out: FormValues = {};
  for (const spec of specs) {
    const v = given[spec.name];
    if (spec.type === 'bool') out[spec.name] = typeof v === 'boolean' ? v : spec.default === true;
    else out[spec.name] = v === undefined || v === null ? '' : String(v as string | number);
  }
  return out;
}

/** Checked parameters and per-field errors; empty fields are left out so the workflow's default applies. */
export function collectParams(
  specs: ParamSpec[],
  values: FormValues,
): { params: Record<string, ParamValue>; errors: Record<string, string> } {
  const params: Record<string, ParamValue> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const raw = values[spec.name];
    if (raw === undefined || raw === '') continue;
    if (spec.type === 'bool' && raw === (spec.default === true)) continue;
    const checked = checkParamValue(spec, raw);
    if (checked.ok) params[spec.name] = checked.value;
    else errors[spec.name] = fieldMessage(spec.name, checked.message);
  }
  return { params, errors };
}

/** The shared check names the parameter ("steps must be at most 50 (got 80)"); under its own field that reads "Must be at most 50 (got 80)". */
export function fieldMessage(name: string, message: string): string {
  if (!message.startsWith(`${name} `)) return message;
  const rest = message.slice(name.length + 1);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** "1–150", "0–1, steps of 0.01", "Empty for a random seed" for a field's hint (the default shows as the value). */
export function rangeHint(spec: ParamSpec): string {
  if (spec.type === 'seed') return 'Empty for a random seed';
  const parts: string[] = [];
  if (spec.min !== undefined && spec.max !== undefined) parts.push(`${spec.min}–${spec.max}`);
  else if (spec.min !== undefined) parts.push(`at least ${spec.min}`);
  else if (spec.max !== undefined) parts.push(`at most ${spec.max}`);
  if (spec.step !== undefined) parts.push(`steps of ${spec.step}`);
  return parts.join(', ');
}
