/**
 * Ending a process and everything it started, by pid: the child this app spawned, or a ComfyUI a previous run of
 * the app left behind. On POSIX the launched process leads its own process group (`detached: true`), so
 * signalling `-pid` reaches its whole tree (also after the leader itself is gone). On Windows `taskkill /T` walks
 * the tree (and `/F` forces it).
 */
import { spawn } from 'node:child_process';

export interface TreeKiller {
  /** Ask politely (SIGTERM to the group / taskkill /T). */
  terminate(pid: number): void;
  /** Force (SIGKILL to the group / taskkill /T /F). Safe to call after the leader exited (reaps stragglers). */
  kill(pid: number): void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function taskkill(pid: number, force: boolean): void {
  const args = ['/PID', String(pid), '/T', ...(force ? ['/F'] : [])];
  const tk = spawn('taskkill', args, { stdio: 'ignore', windowsHide: true });
  tk.on('error', () => {});
}

export function treeKillerFor(platform: NodeJS.Platform = process.platform): TreeKiller {
  if (platform === 'win32') {
    return {
      terminate: (pid) => taskkill(pid, false),
      kill: (pid) => taskkill(pid, true),
    };
  }
  return {
    terminate: (pid) => signalGroup(pid, 'SIGTERM'),
    kill: (pid) => signalGroup(pid, 'SIGKILL'),
  };
}

/** Whether `spawn` should put the child in its own process group. */
export function spawnDetached(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32';
}
