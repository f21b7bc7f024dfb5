/**
 * The custom ids of the bot's message buttons: `cd:<action>:<jobId>`. The id carries no state; the action
 * resolves from the job in SQLite. Made by the result/progress buttons (embeds.ts), read by the bot's button router.
 */

/** Actions behind result buttons. */
export const BUTTON_ACTIONS = ['upscale2', 'upscale4', 'vary', 'edit', 'animate', 'rerun', 'delete', 'cancel'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

const ID_PREFIX = 'cd';

export function buttonId(action: ButtonAction, jobId: string): string {
  return `${ID_PREFIX}:${action}:${jobId}`;
}

/**
 * The action and job of a custom id made by `buttonId`, or null for anything else (never throws). The pattern
 * bounds a known action's id well under Discord's 100-character custom id limit.
 */
export function parseButtonId(customId: string): { action: ButtonAction; jobId: string } | null {
  if (typeof customId !== 'string') return null;
  const m = /^cd:([a-z0-9]+):([A-Za-z0-9_-]{1,80})$/.exec(customId);
  if (!m) return null;
  const action = m[1] as ButtonAction;
  if (!BUTTON_ACTIONS.includes(action)) return null;
  return { action, jobId: m[2]! };
}
