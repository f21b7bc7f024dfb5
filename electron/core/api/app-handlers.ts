import type { AppInfo } from '@shared/api/app';
import type { Handlers } from './dispatch';

export interface AppHandlerDeps {
  info: () => AppInfo;
}

export function appHandlers(deps: AppHandlerDeps): Pick<Handlers, 'app.info'> {
  return { 'app.info': () => deps.info() };
}
