/**
 * The ComfyUI that ComfyDesk launches (one, or one per chosen GPU): start, stop, restart and the log of all of
 * them or of one (`device`), the launch settings (checked: a folder that holds a ComfyUI, no flag the launcher
 * sets itself, GPUs this computer has), and the GPUs nvidia-smi lists.
 */
import { ApiError, badRequest } from '@shared/api';
import type { LaunchSettingsView, LauncherStatus } from '@shared/api/backends';
import type { ComfySettingsPatch } from '@shared/settings';
import type { BackendManager } from '@core/comfy/backends/manager';
import { defaultInstallEnv, discoverInstall, inspectInstall } from '@core/comfy/launch/install';
import { LaunchError } from '@core/comfy/launch/launch-error';
import { reservedIn } from '@core/comfy/launch/launch-args';
import type { Config } from '../config';
import type { EventBus } from '../events';
import type { SettingsRepo } from '@core/store/settings-repo';
import type { Handlers } from './dispatch';

export interface LauncherHandlerDeps {
  comfy: BackendManager;
  settings: SettingsRepo;
  events: EventBus;
  config: Config['comfy'];
}

type LauncherMethod =
  | 'comfy.start'
  | 'comfy.stop'
  | 'comfy.restart'
  | 'comfy.logTail'
  | 'comfy.gpus'
  | 'comfy.launchSettings'
  | 'comfy.setLaunchSettings';

export function launcherHandlers(deps: LauncherHandlerDeps): Pick<Handlers, LauncherMethod> {
  const { comfy } = deps;
  const launcher = comfy.launcher;
  const status = (): LauncherStatus => comfy.launchStatus();
  const view = (): LaunchSettingsView => {
    const used = comfy.launchSettings();
    return {
      launchPath: used.launchPath,
      autoLaunch: used.autoLaunch,
      extraArgs: used.extraArgs,
      saved: deps.settings.get().comfy,
      config: { launchPath: deps.config.launchPath ?? null, autoLaunch: deps.config.autoLaunch },
      launcher: status(),
    };
  };
  /** Run a launcher action; a failed start becomes a readable `unavailable` (or `conflict` when stopped meanwhile). */
  const launcherCall = async (action: () => Promise<void>): Promise<LauncherStatus> => {
    try {
      await action();
    } catch (err) {
      if (err instanceof LaunchError) {
        throw new ApiError({ code: err.kind === 'stopped' ? 'conflict' : 'unavailable', message: err.message });
      }
      throw err;
    }
    return status();
  };

  return {
    'comfy.start': ({ device }) => launcherCall(() => launcher.start(device)),
    'comfy.stop': ({ device }) => launcherCall(() => launcher.stop(device)),
    'comfy.restart': ({ device }) => launcherCall(() => launcher.restart(device)),
    'comfy.logTail': ({ device }) => ({ lines: comfy.logTail(device) }),
    'comfy.gpus': () => launcher.detectGpus(),
    'comfy.launchSettings': () => view(),
    'comfy.setLaunchSettings': async (patch) => {
      const checked = await checkPatch(patch, deps.settings.get().comfy, () => launcher.detectGpus());
      const next = deps.settings.update({ comfy: checked });
      deps.events.emit('settings.changed', next);
      return view();
    },
  };
}

/**
 * The folder must hold a ComfyUI (main.py, or a portable build); a parent folder of one is resolved to it. The
 * extra flags leave out what the launcher sets itself, and `--cuda-device` once GPUs are chosen; the GPUs chosen
 * must be ones nvidia-smi lists (any number when it lists none: typed by hand).
 */
async function checkPatch(
  patch: ComfySettingsPatch,
  saved: { extraArgs: string[]; cudaDevices: number[] },
  gpus: () => Promise<{ gpus: Array<{ index: number }> }>,
): Promise<ComfySettingsPatch> {
  const reserved = reservedIn(patch.extraArgs ?? []);
  if (reserved.length > 0) {
    throw badRequest(
      `ComfyDesk sets ${reserved.join(', ')} itself; leave ${reserved.length === 1 ? 'it' : 'them'} out of the extra flags`,
    );
  }
  const devices = patch.cudaDevices ?? saved.cudaDevices;
  const flags = patch.extraArgs ?? saved.extraArgs;
  if (devices.length > 0 && flags.some((a) => a.split('=')[0] === '--cuda-device')) {
    throw badRequest(
      'The extra flags hold --cuda-device while GPUs are chosen: ComfyDesk gives each GPU’s ComfyUI its own --cuda-device, so take it out of the extra flags (or choose no GPU)',
    );
  }
  if (patch.cudaDevices?.length) {
    const listed = (await gpus()).gpus.map((g) => g.index);
    const unknown = patch.cudaDevices.filter((d) => !listed.includes(d));
    if (listed.length > 0 && unknown.length > 0) {
      throw badRequest(
        `This computer has no GPU ${unknown.join(', ')}: nvidia-smi lists ${listed.length === 1 ? 'GPU' : 'GPUs'} ${listed.join(', ')}`,
      );
    }
  }
  if (!patch.launchPath) return patch;
  const env = defaultInstallEnv();
  const install = (await inspectInstall(patch.launchPath, env)) ?? (await discoverInstall([patch.launchPath], env));
  if (!install) {
    throw badRequest(
      `No ComfyUI found in ${patch.launchPath}: choose the folder that holds main.py (or the portable build's folder with python_embeded)`,
    );
  }
  return { ...patch, launchPath: install.portableRoot ?? install.comfyDir };
}
