/** The setup guide's progress: each step done or skipped, and when (steps not here are still to do). */
import type { SetupStepId } from '@shared/api/setup';
import type { Db } from './db';

export type StoredStepState = 'done' | 'skipped';

export class SetupRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  states(): Map<SetupStepId, StoredStepState> {
    const rows = this.db.prepare('SELECT step, state FROM setup_steps').all() as Array<{
      step: SetupStepId;
      state: StoredStepState;
    }>;
    return new Map(rows.map((r) => [r.step, r.state]));
  }

  set(step: SetupStepId, state: StoredStepState | 'todo'): void {
    if (state === 'todo') {
      this.db.prepare('DELETE FROM setup_steps WHERE step = ?').run(step);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO setup_steps (step, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(step) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(step, state, this.now());
  }
}
