/**
 * The setup guide's state: the stored marks (done, skipped) over what the core sees now. A step the core sees
 * achieved is stored as done the first time it is seen, so the guide never goes back (ComfyUI going offline
 * later does not reopen the ComfyUI step); the user may still mark any step to do again.
 */
import { SetupStepIdSchema, type SetupStep, type SetupStepId, type SetupView } from '@shared/api/setup';
import type { SetupRepo } from '@core/store/setup-repo';

/** What the core sees for one step now. */
export interface StepFact {
  achieved: boolean;
  summary: string;
}

export type SetupFacts = Record<SetupStepId, () => StepFact>;

export function setupView(repo: SetupRepo, facts: SetupFacts): SetupView {
  const stored = repo.states();
  const steps = SetupStepIdSchema.options.map((id): SetupStep => {
    const fact = facts[id]();
    let state: SetupStep['state'] = stored.get(id) ?? 'todo';
    if (fact.achieved && state !== 'done') {
      repo.set(id, 'done');
      state = 'done';
    }
    return { id, state, summary: fact.summary, achieved: fact.achieved };
  });
  const next = steps.find((s) => s.state === 'todo')?.id ?? null;
  return { steps, finished: next === null, next };
}
