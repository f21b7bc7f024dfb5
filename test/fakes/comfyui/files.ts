/**
 * The fake's input/output/temp directories: SaveImage file naming, /view path resolution and
 * /upload/image storage (comfyui-api.md section 1 "GET /view", "POST /upload/image", section 4 naming).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type FolderType = 'input' | 'output' | 'temp';
const TYPES: readonly FolderType[] = ['input', 'output', 'temp'];

export function isFolderType(v: string): v is FolderType {
  return (TYPES as readonly string[]).includes(v);
}

export interface SaveTarget {
  filename: string;
  subfolder: string;
  fullPath: string;
}

export type ViewResolution = { ok: true; path: string; filename: string } | { ok: false; status: 400 | 403 | 404 };
export type UploadResult = { ok: true; name: string; subfolder: string; type: FolderType } | { ok: false; status: 400 };

function inside(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class FileStore {
  constructor(readonly root: string) {
    for (const t of TYPES) mkdirSync(this.dir(t), { recursive: true });
  }

  dir(type: FolderType): string {
    return path.join(this.root, type);
  }

  /** The temp dir is emptied at startup and shutdown (section 4). */
  clearTemp(): void {
    rmSync(this.dir('temp'), { recursive: true, force: true });
    mkdirSync(this.dir('temp'), { recursive: true });
  }

  /**
   * get_save_image_path: `prefix` may carry a subfolder ("runs/test"); the counter is the highest existing
   * `<name>_<NNNNN>_` counter in that folder plus one. Returns the first counter to use.
   */
  saveBase(type: FolderType, prefix: string): { dir: string; subfolder: string; name: string; counter: number } | null {
    const subfolder = path.posix.dirname(prefix) === '.' ? '' : path.posix.dirname(prefix);
    const name = path.posix.basename(prefix);
    const dir = path.join(this.dir(type), subfolder);
    if (!inside(this.dir(type), dir)) return null;
    mkdirSync(dir, { recursive: true });
    let max = 0;
    for (const f of readdirSync(dir)) {
      if (!f.startsWith(`${name}_`)) continue;
      const digits = f.slice(name.length + 1).split('_')[0] ?? '';
      const n = /^\d+$/.test(digits) ? Number(digits) : 0;
      if (n > max) max = n;
    }
    return { dir, subfolder, name, counter: max + 1 };
  }

  write(fullPath: string, bytes: Buffer): void {
    mkdirSync(path.dirname(fullPath), { recursive: true });
    writeFileSync(fullPath, bytes);
  }

  /** /view: annotated names ("x.png [output]") override type; basename only; `..` or leading `/` -> 400. */
  resolveView(filenameRaw: string | null, typeRaw: string | null, subfolderRaw: string | null): ViewResolution {
    if (!filenameRaw) return { ok: false, status: 404 };
    let filename = filenameRaw;
    let type = typeRaw ?? 'output';
    const m = /^(.*) \[(input|output|temp)\]$/.exec(filename);
    if (m) {
      filename = m[1]!;
      type = m[2]!;
    }
    if (!isFolderType(type)) return { ok: false, status: 400 };
    if (filename.startsWith('/') || filename.includes('..')) return { ok: false, status: 400 };
    filename = path.posix.basename(filename);
    const base = this.dir(type);
    const dir = path.resolve(base, subfolderRaw ?? '');
    if (!inside(base, dir)) return { ok: false, status: 403 };
    const full = path.join(dir, filename);
    if (!existsSync(full) || !statSync(full).isFile()) return { ok: false, status: 404 };
    return { ok: true, path: full, filename };
  }

  /** LoadImage's "file exists" check: `sub/x.png` and `x.png [output]` are accepted. */
  inputExists(name: string): boolean {
    let type: FolderType = 'input';
    let file = name;
    const m = /^(.*) \[(input|output|temp)\]$/.exec(name);
    if (m) {
      file = m[1]!;
      type = m[2] as FolderType;
    }
    const full = path.resolve(this.dir(type), file);
    return inside(this.dir(type), full) && existsSync(full) && statSync(full).isFile();
  }

  /** Content hash of an input file (LoadImage's IS_CHANGED), or '' when missing. */
  inputHash(name: string): string {
    if (!this.inputExists(name)) return '';
    const m = /^(.*) \[(input|output|temp)\]$/.exec(name);
    const full = m ? path.resolve(this.dir(m[2] as FolderType), m[1]!) : path.resolve(this.dir('input'), name);
    return createHash('sha256').update(readFileSync(full)).digest('hex');
  }

  /** Top-level files of the input dir (LoadImage's combo list). */
  inputFiles(): string[] {
    return readdirSync(this.dir('input'), { withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name);
  }

  /**
   * /upload/image: without overwrite, same bytes (sha256) reuse the name; different bytes get
   * `name (1).ext`, `name (2).ext`, ...
   */
  upload(bytes: Buffer, filenameRaw: string, typeRaw: string, subfolder: string, overwrite: boolean): UploadResult {
    const type = typeRaw as FolderType;
    const filename = path.posix.basename(filenameRaw.replace(/\\/g, '/'));
    if (!filename) return { ok: false, status: 400 };
    const base = this.dir(type);
    const dir = path.resolve(base, subfolder);
    if (!inside(base, dir)) return { ok: false, status: 400 };
    mkdirSync(dir, { recursive: true });
    let name = filename;
    let full = path.join(dir, name);
    if (!overwrite && existsSync(full)) {
      const ext = path.extname(filename);
      const stem = filename.slice(0, filename.length - ext.length);
      const want = createHash('sha256').update(bytes).digest('hex');
      let i = 1;
      for (;;) {
        if (createHash('sha256').update(readFileSync(full)).digest('hex') === want) {
          return { ok: true, name, subfolder, type };
        }
        name = `${stem} (${i})${ext}`;
        full = path.join(dir, name);
        if (!existsSync(full)) break;
        i++;
      }
    }
    writeFileSync(full, bytes);
    return { ok: true, name, subfolder, type };
  }
}
