/**
 * The user-dropped file flow: a file (API-format JSON, a ComfyDesk export `{manifest, workflow}`, or a ComfyUI
 * PNG carrying its `prompt` chunk) becomes a proposal the user reviews, then a committed workflow directory in
 * the imported folder. Every failure is a typed, readable error; nothing here throws on bad input.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import { detectManifest, slugifyId, type DetectErrorCode } from './detect';
import { isUiFormat, readApiGraph, type ApiGraph } from './graph';
import type { ObjectInfo } from './object-info';
import { isPng, pngTextChunks } from './png-prompt';
import {
  MANIFEST_FILE,
  parseWorkflowPair,
  WORKFLOW_FILE,
  type LoadedWorkflow,
  type WorkflowRegistry,
} from './registry';
import { convertUiGraph } from './ui-graph';
import { validateGraph, type GraphProblem, type ValidateOptions } from './validate';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export type ImportErrorCode =
  | DetectErrorCode
  | 'too_large'
  | 'png_without_prompt'
  | 'ui_unconvertible'
  | 'invalid_manifest'
  | 'id_taken'
  | 'no_import_dir'
  | 'write_failed'
  | 'not_found';

export interface ImportError {
  code: ImportErrorCode;
  message: string;
  details?: string[];
}

export interface ImportProposal {
  manifest: WorkflowManifest;
  workflow: ApiGraph;
  /** What detection could not decide, for the review dialog. */
  notes: string[];
  /** Problems against the backend (when `objectInfo` was given): unknown nodes, missing models... */
  problems: GraphProblem[];
  /** True when the file carried its own manifest (a ComfyDesk export). */
  fromExport: boolean;
  /** The API graph ComfyUI runs, ComfyUI's editor graph (converted), or a ComfyDesk export. */
  format: 'api' | 'ui' | 'export';
  container: 'json' | 'png';
}

export type ProposeResult = { ok: true; proposal: ImportProposal } | { ok: false; error: ImportError };
export type CommitResult = { ok: true; workflow: LoadedWorkflow } | { ok: false; error: ImportError };

export interface ProposeOptions {
  objectInfo?: ObjectInfo;
  /** Model lists for the validation of the proposal. */
  models?: ValidateOptions['models'];
  /** Ids already used (the registry's); the proposal gets `-2`, `-3`... */
  takenIds?: Iterable<string>;
  title?: string;
  /** The backend `objectInfo` came from, for messages ("ComfyUI 0.3.64 at 127.0.0.1:8188"). */
  backendName?: string;
}

const EDITOR_NEEDS_BACKEND =
  'ComfyDesk converts it with the node list of a running ComfyUI, and none is online: start ComfyUI and drop the ' +
  'file again. Or, in ComfyUI, use Workflow → Export (API) and drop that file.';

/** The graph a file holds as text, or a readable refusal. UI-format graphs are converted with `objectInfo`. */
function graphText(
  file: { fileName: string; content: string | Uint8Array },
  options: ProposeOptions,
):
  | { ok: true; text: string; container: 'json' | 'png'; converted: boolean; notes: string[] }
  | { ok: false; error: ImportError } {
  const fail = (code: ImportErrorCode, message: string) => ({ ok: false as const, error: { code, message } });
  const convert = (value: unknown, container: 'json' | 'png', what: string) => {
    if (!options.objectInfo) return fail('ui_format', `${file.fileName}: ${what} ${EDITOR_NEEDS_BACKEND}`);
    const converted = convertUiGraph(value, options.objectInfo, options.backendName);
    if (!converted.ok) return fail('ui_unconvertible', `${file.fileName}: ${converted.message}`);
    const text = JSON.stringify(converted.graph);
    return { ok: true as const, text, container, converted: true, notes: converted.notes };
  };
  if (typeof file.content !== 'string' && isPng(file.content)) {
    const chunks = pngTextChunks(file.content);
    const prompt = chunks.get('prompt');
    if (prompt !== undefined) return { ok: true, text: prompt, container: 'png', converted: false, notes: [] };
    const editor = chunks.get('workflow');
    const value = editor === undefined ? undefined : parseJson(editor);
    if (value !== undefined && isUiFormat(value))
      return convert(
        value,
        'png',
        'this PNG holds only ComfyUI’s editor graph ("workflow"), not the API graph ("prompt").',
      );
    return fail(
      'png_without_prompt',
      `${file.fileName} has no ComfyUI workflow in it (no "prompt" or "workflow" metadata; it may have been saved with --disable-metadata or edited).`,
    );
  }
  const text = typeof file.content === 'string' ? file.content : Buffer.from(file.content).toString('utf8');
  const value = parseJson(text);
  if (value !== undefined && isUiFormat(value))
    return convert(value, 'json', 'this is ComfyUI’s editor format (a UI save), not the API format ComfyDesk runs.');
  return { ok: true, text, container: 'json', converted: false, notes: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return undefined;
  }
}

