/**
 * Finding a ComfyUI installation on disk and choosing the Python that runs it.
 *
 * Layouts recognised:
 * - a plain checkout: `<dir>/main.py` (optionally with `<dir>/venv` or `<dir>/.venv`);
 * - the Windows portable build: `<root>/python_embeded/python.exe` + `<root>/ComfyUI/main.py`
 *   (given either `<root>` or `<root>/ComfyUI`);
 * - a parent folder that holds one of those as `ComfyUI/` or `ComfyUI_windows_portable/`.
 * Everything that touches the disk goes through `FsProbe`, so tests can describe any layout.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface FsProbe {
  isFile(p: string): Promise<boolean>;
  isDir(p: string): Promise<boolean>;
}

export const nodeFsProbe: FsProbe = {
  isFile: async (p) => (await fsp.stat(p).catch(() => null))?.isFile() ?? false,
  isDir: async (p) => (await fsp.stat(p).catch(() => null))?.isDirectory() ?? false,
};

export type PythonKind = 'venv' | 'embedded' | 'system';

export interface PythonChoice {
  /** Absolute path, or a bare command name looked up on PATH (`python3`, `python`). */
  command: string;
  kind: PythonKind;
}

export interface ComfyInstall {
  /** The folder holding `main.py`; the process runs with this as its working directory. */
  comfyDir: string;
  mainPy: string;
  /** Set for the portable build. */
  portableRoot?: string;
}

export interface InstallEnv {
  platform: NodeJS.Platform;
  fs: FsProbe;
  /** PATH entries to search for a system python (order kept). */
  pathDirs: string[];
}

export function defaultInstallEnv(): InstallEnv {
  const raw = process.env.PATH ?? process.env.Path ?? '';
  return {
    platform: process.platform,
    fs: nodeFsProbe,
    pathDirs: raw.split(path.delimiter).filter((d) => d.length > 0),
  };
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Recognise an installation at exactly `dir` (a ComfyUI folder or a portable root). */
export async function inspectInstall(
  dir: string,
  env: Pick<InstallEnv, 'platform' | 'fs'>,
): Promise<ComfyInstall | null> {
  const p = pathFor(env.platform);
  const root = p.resolve(dir);
  const nested = p.join(root, 'ComfyUI', 'main.py');
  if ((await env.fs.isFile(p.join(root, 'python_embeded', 'python.exe'))) && (await env.fs.isFile(nested))) {
    return { comfyDir: p.join(root, 'ComfyUI'), mainPy: nested, portableRoot: root };
  }
  const main = p.join(root, 'main.py');
  if (await env.fs.isFile(main)) {
    const parent = p.dirname(root);
    const isPortable =
      p.basename(root) === 'ComfyUI' && (await env.fs.isFile(p.join(parent, 'python_embeded', 'python.exe')));
    return isPortable ? { comfyDir: root, mainPy: main, portableRoot: parent } : { comfyDir: root, mainPy: main };
  }
  return null;
}

/**
 * The first installation found among `places`, in order. Each place is tried as an installation itself,
 * then its `ComfyUI_windows_portable/` and `ComfyUI/` children.
 */
export async function discoverInstall(
  places: readonly string[],
  env: Pick<InstallEnv, 'platform' | 'fs'>,
): Promise<ComfyInstall | null> {
  const p = pathFor(env.platform);
  for (const place of places) {
    for (const dir of [place, p.join(place, 'ComfyUI_windows_portable'), p.join(place, 'ComfyUI')]) {
      const found = await inspectInstall(dir, env);
      if (found) return found;
    }
  }
  return null;
}

/** Common places a user keeps ComfyUI, in a fixed order (home folder first). */
export function commonInstallPlaces(home: string, platform: NodeJS.Platform): string[] {
  const p = pathFor(platform);
  const places = [
    home,
    p.join(home, 'Documents'),
    p.join(home, 'Desktop'),
    p.join(home, 'Downloads'),
    p.join(home, 'AI'),
    p.join(home, 'src'),
  ];
  if (platform === 'win32') places.push('C:\\', 'D:\\');
  else places.push('/opt', '/srv');
  return places;
}

/**
 * The Python to run `main.py` with: a venv inside the ComfyUI folder (or the portable root), then the
 * portable build's embedded python, then `python3` / `python` found on PATH. Null when none exists.
 */
export async function choosePython(install: ComfyInstall, env: InstallEnv): Promise<PythonChoice | null> {
  const p = pathFor(env.platform);
  const win = env.platform === 'win32';
  const venvPython = (venv: string) => (win ? p.join(venv, 'Scripts', 'python.exe') : p.join(venv, 'bin', 'python'));
  const roots = [install.comfyDir, ...(install.portableRoot ? [install.portableRoot] : [])];
  for (const root of roots) {
    for (const name of ['venv', '.venv']) {
      const candidate = venvPython(p.join(root, name));
      if (await env.fs.isFile(candidate)) return { command: candidate, kind: 'venv' };
    }
  }
  if (install.portableRoot) {
    const embedded = p.join(install.portableRoot, 'python_embeded', 'python.exe');
    if (await env.fs.isFile(embedded)) return { command: embedded, kind: 'embedded' };
  }
  const names = win ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  // On Windows, WindowsApps holds "python.exe" aliases that only open the Microsoft Store.
  const dirs = win ? env.pathDirs.filter((d) => !/[\\/]WindowsApps[\\/]?$/i.test(d)) : env.pathDirs;
  for (const name of names) {
    for (const dir of dirs) {
      if (await env.fs.isFile(p.join(dir, name))) return { command: p.join(dir, name), kind: 'system' };
    }
  }
  return null;
}
