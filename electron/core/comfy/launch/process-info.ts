/**
 * What a pid is now: alive or not, and whether it is still the ComfyUI this app launched (its command line names
 * the same main.py and --port). A pid recorded before a crash or a reboot may belong to another program by now,
 * and that one must never be stopped. Linux reads /proc, macOS and other Unixes ask `ps`, Windows asks
 * PowerShell (Win32_Process.CommandLine).
 */
import { execFile } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';

/** True while `pid` is a running process (a zombie waiting to be reaped counts as gone). */
export function isProcessAlive(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

/**
 * The command line of a process: its arguments (Linux) or one string (elsewhere); null when the process is gone
 * or its command line cannot be read.
 */
export async function commandLineOf(
  pid: number,
  platform: NodeJS.Platform = process.platform,
): Promise<string[] | string | null> {
  if (platform === 'linux') {
    const raw = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    if (raw === null || raw.length === 0) return null;
    return raw.split('\0').filter((a, i, all) => a.length > 0 || i < all.length - 1);
  }
  if (platform === 'win32') {
    const out = await run(
      'powershell.exe',
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        `(Get-CimInstance Win32_Process -Filter 'ProcessId=${pid}').CommandLine`,
      ],
      10_000,
    );
    return out && out.trim() ? out.trim() : null;
  }
  const out = await run('ps', ['-o', 'args=', '-p', String(pid)], 5_000);
  return out && out.trim() ? out.trim() : null;
}

export type ProcessIdentity =
  /** Alive, and its command line runs the same main.py on the same port. */
  | 'ours'
  /** Alive, but another program (the pid was reused). */
  | 'other'
  | 'gone'
  /** Alive, but its command line could not be read. */
  | 'unknown';

/** Whether a command line runs `mainPy` with `--port <port>`. */
export function runsComfyOn(
  cmdline: string[] | string,
  want: { mainPy: string; port: number },
  platform: NodeJS.Platform = process.platform,
): boolean {
  const fold = (s: string) => (platform === 'win32' ? s.toLowerCase().replace(/\//g, '\\') : s);
  const mainPy = fold(want.mainPy);
  const port = String(want.port);
  if (Array.isArray(cmdline)) {
    const args = cmdline.map(fold);
    const at = args.findIndex((a) => a === '--port' || a === `--port=${port}`);
    const portOk = at >= 0 && (args[at] === `--port=${port}` || args[at + 1] === port);
    return portOk && args.some((a) => a === mainPy);
  }
  const text = fold(cmdline);
  return text.includes(mainPy) && new RegExp(`--port[= ]+"?${port}(?=["\\s]|$)`).test(text);
}

export async function identifyProcess(
  pid: number,
  want: { mainPy: string; port: number },
  platform: NodeJS.Platform = process.platform,
): Promise<ProcessIdentity> {
  if (!isProcessAlive(pid, platform)) return 'gone';
  const cmdline = await commandLineOf(pid, platform);
  if (cmdline === null) return isProcessAlive(pid, platform) ? 'unknown' : 'gone';
  return runsComfyOn(cmdline, want, platform) ? 'ours' : 'other';
}
