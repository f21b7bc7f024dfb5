/**
 * Find a job a Discord user named (full id or its first characters), only among jobs they may see: their own,
 * or — for admins — every job of the same guild. Nothing else is ever found, so no one reaches another
 * user's data by guessing ids.
 */
import type { Job } from '@shared/jobs';
import type { BotServices, Caller } from './context';
import { Refusal } from './respond';

export function canSeeJob(job: Job, caller: Caller): boolean {
  if (job.userId === caller.userId) return true;
  return caller.level === 'admin' && caller.guildId !== null && job.guildId === caller.guildId;
}

export function findJob(ctx: BotServices, caller: Caller, typed: string): Job {
  const id = typed.trim();
  if (!/^[A-Za-z0-9-]{4,64}$/.test(id))
    throw new Refusal(
      'Unknown job',
      `"${typed.slice(0, 40)}" is not a job id.`,
      'Pick one from the list while you type, or see /history list.',
    );
  const exact = ctx.store.jobs.get(id);
  if (exact && canSeeJob(exact, caller)) return exact;
  const pool =
    caller.level === 'admin' && caller.guildId
      ? ctx.store.jobs.list({ guildId: caller.guildId, limit: 500 })
      : ctx.store.jobs.byUser(caller.userId, { limit: 500 });
  const matches = pool.filter((j) => j.id.startsWith(id) && canSeeJob(j, caller));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new Refusal('Ambiguous id', `${matches.length} of your jobs start with "${id}".`, 'Type more of the id.');
  throw new Refusal('Unknown job', `No job "${id}" that you can see.`, 'See /history list for your jobs.');
}
