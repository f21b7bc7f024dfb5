import { ApiError, badRequest } from '@shared/api';
import type { BackendActivity, LaunchSettingsView, LauncherStatus } from '@shared/api/backends';
import type { ComfySettingsPatch } from '@shared/settings';
import type { BackendManager } from '@core/comfy/backends/manager';
import { inspectCertificate } from '@core/comfy/backends/add-backend';
import { refreshBackend } from '@core/comfy/backends/refresh';
import { defaultInstallEnv, discoverInstall, inspectInstall } from '@core/comfy/launch/install';
import { LaunchError } from '@core/comfy/launch/launch-error';
import { reservedIn } from '@core/comfy/launch/launch-args';
import type { Config } from '../config';
import type { EventBus } from '../events';
import type { SettingsRepo } from '@core/store/settings-repo';
import type { Handlers } from './dispatch';

export interface BackendsHandlerDeps {
  comfy: BackendManager;
  settings: SettingsRepo;
  events: EventBus;
  config: Config['comfy'];
  /** Each backend's speed, current job, queue and VRAM (jobs/backend-activity.ts). */
  activity(): BackendActivity[];
  /** A backend was read again (`backends.refresh`): its health checks run again. */
  refreshed?: (id: string) => void;
}

type BackendsMethod =
  | 'backends.list'
  | 'backends.add'
  | 'backends.remove'
  | 'backends.setEnabled'
  | 'backends.setAuth'
  | 'backends.certificate'
  | 'backends.trustCertificate'
  | 'backends.activity'
  | 'backends.refresh'
  | 'comfy.start'
  | 'comfy.stop'
  | 'comfy.restart'
  | 'comfy.logTail'
  | 'comfy.freeVram'
  | 'comfy.devices'
  | 'models.list'
  | 'comfy.launchSettings'
  | 'comfy.setLaunchSettings';

export function backendsHandlers(deps: BackendsHandlerDeps): Pick<Handlers, BackendsMethod> {
  const { comfy } = deps;
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
    'backends.list': () => comfy.summaries(),
    'backends.add': (input) => comfy.add(input),
    'backends.remove': async ({ id }) => {
      await comfy.remove(id);
      return comfy.summaries();
    },
    'backends.setEnabled': ({ id, enabled }) => comfy.setEnabled(id, enabled),
    'backends.setAuth': ({ id, auth }) => comfy.setAuth(id, auth),
    'backends.certificate': ({ url }) => inspectCertificate(url),
    'backends.trustCertificate': ({ id, fingerprint }) => comfy.trustCertificate(id, fingerprint),
    'backends.activity': () => deps.activity(),
    'backends.refresh': async ({ id }) => {
      const result = await refreshBackend(comfy, id);
      deps.refreshed?.(id);
      return result;
    },
    'comfy.start': () => launcherCall(() => comfy.startComfy()),
    'comfy.stop': () => launcherCall(() => comfy.stopComfy()),
    'comfy.restart': () => launcherCall(() => comfy.restartComfy()),
    'comfy.logTail': () => ({ lines: comfy.logTail() }),
    'comfy.freeVram': async ({ backendId }) => ({ freed: await comfy.freeVram(backendId) }),
    'comfy.devices': () => comfy.info.devices(),
    'models.list': async ({ folder }) => ({ files: await comfy.info.models(folder) }),
    'comfy.launchSettings': () => view(),
    'comfy.setLaunchSettings': async (patch) => {
      const checked = await checkPatch(patch);
      const next = deps.settings.update({ comfy: checked });
      deps.events.emit('settings.changed', next);
      return view();
    },
  };
}

/** The folder must hold a ComfyUI (main.py, or a portable build); a parent folder of one is resolved to it. */
async function checkPatch(patch: ComfySettingsPatch): Promise<ComfySettingsPatch> {
  const reserved = reservedIn(patch.extraArgs ?? []);
  if (reserved.length > 0) {
    throw badRequest(
      `ComfyDesk sets ${reserved.join(', ')} itself; leave ${reserved.length === 1 ? 'it' : 'them'} out of the extra flags`,
    );
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
