import type { EventBus } from '../events';
import type { SettingsRepo } from '@core/store/settings-repo';
import type { Handlers } from './dispatch';

export function settingsHandlers(deps: {
  settings: SettingsRepo;
  events: EventBus;
}): Pick<Handlers, 'settings.get' | 'settings.set'> {
  return {
    'settings.get': () => deps.settings.get(),
    'settings.set': (patch) => {
      const next = deps.settings.update(patch);
      deps.events.emit('settings.changed', next);
      return next;
    },
  };
}
