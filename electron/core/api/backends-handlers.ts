/** ComfyUI backends: the list, adding and removing, credentials, activity, refresh, VRAM, devices, model lists. */
import type { BackendActivity } from '@shared/api/backends';
import type { BackendManager } from '@core/comfy/backends/manager';
import { inspectCertificate } from '@core/comfy/backends/add-backend';
import { refreshBackend } from '@core/comfy/backends/refresh';
import type { Handlers } from './dispatch';

export interface BackendsHandlerDeps {
  comfy: BackendManager;
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
  | 'comfy.freeVram'
  | 'comfy.devices'
  | 'models.list';

export function backendsHandlers(deps: BackendsHandlerDeps): Pick<Handlers, BackendsMethod> {
  const { comfy } = deps;
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
    'comfy.freeVram': async ({ backendId }) => ({ freed: await comfy.freeVram(backendId) }),
    'comfy.devices': () => comfy.info.devices(),
    'models.list': async ({ folder }) => ({ files: await comfy.info.models(folder) }),
  };
}
