import type { HealthSummary } from '../../../shared/api/health';
import type { Handlers } from './dispatch';

export function healthHandlers(deps: { summary: () => HealthSummary }): Pick<Handlers, 'health.summary'> {
  return { 'health.summary': () => deps.summary() };
}
