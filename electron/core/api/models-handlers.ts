/** models.* and downloads.* methods: the catalogue per backend, where files go, the download queue, the tokens. */
import type { ModelsCatalog } from '@shared/api/models';
import type { DownloadManager } from '@core/models/downloads';
import type { Handlers } from './dispatch';

type ModelsMethods =
  | 'models.catalog'
  | 'models.destination'
  | 'downloads.start'
  | 'downloads.list'
  | 'downloads.cancel'
  | 'downloads.tokens'
  | 'downloads.setToken'
  | 'downloads.clearToken';

export interface ModelsHandlerDeps {
  downloads: DownloadManager;
  /** The catalogue with each file's state on every backend (models/model-status.ts, wired by the composition root). */
  catalog(): Promise<ModelsCatalog>;
}

export function modelsHandlers(deps: ModelsHandlerDeps): Pick<Handlers, ModelsMethods> {
  const { downloads } = deps;
  return {
    'models.catalog': () => deps.catalog(),
    'models.destination': ({ backendId, folder }) => downloads.destination(backendId, folder),
    'downloads.start': (input) => downloads.enqueue(input),
    'downloads.list': () => downloads.list(),
    'downloads.cancel': ({ id }) => downloads.cancel(id),
    'downloads.tokens': () => downloads.tokens(),
    'downloads.setToken': ({ service, token }) => downloads.setToken(service, token),
    'downloads.clearToken': ({ service }) => downloads.clearToken(service),
  };
}
