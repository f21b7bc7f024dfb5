/**
 * The GPUs of this computer, to choose which ones ComfyUI runs on (one ComfyUI per GPU, `--cuda-device N`):
 * `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`, run through a replaceable
 * command runner (tests script its answer). No nvidia-smi, or an error, is not a failure: the list is empty and
 * the note says why (the device numbers can still be typed).
 */
import { execFile } from 'node:child_process';
import type { Gpu, GpuList } from '@shared/api/launcher';

export type { Gpu, GpuList };

export interface CommandResult {
  /** Exit code; null when it was killed (e.g. past the time limit). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (no shell); rejects only when it could not be started (e.g. ENOENT). */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  o: { timeoutMs: number },
) => Promise<CommandResult>;

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'] as const;

/** The real runner: child_process.execFile with a time limit. */
export const execRunner: CommandRunner = (command, args, o) =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { timeout: o.timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const code: unknown = err ? (err as { code?: unknown }).code : 0;
        // A string code means it never ran (ENOENT, EACCES…); a number is its exit code; none: it was killed.
        if (typeof code === 'string') return reject(err as Error);
        resolve({ code: typeof code === 'number' ? code : null, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });

/** `0, NVIDIA GeForce RTX 4090, 24564` lines → GPUs; lines that do not read as one are left out. */
export function parseNvidiaSmi(stdout: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 2) continue;
    const index = Number(parts[0]);
    const name = parts.slice(1, parts.length > 2 ? -1 : undefined).join(', ');
    if (!Number.isInteger(index) || index < 0 || !name) continue;
    const memory = parts.length > 2 ? Number(parts[parts.length - 1]) : NaN;
    gpus.push({ index, name, memoryMb: Number.isFinite(memory) && memory >= 0 ? memory : null });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

/** Ask nvidia-smi; never rejects. */
export async function detectGpus(run: CommandRunner = execRunner, timeoutMs = 5000): Promise<GpuList> {
  let result: CommandResult;
  try {
    result = await run('nvidia-smi', NVIDIA_SMI_ARGS, { timeoutMs });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException)?.code === 'ENOENT';
    return {
      gpus: [],
      note: missing
        ? 'No NVIDIA GPU found: nvidia-smi is not installed or not on the PATH.'
        : `nvidia-smi could not be run: ${(err as Error)?.message ?? String(err)}`,
    };
  }
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim().split(/\r?\n/)[0] ?? '';
    const how = result.code === null ? 'did not answer in time' : `failed (exit code ${result.code})`;
    return { gpus: [], note: `nvidia-smi ${how}${said ? `: ${said}` : ''}` };
  }
  const gpus = parseNvidiaSmi(result.stdout);
  return { gpus, note: gpus.length ? null : 'nvidia-smi lists no GPU.' };
}

/** "NVIDIA GeForce RTX 3060" → "RTX 3060". */
export function shortGpuName(name: string): string {
  return (
    name
      .replace(/^NVIDIA\s+/i, '')
      .replace(/^GeForce\s+/i, '')
      .trim() || name
  );
}

/** What a GPU's ComfyUI is called: "GPU 1 · RTX 3060", or "GPU 1" when its model is not known. */
export function gpuLabel(device: number, gpu?: Gpu | null): string {
  return gpu ? `GPU ${device} · ${shortGpuName(gpu.name)}` : `GPU ${device}`;
}
