/** Shared set-up for the launcher tests: a temp "ComfyUI" folder holding the stand-in main.py. */
import { promises as fsp, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventEmitter } from 'node:events';

const STAND_IN = path.join(__dirname, 'fixtures', 'fake_comfy_main.py');

export interface FakeInstall {
  dir: string;
  comfyDir: string;
  outputDir: string;
  inputDir: string;
  runInfo(n: number): {
    pid: number;
    argv: string[];
    mode: string;
    input_exists: boolean;
    output_exists: boolean;
    unbuffered: string | null;
  };
  childPid(n: number): number;
  cleanup(): Promise<void>;
}

export async function makeFakeInstall(): Promise<FakeInstall> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'comfy-launch-'));
  const comfyDir = path.join(dir, 'ComfyUI');
  await fsp.mkdir(comfyDir);
  await fsp.copyFile(STAND_IN, path.join(comfyDir, 'main.py'));
  return {
    dir,
    comfyDir,
    outputDir: path.join(dir, 'data', 'output'),
    inputDir: path.join(dir, 'data', 'input'),
    runInfo: (n) => JSON.parse(readFileSync(path.join(comfyDir, `run-${n}.json`), 'utf8')),
    childPid: (n) => Number(readFileSync(path.join(comfyDir, `child-${n}.pid`), 'utf8')),
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
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
