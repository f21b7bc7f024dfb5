/**
 * What a job was made with, in the words of its workflow: "Steps 30", "Sampler dpmpp_2m", "Size 832×1216" with
 * the manifest's labels (never a raw parameter name), in the manifest's order, then models and LoRA. Pure.
 */
import type { Job } from '@shared/jobs';
import type { WorkflowManifest } from '@shared/workflow-manifest';

export interface Fact {
  label: string;
  value: string;
}

/** Parameters that have their own place (the prompt texts) or their own fact (the seed, the size). */
const OWN_PLACE = new Set(['prompt', 'negative', 'seed', 'width', 'height']);

/** "batch_size" → "Batch size" for a parameter no manifest labels. */
export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function show(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A model file's name without its folder and extension: "sd_xl_base_1.0". */
export function modelName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$/i, '');
}

/** The facts of a job's parameters, models and LoRA, labelled by `manifest` (raw names humanized without one). */
export function paramFacts(
  job: Pick<Job, 'params' | 'models' | 'lora'>,
  manifest: Pick<WorkflowManifest, 'parameters' | 'models'> | null | undefined,
): Fact[] {
  const params = job.params;
  const facts: Fact[] = [];
  if (params.width !== undefined && params.height !== undefined)
    facts.push({ label: 'Size', value: `${show(params.width)}×${show(params.height)}` });
  const specs = manifest?.parameters ?? [];
  const listed = new Set<string>();
  for (const spec of specs) {
    listed.add(spec.name);
    const v = params[spec.name];
    if (OWN_PLACE.has(spec.name) || v === undefined || v === null || v === '') continue;
    facts.push({ label: spec.label, value: show(v) });
  }
  for (const [name, v] of Object.entries(params)) {
    if (listed.has(name) || OWN_PLACE.has(name) || v === undefined || v === null || v === '') continue;
    facts.push({ label: humanize(name), value: show(v) });
  }
  for (const [setting, file] of Object.entries(job.models)) {
    const label = manifest?.models.find((m) => m.setting === setting)?.label ?? humanize(setting.split('.').pop()!);
    facts.push({ label, value: modelName(file) });
  }
  if (job.lora) facts.push({ label: 'LoRA', value: `${modelName(job.lora.name)} · ${show(job.lora.strength)}` });
  return facts;
}
