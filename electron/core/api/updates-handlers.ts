import type { UpdateManager } from '@core/updates/manager';
import type { Handlers } from './dispatch';

export function updatesHandlers(deps: {
  updates: Pick<UpdateManager, 'state' | 'check' | 'restart' | 'cancelRestart'>;
}): Pick<Handlers, 'updates.status' | 'updates.check' | 'updates.restart' | 'updates.cancelRestart'> {
  return {
    'updates.status': () => deps.updates.state(),
    'updates.check': () => deps.updates.check(),
    'updates.restart': () => deps.updates.restart(),
    'updates.cancelRestart': () => deps.updates.cancelRestart(),
  };
}
