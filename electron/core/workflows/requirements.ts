/**
 * Which model files a run of a workflow needs, resolved from the user's settings: what the pool uses to route a
 * job to a backend that has them, and what the UI lists as "missing on this backend".
 */
import { canonicalModelFolder, type ModelFolder, type WorkflowManifest } from '@shared/workflow-manifest';

export interface ModelFile {
  /** The folder `/models/{folder}` answers to (legacy `unet`/`clip` mapped). */
  folder: ModelFolder;
  file: string;
  /** The settings key that chose it. */
  setting: string;
}

/**
 * The model files one run needs: the chosen file of each model setting (the manifest default where none is
 * chosen, as injection does) and the LoRA when there is one.
 */
export function requiredModelFiles(
  manifest: WorkflowManifest,
  options: { models?: Readonly<Record<string, string>>; lora?: { name: string } | null } = {},
): ModelFile[] {
  const out: ModelFile[] = [];
  for (const m of manifest.models) {
    const chosen = options.models?.[m.setting];
    const file = typeof chosen === 'string' && chosen.trim() !== '' ? chosen : m.default;
    out.push({ folder: canonicalModelFolder(m.folder), file, setting: m.setting });
  }
  const lora = options.lora?.name.trim();
  if (manifest.lora && lora) out.push({ folder: 'loras', file: lora, setting: manifest.lora.setting });
  return out;
}

const norm = (s: string): string => s.replace(/\\/g, '/');

/** The files a backend lacks, given its model lists by folder (`/models/{folder}` answers). */
export function missingModelFiles(
  required: readonly ModelFile[],
  available: Readonly<Partial<Record<ModelFolder, readonly string[]>>>,
): ModelFile[] {
  return required.filter((r) => !(available[r.folder] ?? []).some((f) => norm(f) === norm(r.file)));
}
