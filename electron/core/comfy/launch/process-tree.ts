/**
 * Ending a child process and everything it started. On POSIX the child is spawned as the leader of its own
 * process group (`detached: true`), so signalling `-pid` reaches its whole tree. On Windows `taskkill /T`
 * walks the tree (and `/F` forces it).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface TreeKiller {
  /** Ask politely (SIGTERM / taskkill /T). */
  terminate(child: ChildProcess): void;
  /** Force (SIGKILL / taskkill /T /F). Safe to call after the leader exited (reaps stragglers). */
  kill(child: ChildProcess): void;
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
      terminate: (child) => {
        if (child.pid !== undefined && child.exitCode === null) taskkill(child.pid, false);
      },
      kill: (child) => {
        if (child.pid !== undefined && child.exitCode === null) taskkill(child.pid, true);
      },
    };
  }
  return {
    terminate: (child) => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGTERM');
    },
    kill: (child) => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    },
  };
}

/** Whether `spawn` should put the child in its own process group. */
export function spawnDetached(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32';
}
