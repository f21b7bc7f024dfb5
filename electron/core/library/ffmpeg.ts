/**
 * ffmpeg, when the user has it on PATH: found without running anything, run with arguments (never a shell),
 * stdout collected, stopped after a time limit.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of an executable on PATH, or null. */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string | null {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const full = join(dir, n);
      try {
        if (!statSync(full).isFile()) continue;
        if (platform !== 'win32') accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface FfmpegResult {
  stdout: Buffer;
  stderr: string;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Run ffmpeg (or ffprobe) with `args`; rejects on a non-zero exit or after `timeoutMs`. */
export function runFfmpeg(binary: string, args: readonly string[], timeoutMs = 120_000): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new FfmpegError(`could not run ${binary}: ${e.message}`, err));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else {
        const last = err.trim().split('\n').slice(-1)[0] ?? '';
        reject(
          new FfmpegError(
            `${binary} ${signal ? `was stopped (${signal})` : `exited with ${code}`}${last ? `: ${last}` : ''}`,
            err,
          ),
        );
      }
    });
  });
}

/** Duration in seconds from ffmpeg's `Duration: 00:00:05.04` banner line, or null. */
export function parseDuration(stderr: string): number | null {
  const m = /Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  if (!m) return null;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}
