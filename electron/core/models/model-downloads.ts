/**
 * Model downloads wired to the rest of the core (the composition root calls only this): the catalogue, the
 * download queue with its destinations read from the backend records, the launch settings and the live backends,
 * the backends' model folders read again when a file lands, and the catalogue view per backend.
 */
import type { ModelsCatalog } from '@shared/api/models';
import type { BackendManager } from '@core/comfy/backends/manager';
import { isOnline } from '@core/comfy/backends/routing';
import type { Clock } from '@core/clock';
import type { EventBus } from '@core/events';
import type { Logger } from '@core/log';
import type { SecretStore } from '@core/secrets';
import type { Store } from '@core/store';
import type { WorkflowRegistry } from '@core/workflows/registry';
import { ModelCatalog } from './catalog';
import { FolderPathsCache, isThisMachineUrl } from './destinations';
import { downloadOrder } from './download-requests';
import { DownloadManager, type DownloadTuning } from './downloads';
import { catalogView } from './model-status';

export interface ModelDownloadsOptions {
  catalogPath: string;
  tuning?: Partial<DownloadTuning>;
  /** Whether a backend address is this machine (default: loopback and this machine's own addresses). */
  isThisMachine?: (url: string) => boolean;
}

export interface ModelDownloadsDeps {
  store: Store;
  events: EventBus;
  secrets: SecretStore;
  comfy: BackendManager;
  workflows: WorkflowRegistry;
  clock: Clock;
  logger: Logger;
}

export interface ModelDownloads {
  catalog: ModelCatalog;
  downloads: DownloadManager;
  /** `models.catalog`: every catalogue file on every backend. */
  view(): Promise<ModelsCatalog>;
}

export function createModelDownloads(o: ModelDownloadsOptions, deps: ModelDownloadsDeps): ModelDownloads {
  const { store, comfy } = deps;
  const catalog = new ModelCatalog(o.catalogPath, deps.logger.child('models'));
  const isThisMachine = o.isThisMachine ?? isThisMachineUrl;
  const folderPaths = new FolderPathsCache(() => deps.clock.now());
  const downloads = new DownloadManager({
    repo: store.downloads,
    events: deps.events,
    catalog,
    secrets: deps.secrets,
    clock: deps.clock,
    logger: deps.logger,
    destinations: {
      record: (id) => store.backends.get(id),
      client: (id) => {
        const b = comfy.get(id);
        return b && isOnline(b.status) ? folderPaths.wrap(id, b.client) : null;
      },
      launch: () => comfy.launchSettings(),
      isThisMachine,
    },
    backends: () => downloadOrder(store.backends.list(), isThisMachine),
    // A file landed: every online backend reads that folder again (several may share it).
    filesChanged: async (folder) => {
      const online = comfy.list().filter((b) => isOnline(b.status));
      await comfy.recheckModels(online.map((b) => ({ backendId: b.id, folders: [folder] })));
      return online.map((b) => b.id);
    },
    ...(o.tuning ? { tuning: o.tuning } : {}),
  });

  /** The files a backend lists in a folder: its cached capabilities, else asked now; null while offline. */
  const listed = async (id: string, folder: string): Promise<readonly string[] | null> => {
    const b = comfy.get(id);
    if (!b || !isOnline(b.status)) return null;
    const cached = comfy.pool.capabilities(id)?.models.get(folder);
    return cached ? [...cached] : b.client.models(folder).catch(() => null);
  };

  return {
    catalog,
    downloads,
    view: () =>
      catalogView({
        catalog: catalog.state(),
        workflows: deps.workflows.list(),
        modelSettings: store.settings.get().models,
        backends: store.backends.list(),
        destination: (id, folder) => downloads.destination(id, folder),
        listed,
        active: downloads.active(),
      }),
  };
}
