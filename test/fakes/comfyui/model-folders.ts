/**
 * The fake's model folders, as ComfyUI 0.3.64 keeps them (folder_paths.py): every folder name of the recording
 * (`test/fixtures/comfyui-0.3.64/internal-folder-paths.json`) with the same folders in the same order — its own
 * `models/<name>` (for `diffusion_models`: `models/unet` first, then `models/diffusion_models`; for
 * `text_encoders`: `models/text_encoders`, then `models/clip`) and the output folder's extra ones.
 *
 * The files of a folder are read from disk on every request, recursively, relative, sorted, kept only when their
 * extension is one ComfyUI lists (`.safetensors`, `.ckpt`… — so a `.part` file never shows): the real server
 * re-reads a folder whenever its modification time changed, so a file added or removed shows on the next
 * `/models/{folder}` and `/object_info` (docs/reference/comfyui-api.md §1 "GET /models"). The `models` option's
 * names are added on top (files that exist only in the answers).
 *
 * `/internal/folder_paths` and `/api/experiment/models` report the folders under `reportedModelsDir` when given
 * (a ComfyUI in Docker or WSL reports its own machine's paths), else the real ones.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readFixture } from './object-info';

/** `supported_pt_extensions` of folder_paths.py. */
const PT_EXTENSIONS = ['.ckpt', '.pt', '.pt2', '.bin', '.pth', '.safetensors', '.pkl', '.sft'];
/** Folders with other extension sets; every other folder uses PT_EXTENSIONS. */
const EXTENSIONS: Record<string, string[]> = {
  configs: ['.yaml'],
  custom_nodes: [],
  classifiers: [''],
  diffusers: ['folder'],
};
/** Left out of /experiment/models (app/model_manager.py's black list). */
const NOT_MODELS = new Set(['configs', 'custom_nodes']);

const RECORDED_MODELS = '/comfy/models';
const RECORDED_CUSTOM_NODES = '/comfy/custom_nodes';
const RECORDED_OUTPUT = '/comfy-data/output';

export interface ModelFoldersOptions {
  /** The real `models/` folder on disk. */
  modelsDir: string;
  /** The `models/` folder as the server reports it (default: `modelsDir`). */
  reportedModelsDir?: string;
  outputDir: string;
  customNodesDir: string;
  /** The `models` option: names listed without a file on disk. */
  virtual: () => Partial<Record<string, string[]>>;
}

export interface ModelFileInfo {
  name: string;
  pathIndex: number;
  modified: number;
  created: number;
  size: number;
}

export class ModelFolders {
  private readonly recorded = readFixture<Record<string, string[]>>('internal-folder-paths.json');

  constructor(private readonly o: ModelFoldersOptions) {}

  /** Folder names, in the server's order (`GET /models`). */
  names(): string[] {
    return Object.keys(this.recorded);
  }

  /** Make `models/<name>` for every folder, as a fresh install has them. */
  ensureDirs(): void {
    for (const dirs of Object.values(this.recorded)) {
      for (const d of dirs)
        if (d.startsWith(`${RECORDED_MODELS}/`)) mkdirSync(this.map(d, this.o.modelsDir), { recursive: true });
    }
  }

  private map(recorded: string, modelsRoot: string): string {
    if (recorded.startsWith(`${RECORDED_MODELS}/`))
      return path.join(modelsRoot, recorded.slice(RECORDED_MODELS.length + 1));
    if (recorded === RECORDED_CUSTOM_NODES) return this.o.customNodesDir;
    if (recorded.startsWith(`${RECORDED_OUTPUT}/`))
      return path.join(this.o.outputDir, recorded.slice(RECORDED_OUTPUT.length + 1));
    return recorded;
  }

  private dirs(folder: string, reported: boolean): string[] {
    const root = reported ? (this.o.reportedModelsDir ?? this.o.modelsDir) : this.o.modelsDir;
    return (this.recorded[folder] ?? []).map((d) => this.map(d, root));
  }

  /** `GET /internal/folder_paths`: `{folder: [dirs…]}` (the recording's shape). */
  folderPaths(): Record<string, string[]> {
    return Object.fromEntries(this.names().map((n) => [n, this.dirs(n, true)]));
  }

  /** `GET /api/experiment/models`: `[{name, folders}]` without configs and custom_nodes. */
  experimentModels(): Array<{ name: string; folders: string[] }> {
    return this.names()
      .filter((n) => !NOT_MODELS.has(n))
      .map((n) => ({ name: n, folders: this.dirs(n, true) }));
  }

  /** The files of each folder of `folder`, with the index of the folder they are in; null for an unknown folder. */
  private scan(folder: string): ModelFileInfo[] | null {
    if (!(folder in this.recorded)) return null;
    const extensions = EXTENSIONS[folder] ?? PT_EXTENSIONS;
    const out: ModelFileInfo[] = [];
    const seen = new Set<string>();
    this.dirs(folder, false).forEach((dir, pathIndex) => {
      for (const rel of walk(dir)) {
        const ext = path.extname(rel).toLowerCase();
        if (extensions.length > 0 && !extensions.includes(ext)) continue;
        if (seen.has(rel)) continue;
        seen.add(rel);
        const s = statSync(path.join(dir, rel), { throwIfNoEntry: false });
        if (!s) continue;
        out.push({ name: rel, pathIndex, modified: s.mtimeMs / 1000, created: s.ctimeMs / 1000, size: s.size });
      }
    });
    return out;
  }

  /** `GET /models/{folder}`: sorted names on disk plus the `models` option's; null for an unknown folder. */
  files(folder: string): string[] | null {
    const scanned = this.scan(folder);
    if (scanned === null) return null;
    const names = new Set([...scanned.map((f) => f.name), ...(this.o.virtual()[folder] ?? [])]);
    return [...names].sort();
  }

  /** `GET /api/experiment/models/{folder}`: the files on disk with where and when; null for an unknown folder. */
  fileInfo(folder: string): ModelFileInfo[] | null {
    return this.scan(folder);
  }

  /** Every folder's names (for /object_info's loader choices). */
  all(): Record<string, string[]> {
    return Object.fromEntries(this.names().map((n) => [n, this.files(n) ?? []]));
  }
}

/** Relative paths of the files under `dir` (symlinks followed, `.git` skipped), with `/` separators. */
function walk(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const full = path.join(dir, rel);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isDirectory());
    if (isDir) {
      if (e.name !== '.git') out.push(...walk(dir, rel));
    } else out.push(rel);
  }
  return out;
}
