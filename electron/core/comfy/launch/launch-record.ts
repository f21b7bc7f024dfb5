/**
 * What ComfyDesk launched, kept in the store while it runs (pid, port, start time, folder, its log files), and
 * what the next start of the app does with it. Cleanup on quit never runs after a SIGKILL, an out-of-memory kill
 * or a power cut, so at start the recorded ComfyUI is looked at first:
 *
 * - still ours (same pid running the same main.py on the same port) and answering on its port: taken over;
 * - ours but not answering (hung, or killed half-way through its boot): its process tree is stopped;
 * - gone, or the pid now belongs to another program: forgotten (that program is never touched).
 *
 * Only then does auto launch start a new one, so there is never a second ComfyUI holding the GPU.
 */
import { z } from 'zod';
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { ProcessIdentity } from './process-info';
import { isProcessAlive } from './process-info';
import type { TreeKiller } from './process-tree';

export const LaunchRecordSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65535),
  /** When it was started (ms since the epoch). */
  startedAt: z.number(),
  /** The launch folder of the settings it was started with. */
  launchPath: z.string().min(1),
  mainPy: z.string().min(1),
  files: z.object({ stdout: z.string().min(1), stderr: z.string().min(1) }),
});
export type LaunchRecord = z.infer<typeof LaunchRecordSchema>;

/** Where the record is kept (the store's settings table; the composition root hands it over). */
export interface LaunchRecordStore {
  get(): LaunchRecord | null;
  set(record: LaunchRecord): void;
  clear(): void;
}

/**
 * The records of every launched ComfyUI: the single one's (launched without `--cuda-device`), and one per GPU when
 * ComfyUI runs on several.
 */
export interface LaunchRecordBook {
  of(device: number | null): LaunchRecordStore;
  /** The GPUs that have a record now (their ComfyUI may still run after a crash of the app). */
  devices(): number[];
}

export type ReclaimOutcome =
  | { kind: 'adopt'; record: LaunchRecord }
  | { kind: 'stopped'; record: LaunchRecord; why: string }
  | { kind: 'gone'; why: string };

export interface ReclaimDeps {
  /** The launch folder the settings name now (null: none). */
  launchPath: string | null;
  identify(pid: number, want: { mainPy: string; port: number }): Promise<ProcessIdentity>;
  /** Does a ComfyUI answer at this address? */
  answers(url: string): Promise<boolean>;
  stopTree(pid: number): Promise<boolean>;
  log: Logger;
}

/** Decide what becomes of the ComfyUI a previous run of the app recorded (see the top of this file). */
export async function reclaimPrevious(record: LaunchRecord, deps: ReclaimDeps): Promise<ReclaimOutcome> {
  const identity = await deps.identify(record.pid, { mainPy: record.mainPy, port: record.port });
  if (identity === 'gone') return { kind: 'gone', why: `ComfyUI (pid ${record.pid}) is no longer running` };
  if (identity === 'other') {
    return { kind: 'gone', why: `pid ${record.pid} now belongs to another program; it is left alone` };
  }
  const url = `http://127.0.0.1:${record.port}`;
  const answers = (await deps.answers(url)) || (await deps.answers(url));
  if (identity === 'unknown') {
    // Its command line could not be read: only a ComfyUI answering on the recorded port is taken as ours.
    if (answers && deps.launchPath === record.launchPath) return { kind: 'adopt', record };
    return { kind: 'gone', why: `pid ${record.pid} could not be identified as ComfyUI; it is left alone` };
  }
  if (deps.launchPath !== record.launchPath) {
    const why = deps.launchPath
      ? `it runs ${record.launchPath}, and the settings now name ${deps.launchPath}`
      : 'no ComfyUI folder is set to launch any more';
    await deps.stopTree(record.pid);
    return { kind: 'stopped', record, why };
  }
  if (answers) return { kind: 'adopt', record };
  const stopped = await deps.stopTree(record.pid);
  deps.log.warn('the ComfyUI left by the previous session does not answer; stopped it', {
    pid: record.pid,
    port: record.port,
    stopped,
  });
  return { kind: 'stopped', record, why: `it did not answer on port ${record.port}` };
}

/**
 * Stop a process tree by pid and wait for its leader to end: politely first, forced after `graceMs`.
 * Resolves false if it still lives after the forced stop had `graceMs` more.
 */
export async function stopProcessTree(
  pid: number,
  o: { killer: TreeKiller; clock: Clock; graceMs: number; pollMs?: number },
): Promise<boolean> {
  const gone = (limitMs: number) =>
    new Promise<boolean>((resolve) => {
      const until = o.clock.now() + limitMs;
      const look = () => {
        if (!isProcessAlive(pid)) return resolve(true);
        if (o.clock.now() >= until) return resolve(false);
        o.clock.setTimeout(look, o.pollMs ?? 50);
      };
      look();
    });
  o.killer.terminate(pid);
  if (await gone(o.graceMs)) return true;
  o.killer.kill(pid);
  return gone(o.graceMs);
}
