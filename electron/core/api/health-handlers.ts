import type { HealthReport, HealthSummary } from '@shared/api/health';
import type { Handlers } from './dispatch';

export interface HealthHandlerDeps {
  summary: () => HealthSummary;
  health: {
    run(backendId?: string): Promise<HealthReport>;
    latest(backendId?: string): HealthReport | null;
  };
}

export function healthHandlers(
  deps: HealthHandlerDeps,
): Pick<Handlers, 'health.summary' | 'health.run' | 'health.latest'> {
  return {
    'health.summary': () => deps.summary(),
    'health.run': ({ backendId }) => deps.health.run(backendId),
    'health.latest': ({ backendId }) => deps.health.latest(backendId),
  };
}
