/**
 * The workflows ComfyDesk can run: the bundled ones (shipped in `workflows/<id>/`) and the ones the user
 * imported (`<data>/workflows/<id>/`). Each directory holds `workflow.json` (API format) and `manifest.json`;
 * both are parsed with zod and checked against each other when loaded. A broken directory is reported with a
 * readable error and skipped; it never stops the others from loading.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nullLogger, type Logger } from '../log';
import {
  formatZodIssues,
  WorkflowManifestSchema,
  type WorkflowKind,
  type WorkflowManifest,
} from '@shared/workflow-manifest';
import { readApiGraph, type ApiGraph } from './graph';
import { checkManifestAgainstGraph } from './manifest-check';

export type WorkflowSource = 'bundled' | 'imported';

export interface LoadedWorkflow {
  manifest: WorkflowManifest;
  workflow: ApiGraph;
  source: WorkflowSource;
  dir: string;
}

export interface WorkflowLoadError {
  source: WorkflowSource;
  dir: string;
  /** One line: "<dir>/manifest.json: 3 problems". */
  message: string;
  /** Each problem, e.g. "parameters[2].max: Invalid input: expected number, received string". */
  details: string[];
}

export type LoadResult = { ok: true; workflow: LoadedWorkflow } | { ok: false; error: WorkflowLoadError };

export const MANIFEST_FILE = 'manifest.json';
export const WORKFLOW_FILE = 'workflow.json';

async function readText(file: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await fs.readFile(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}` };
  }
}

/** Parse and check a manifest + graph pair already in memory. */
export function parseWorkflowPair(
  manifestValue: unknown,
  graphValue: unknown,
): { ok: true; manifest: WorkflowManifest; workflow: ApiGraph } | { ok: false; file: string; details: string[] } {
  const graph = readApiGraph(graphValue);
  if (!graph.ok) return { ok: false, file: WORKFLOW_FILE, details: [graph.error.message] };
  const manifest = WorkflowManifestSchema.safeParse(manifestValue);
  if (!manifest.success) return { ok: false, file: MANIFEST_FILE, details: formatZodIssues(manifest.error) };
  const mismatch = checkManifestAgainstGraph(manifest.data, graph.graph);
  if (mismatch.length > 0) return { ok: false, file: MANIFEST_FILE, details: mismatch };
  return { ok: true, manifest: manifest.data, workflow: graph.graph };
}

/** Load one `<dir>/manifest.json` + `<dir>/workflow.json`. The manifest id must equal the directory name. */
export async function loadWorkflowDir(dir: string, source: WorkflowSource): Promise<LoadResult> {
  const fail = (file: string, details: string[]): LoadResult => ({
    ok: false,
    error: {
      source,
      dir,
      message: `${path.join(dir, file)}: ${details.length === 1 ? details[0] : `${details.length} problems`}`,
      details,
    },
  });
  const manifestText = await readText(path.join(dir, MANIFEST_FILE));
  if (!manifestText.ok) return fail(MANIFEST_FILE, [manifestText.message]);
  const graphText = await readText(path.join(dir, WORKFLOW_FILE));
  if (!graphText.ok) return fail(WORKFLOW_FILE, [graphText.message]);
  let manifestValue: unknown;
  try {
    manifestValue = JSON.parse(manifestText.text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return fail(MANIFEST_FILE, [`not valid JSON: ${(err as Error).message}`]);
  }
  const pair = parseWorkflowPair(manifestValue, graphText.text);
  if (!pair.ok) return fail(pair.file, pair.details);
  const dirName = path.basename(dir);
  if (pair.manifest.id !== dirName) {
    return fail(MANIFEST_FILE, [`id '${pair.manifest.id}' does not match its directory name '${dirName}'`]);
  }
  return { ok: true, workflow: { manifest: pair.manifest, workflow: pair.workflow, source, dir } };
}

async function subdirs(root: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(root, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => path.join(root, e.name))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export interface WorkflowRegistryOptions {
  bundledDir: string;
  /** Where imported workflows live; created on first import. */
  importedDir?: string;
  logger?: Logger;
}

export class WorkflowRegistry {
  private byId = new Map<string, LoadedWorkflow>();
  private loadErrors: WorkflowLoadError[] = [];
  private readonly log: Logger;

  constructor(readonly options: WorkflowRegistryOptions) {
    this.log = (options.logger ?? nullLogger).child('workflows');
  }

  /** (Re)load everything from disk. Returns the errors (also kept in `errors()`). */
  async load(): Promise<WorkflowLoadError[]> {
    const next = new Map<string, LoadedWorkflow>();
    const errors: WorkflowLoadError[] = [];
    const roots: Array<[string | undefined, WorkflowSource]> = [
      [this.options.bundledDir, 'bundled'],
      [this.options.importedDir, 'imported'],
    ];
    for (const [root, source] of roots) {
      if (!root) continue;
      for (const dir of await subdirs(root)) {
        const result = await loadWorkflowDir(dir, source);
        if (!result.ok) {
          errors.push(result.error);
          continue;
        }
        const clash = next.get(result.workflow.manifest.id);
        if (clash) {
          const message = `${dir}: workflow id '${result.workflow.manifest.id}' is already used by ${clash.dir}`;
          errors.push({ source, dir, message, details: [message] });
          continue;
        }
        next.set(result.workflow.manifest.id, result.workflow);
      }
    }
    // Swap at the end: readers during a reload see the previous set, never a half-loaded one.
    this.byId = next;
    for (const e of errors) this.log.warn('workflow skipped', { dir: e.dir, details: e.details });
    this.log.info('workflows loaded', { count: this.byId.size, errors: errors.length });
    this.loadErrors = errors;
    return errors;
  }

  list(): LoadedWorkflow[] {
    return [...this.byId.values()].sort((a, b) =>
      a.source === b.source ? a.manifest.id.localeCompare(b.manifest.id) : a.source === 'bundled' ? -1 : 1,
    );
  }

  byKind(kind: WorkflowKind): LoadedWorkflow[] {
    return this.list().filter((w) => w.manifest.kind === kind);
  }

  get(id: string): LoadedWorkflow | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  errors(): WorkflowLoadError[] {
    return [...this.loadErrors];
  }

  /** Register a workflow written by the import flow (replaces an imported one with the same id). */
  addImported(workflow: LoadedWorkflow): void {
    const existing = this.byId.get(workflow.manifest.id);
    if (existing && existing.source === 'bundled') {
      throw new Error(`workflow id '${workflow.manifest.id}' belongs to a bundled workflow`);
    }
    this.byId.set(workflow.manifest.id, { ...workflow, source: 'imported' });
  }

  /** Forget an imported workflow (the import flow deletes its directory). */
  removeImported(id: string): boolean {
    const existing = this.byId.get(id);
    if (!existing || existing.source !== 'imported') return false;
    return this.byId.delete(id);
  }
}
