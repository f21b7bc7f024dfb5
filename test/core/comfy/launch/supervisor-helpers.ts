/** Shared set-up for the launcher tests: a temp "ComfyUI" folder holding the stand-in main.py. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fsp, readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';

const STAND_IN = path.join(__dirname, 'fixtures', 'fake_comfy_main.py');

export interface FakeInstall {
  dir: string;
  /** The folder to give the launcher (the ComfyUI folder, or the portable build's root). */
  launchPath: string;
  comfyDir: string;
  outputDir: string;
  inputDir: string;
  /** Where the launcher tests put each run's output files. */
  logDir: string;
  runInfo(n: number): {
    pid: number;
    argv: string[];
    mode: string;
    input_exists: boolean;
    output_exists: boolean;
    unbuffered: string | null;
  };
  childPid(n: number): number;
  /** How many runs the stand-in has started. */
  runs(): number;
  cleanup(): Promise<void>;
}

/** The real interpreter behind `python3` (not a shim), for venv and portable layouts made of links to it. */
let realPython: string | undefined;
function pythonBinary(): string {
  realPython ??= execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  return realPython;
}

/**
 * A temp "ComfyUI" holding the stand-in main.py: a plain checkout run by python3 on PATH (system python), one with
 * its own `venv/bin/python`, or the portable build's layout (`python_embeded/python.exe` + `ComfyUI/main.py`);
 * the venv and embedded pythons are links to the real interpreter.
 */
export async function makeFakeInstall(layout: 'plain' | 'venv' | 'portable' = 'plain'): Promise<FakeInstall> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'comfy-launch-'));
  const comfyDir = path.join(dir, 'ComfyUI');
  await fsp.mkdir(comfyDir);
  await fsp.copyFile(STAND_IN, path.join(comfyDir, 'main.py'));
  if (layout === 'venv') {
    await fsp.mkdir(path.join(comfyDir, 'venv', 'bin'), { recursive: true });
    await fsp.symlink(pythonBinary(), path.join(comfyDir, 'venv', 'bin', 'python'));
  } else if (layout === 'portable') {
    await fsp.mkdir(path.join(dir, 'python_embeded'));
    await fsp.symlink(pythonBinary(), path.join(dir, 'python_embeded', 'python.exe'));
  }
  return {
    dir,
    launchPath: layout === 'portable' ? dir : comfyDir,
    comfyDir,
    outputDir: path.join(dir, 'data', 'output'),
    inputDir: path.join(dir, 'data', 'input'),
    logDir: path.join(dir, 'data', 'logs'),
    runInfo: (n) => JSON.parse(readFileSync(path.join(comfyDir, `run-${n}.json`), 'utf8')),
    childPid: (n) => Number(readFileSync(path.join(comfyDir, `child-${n}.pid`), 'utf8')),
    runs: () => readdirSync(comfyDir).filter((f) => /^run-\d+\.claim$/.test(f)).length,
    cleanup: () => fsp.rm(dir, { recursive: true, force: true }),
  };
}

/** Resolves with the arguments of the next `event` for which `accept` returns true. */
export function nextEvent<T extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  accept: (...args: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const handler = (...args: unknown[]) => {
      if (accept(...(args as T))) {
        emitter.off(event, handler);
        resolve(args as T);
      }
    };
    emitter.on(event, handler);
  });
}

/** True if `pid` is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    // Signal 0 only asks; on Windows libuv answers from the process's exit code.
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Linux: an exited child not yet reaped still answers signal 0; /proc tells a zombie apart.
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Wait (bounded) until a signalled process is gone: its exit is the OS's business, seen only by asking. */
export async function reaped(pid: number, limitMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return !isAlive(pid);
}

/** The real Python interpreter on this machine (the one the launcher would find on PATH), or null. */
export function systemPython(): string | null {
  for (const name of process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
    const run = spawnSync(name, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', windowsHide: true });
    const exe = run.status === 0 ? run.stdout.trim() : '';
    if (exe && existsSync(exe)) return realpathSync(exe);
  }
  return null;
}

/**
 * Turns the stand-in install into the Windows portable layout: `<root>/python_embeded/python.exe` beside
 * `<root>/ComfyUI/main.py`, the embedded Python being this machine's real one (a directory junction to its folder
 * on Windows, so its DLLs come along; a symlink named python.exe elsewhere).
 */
export async function makePortable(
  fake: FakeInstall,
  python: string,
): Promise<{ python: string; remove(): Promise<void> }> {
  const embedded = path.join(fake.dir, 'python_embeded');
  if (process.platform === 'win32') {
    await fsp.symlink(path.dirname(python), embedded, 'junction');
  } else {
    await fsp.mkdir(embedded);
    await fsp.symlink(python, path.join(embedded, 'python.exe'));
  }
  return {
    python: path.join(embedded, 'python.exe'),
    // Only the link goes (unlink removes a junction itself), never the Python it points to.
    remove: () => (process.platform === 'win32' ? fsp.unlink(embedded) : fsp.rm(embedded, { recursive: true })),
  };
}