function uniqueId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const id = `${base.slice(0, 63 - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

/** Read a dropped file and propose a manifest for it. */
export function proposeImport(
  file: { fileName: string; content: string | Uint8Array },
  options: ProposeOptions = {},
): ProposeResult {
  const size = typeof file.content === 'string' ? Buffer.byteLength(file.content) : file.content.byteLength;
  if (size > MAX_IMPORT_BYTES) {
    return {
      ok: false,
      error: {
        code: 'too_large',
        message: `${file.fileName} is ${(size / 1048576).toFixed(1)} MB; a workflow file is at most ${MAX_IMPORT_BYTES / 1048576} MB.`,
      },
    };
  }
  const read = graphText(file, options);
  if (!read.ok) return read;
  const { text, container } = read;

  const taken = new Set(options.takenIds ?? []);
  const baseName = path.basename(file.fileName).replace(/\.(json|png)$/i, '');
  const title = options.title ?? (baseName || 'Imported workflow');
  const validate = (graph: ApiGraph): GraphProblem[] =>
    options.objectInfo ? validateGraph(graph, options.objectInfo, { models: options.models }).problems : [];

  const exported = readExport(text);
  if (exported) {
    const pair = parseWorkflowPair(exported.manifest, exported.workflow);
    if (!pair.ok) {
      return {
        ok: false,
        error: {
          code: 'invalid_manifest',
          message: `${file.fileName}: its manifest does not fit its workflow.`,
          details: pair.details,
        },
      };
    }
    const manifest = { ...pair.manifest, id: uniqueId(pair.manifest.id, taken) };
    return {
      ok: true,
      proposal: {
        manifest,
        workflow: pair.workflow,
        notes: [],
        problems: validate(pair.workflow),
        fromExport: true,
        format: 'export',
        container,
      },
    };
  }

  const detected = detectManifest(text, {
    id: uniqueId(slugifyId(baseName), taken),
    title,
    objectInfo: options.objectInfo,
  });
  if (!detected.ok)
    return { ok: false, error: { code: detected.error.code, message: `${file.fileName}: ${detected.error.message}` } };
  return {
    ok: true,
    proposal: {
      manifest: detected.manifest,
      workflow: detected.workflow,
      notes: [...read.notes, ...detected.notes],
      problems: validate(detected.workflow),
      fromExport: false,
      format: read.converted ? 'ui' : 'api',
      container,
    },
  };
}

function readExport(text: string): { manifest: unknown; workflow: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (
    typeof v.manifest === 'object' &&
    v.manifest !== null &&
    typeof v.workflow === 'object' &&
    v.workflow !== null &&
    !readApiGraph(v).ok
  ) {
    return { manifest: v.manifest, workflow: v.workflow };
  }
  return null;
}

/** The JSON text of a ComfyDesk export (re-importable on another machine). */
export function exportWorkflow(workflow: LoadedWorkflow): string {
  return `${JSON.stringify({ manifest: workflow.manifest, workflow: workflow.workflow }, null, 2)}\n`;
}

let tmpCounter = 0;

/**
 * Save a reviewed proposal (possibly edited by the user) as `<importedDir>/<id>/` and register it. Replaces an
 * imported workflow with the same id; refuses a bundled id.
 */
export async function commitImport(
  registry: WorkflowRegistry,
  manifestValue: unknown,
  workflowValue: unknown,
): Promise<CommitResult> {
  const root = registry.options.importedDir;
  if (!root)
    return { ok: false, error: { code: 'no_import_dir', message: 'No folder is configured for imported workflows.' } };
  const pair = parseWorkflowPair(manifestValue, workflowValue);
  if (!pair.ok)
    return {
      ok: false,
      error: { code: 'invalid_manifest', message: 'The workflow description is not valid.', details: pair.details },
    };
  const id = pair.manifest.id;
  if (registry.get(id)?.source === 'bundled') {
    return {
      ok: false,
      error: { code: 'id_taken', message: `'${id}' is the id of a bundled workflow; choose another id.` },
    };
  }
  const dir = path.join(root, id);
  const tmp = path.join(root, `.${id}.tmp-${process.pid}-${++tmpCounter}`);
  const old = path.join(root, `.${id}.old-${process.pid}-${tmpCounter}`);
  try {
    await fs.mkdir(tmp, { recursive: true });
    await fs.writeFile(path.join(tmp, WORKFLOW_FILE), `${JSON.stringify(pair.workflow, null, 2)}\n`);
    await fs.writeFile(path.join(tmp, MANIFEST_FILE), `${JSON.stringify(pair.manifest, null, 2)}\n`);
    const exists = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    if (exists) await fs.rename(dir, old);
    await fs.rename(tmp, dir);
    if (exists) await fs.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    return {
      ok: false,
      error: { code: 'write_failed', message: `Could not save the workflow: ${(err as Error).message}` },
    };
  }
  const loaded: LoadedWorkflow = { manifest: pair.manifest, workflow: pair.workflow, source: 'imported', dir };
  registry.addImported(loaded);
  return { ok: true, workflow: loaded };
}

/** Delete an imported workflow's directory and forget it. Bundled workflows cannot be removed. */
export async function removeImport(
  registry: WorkflowRegistry,
  id: string,
): Promise<{ ok: true } | { ok: false; error: ImportError }> {
  const existing = registry.get(id);
  if (!existing || existing.source !== 'imported') {
    return { ok: false, error: { code: 'not_found', message: `There is no imported workflow '${id}'.` } };
  }
  try {
    await fs.rm(existing.dir, { recursive: true, force: true });
  } catch (err) {
    return {
      ok: false,
      error: { code: 'write_failed', message: `Could not delete ${existing.dir}: ${(err as Error).message}` },
    };
  }
  registry.removeImported(id);
  return { ok: true };
}
