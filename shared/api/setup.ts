/**
 * The setup guide: from a fresh install to a first image (and, optionally, the Discord bot). Four steps, each
 * done, skipped or still to do, kept in the store so the guide resumes where it was left; a step the core sees
 * achieved (ComfyUI online, a workflow that can run, an image made, the bot in a server) counts as done.
 */
import { z } from 'zod';
import { JobSchema } from '../jobs';
import { method, NoInput } from './define';

export const SetupStepIdSchema = z.enum(['comfy', 'models', 'first-image', 'discord']);
export type SetupStepId = z.infer<typeof SetupStepIdSchema>;

export const SetupStepSchema = z.object({
  id: SetupStepIdSchema,
  state: z.enum(['todo', 'done', 'skipped']),
  /** What the core sees now, in one line (e.g. "ComfyUI 0.3.64 at http://127.0.0.1:8188"). */
  summary: z.string(),
  /** The core sees the step achieved now. */
  achieved: z.boolean(),
});
export type SetupStep = z.infer<typeof SetupStepSchema>;

export const SetupViewSchema = z.object({
  steps: z.array(SetupStepSchema),
  /** Every step is done or skipped: the guide is not shown at start any more. */
  finished: z.boolean(),
  /** The first step still to do (null when finished). */
  next: SetupStepIdSchema.nullable(),
});
export type SetupView = z.infer<typeof SetupViewSchema>;

export const setupMethods = {
  'setup.get': method(
    NoInput,
    SetupViewSchema,
    'The setup guide: each step done, skipped or to do, and what is seen now.',
  ),
  'setup.mark': method(
    z.object({ step: SetupStepIdSchema, state: z.enum(['todo', 'done', 'skipped']) }).strict(),
    SetupViewSchema,
    'Mark a step of the setup guide done, skipped, or to do again.',
  ),
  'setup.firstImage': method(
    NoInput,
    JobSchema,
    'Queue a test image with the first text-to-image workflow that can run now (refused, saying why, when none can).',
  ),
};

export const setupEvents = {
  /** The guide's progress changed. */
  'setup.changed': SetupViewSchema,
};
