/** The setup guide's API: its state, marks, and the test image of the "First image" step. */
import { refusal } from '@shared/api';
import type { SetupView } from '@shared/api/setup';
import type { WorkflowReadiness } from '@shared/api/workflows';
import type { Job } from '@shared/jobs';
import type { WorkflowManifest } from '@shared/workflow-manifest';
import type { EventBus } from '../events';
import type { SetupRepo } from '@core/store/setup-repo';
import { setupView, type SetupFacts } from '@core/setup/guide';
import type { Handlers } from './dispatch';

type SetupMethods = 'setup.get' | 'setup.mark' | 'setup.firstImage';

/** What the test image shows: simple enough for any checkpoint, pleasant enough to keep. */
export const FIRST_IMAGE_PROMPT = 'a lighthouse on a rocky cliff at sunrise, warm golden light, calm sea';

export function setupHandlers(deps: {
  repo: SetupRepo;
  facts: SetupFacts;
  events: EventBus;
  readiness(): Promise<WorkflowReadiness[]>;
  workflows(): WorkflowManifest[];
  /** Queue a job as the desktop user (refused at once when no ComfyUI can run it). */
  submit(workflow: string, prompt: string): Promise<Job>;
}): Pick<Handlers, SetupMethods> {
  const view = (): SetupView => setupView(deps.repo, deps.facts);
  return {
    'setup.get': () => view(),
    'setup.mark': ({ step, state }) => {
      deps.repo.set(step, state);
      const next = view();
      deps.events.emit('setup.changed', next);
      return next;
    },
    'setup.firstImage': async () => {
      const readiness = await deps.readiness();
      const txt2img = deps.workflows().filter((w) => w.kind === 'txt2img');
      const runnable = txt2img.find((w) => readiness.find((r) => r.id === w.id)?.state === 'ready');
      if (!runnable) {
        const waiting = readiness.find((r) => r.state === 'wait');
        throw refusal(
          'unavailable',
          'Nothing can run yet',
          waiting?.reason
            ? `No text-to-image workflow can run now: ${waiting.reason}.`
            : 'No text-to-image workflow can run on this ComfyUI: it lacks the model files.',
          'Get a model file in the Models step (or choose one ComfyUI already has), then try again.',
        );
      }
      return deps.submit(runnable.id, FIRST_IMAGE_PROMPT);
    },
  };
}
