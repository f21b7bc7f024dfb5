import type { HealthSummary } from '@shared/api/health';
import type { Handlers } from './dispatch';

export interface HealthHandlerDeps {
  summary: () => HealthSummary;
  run: Handlers['health.run'];
}

export function healthHandlers(deps: HealthHandlerDeps): Pick<Handlers, 'health.summary' | 'health.run'> {
  return { 'health.summary': () => deps.summary(), 'health.run': deps.run };
}
