/**
 * Backups, restore, the settings export and import, retention and the orphan scan. Owner only (api/access.ts
 * gives neither the bot nor Discord users any `data.*` method).
 */
import type { DataService } from '@core/data/service';
import type { Handlers } from './dispatch';

type DataMethods =
  | 'data.status'
  | 'data.backupNow'
  | 'data.restore'
  | 'data.startFresh'
  | 'data.export'
  | 'data.importPreview'
  | 'data.import'
  | 'data.retentionPreview'
  | 'data.retentionRun'
  | 'data.scanOrphans';

export function dataHandlers(deps: { data: DataService }): Pick<Handlers, DataMethods> {
  const { data } = deps;
  return {
    'data.status': () => data.status(),
    'data.backupNow': () => data.backup('manual'),
    'data.restore': (input) => data.restore(input),
    'data.startFresh': () => data.startFresh(),
    'data.export': () => data.export(),
    'data.importPreview': ({ content }) => data.importPreview(content),
    'data.import': ({ content }) => data.import(content),
    'data.retentionPreview': ({ rules }) => data.retentionPreview(rules),
    'data.retentionRun': () => data.runRetention(),
    'data.scanOrphans': () => data.scanOrphans(),
  };
}
