/**
 * Where a backend's model files go, per folder:
 *
 * - the ComfyUI that ComfyDesk launches: `<its folder>/models/<folder>` (or under its `--base-directory`);
 * - a ComfyUI running on this machine: the first folder it reads that folder from, as it says itself
 *   (GET /internal/folder_paths, comfyui-api.md §1 "Other routes"), when that folder exists here and can be
 *   written to — a ComfyUI in Docker or WSL reports paths of its own machine, so the file must be put there by
 *   hand, and the answer says where;
 * - a ComfyUI on another machine: nothing is downloaded; the answer says where the file must go there.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { canonicalDownloadFolder, type Destination, type DownloadFolder } from '@shared/downloads';
import type { BackendRecord } from '@shared/backends';
import { inspectInstall, nodeFsProbe, type InstallEnv } from '@core/comfy/launch/install';

export interface FolderPathsSource {
  folderPaths(): Promise<Record<string, string[]> | null>;
}

export interface DestinationDeps {
  record(id: string): BackendRecord | null;
  /** The backend's HTTP client while it is online, else null. */
  client(id: string): FolderPathsSource | null;
  /** The launch settings in use (the launched ComfyUI's folder and extra flags). */
  launch(): { launchPath: string | null; extraArgs: readonly string[] };
  /** Whether a backend address is this machine (default: loopback and this machine's own addresses). */
  isThisMachine(url: string): boolean;
  freeSpace(dir: string): Promise<number>;
  installEnv?: Pick<InstallEnv, 'platform' | 'fs'>;
}

/**
 * A backend's answer to /internal/folder_paths kept a few seconds, so a catalogue view that asks for many folders
 * of one backend asks it once. A failed answer is not kept.
 */
export class FolderPathsCache {
  private readonly answers = new Map<string, { at: number; paths: Promise<Record<string, string[]> | null> }>();

  constructor(
    private readonly now: () => number,
    private readonly keepMs = 3000,
  ) {}

  /** `source` for backend `id`, answering from the cache while it is fresh. */
  wrap(id: string, source: FolderPathsSource): FolderPathsSource {
    return {
      folderPaths: () => {
        const hit = this.answers.get(id);
        if (hit && this.now() - hit.at < this.keepMs) return hit.paths;
        const paths = source.folderPaths();
        this.answers.set(id, { at: this.now(), paths });
        paths.catch(() => this.answers.delete(id));
        return paths;
      },
    };
  }
}

/** Loopback, or one of this machine's own addresses. */
export function isThisMachineUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address.toLowerCase() === host));
}

/** The value of `--flag X` or `--flag=X` in a list of arguments. */
function flagValue(args: readonly string[], flag: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag && i + 1 < args.length) return args[i + 1]!;
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return null;
}

/** The nearest folder that exists at or above `dir` (a model folder may not be made yet). */
async function existingAncestor(dir: string): Promise<string | null> {
  for (let d = dir; ; d = path.dirname(d)) {
    const s = await stat(d).catch(() => null);
    if (s) return s.isDirectory() ? d : null;
    if (path.dirname(d) === d) return null;
  }
}

const writable = (dir: string): Promise<boolean> =>
  access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );

async function okDestination(
  deps: DestinationDeps,
  backendId: string,
  folder: DownloadFolder,
  dir: string,
  from: 'install' | 'server',
): Promise<Destination> {
  const base = (await existingAncestor(dir)) ?? dir;
  const freeBytes = await deps.freeSpace(base).catch(() => null);
  return { ok: true, backendId, folder, dir, freeBytes, from };
}

/** Where `folder` files of backend `backendId` go (never throws: a refusal is a destination with a reason). */
export async function resolveDestination(
  deps: DestinationDeps,
  backendId: string,
  requested: DownloadFolder,
): Promise<Destination> {
  const folder = canonicalDownloadFolder(requested);
  const refuse = (reason: string, where: string | null = null): Destination => ({
    ok: false,
    backendId,
    folder,
    reason,
    where,
  });
  const record = deps.record(backendId);
  if (!record) return refuse(`There is no ComfyUI backend with id ${backendId}.`);

  if (record.kind === 'launched') {
    const launch = deps.launch();
    const launchPath = record.launchPath ?? launch.launchPath;
    if (!launchPath) {
      return refuse(
        'ComfyDesk does not know the folder of the ComfyUI it launches. Choose it in Settings → ComfyUI, then try again.',
      );
    }
    const env = deps.installEnv ?? { platform: process.platform, fs: nodeFsProbe };
    const install = await inspectInstall(launchPath, env);
    if (!install) {
      return refuse(
        `There is no ComfyUI in ${launchPath} any more (moved or deleted?). Choose its folder again in Settings → ComfyUI.`,
      );
    }
    const sameSettings = launch.launchPath !== null && path.resolve(launch.launchPath) === path.resolve(launchPath);
    const baseDir = (sameSettings && flagValue(launch.extraArgs, '--base-directory')) || install.comfyDir;
    const dir = path.join(path.resolve(install.comfyDir, baseDir), 'models', folder);
    const ancestor = await existingAncestor(dir);
    if (!ancestor || !(await writable(ancestor))) {
      return refuse(
        `ComfyDesk may not write into ${ancestor ?? dir}. Give your user write access to that folder (or put the file into ${dir} yourself).`,
        dir,
      );
    }
    return okDestination(deps, backendId, folder, dir, 'install');
  }

  const here = record.kind === 'local' || deps.isThisMachine(record.url);
  const client = deps.client(backendId);
  let reported: string | null = null;
  let askFailed = false;
  if (client) {
    try {
      const paths = await client.folderPaths();
      if (paths === null) askFailed = true;
      else reported = paths[folder]?.[0] ?? null;
      if (paths !== null && !reported) {
        return refuse(
          `ComfyUI "${record.name}" (${record.url}) has no "${folder}" model folder, so it would not see the file.`,
        );
      }
    } catch {
      askFailed = true;
    }
  }

  if (!here) {
    const host = new URL(record.url).host;
    const where = reported ?? `the models/${folder} folder of its ComfyUI`;
    return refuse(
      `ComfyUI "${record.name}" runs on another computer (${host}): ComfyDesk cannot put files there. Download the file on ` +
        `that computer into ${where}.`,
      reported,
    );
  }
  if (!client) {
    return refuse(
      `ComfyUI "${record.name}" (${record.url}) is not online: start it, so ComfyDesk can ask where it keeps its ${folder} models.`,
    );
  }
  if (askFailed || !reported) {
    return refuse(
      `ComfyUI "${record.name}" (${record.url}) does not say where it keeps its models (an older version?). Put the file ` +
        `into the models/${folder} folder of that ComfyUI yourself, or update it.`,
    );
  }
  const dirStat = await stat(reported).catch(() => null);
  if (!dirStat?.isDirectory()) {
    return refuse(
      `ComfyUI "${record.name}" keeps its ${folder} models in ${reported}, which does not exist on this computer (is it ` +
        `running in Docker, WSL or a virtual machine?). Put the file into ${reported} inside that ComfyUI's system yourself.`,
      reported,
    );
  }
  if (!(await writable(reported))) {
    return refuse(
      `ComfyDesk may not write into ${reported}, where ComfyUI "${record.name}" keeps its ${folder} models. Give your user ` +
        'write access to that folder, or put the file there yourself.',
      reported,
    );
  }
  return okDestination(deps, backendId, folder, reported, 'server');
}
