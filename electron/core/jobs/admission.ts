/**
 * Admission: may this person queue this request now? Asked once, in the core, for every client: the desktop,
 * the browser UI and the Discord bot (whose `jobs.admit` call lets it refuse quickly and privately before it
 * downloads anything). In order: where the request comes from, the person's level, the prompt rules of their
 * server, who the owner stopped from generating, the server's channel rules (the workflow here, words only
 * age-restricted channels allow), the daily GPU quotas, the queue limits (global; per user, which a Discord
 * server may lower), then the rate limits.
 * The desktop user — the GPU's owner — has no per-user or rate limit.
 */
import { refusal } from '@shared/api';
import { formatWait } from '@shared/format';
import { ACTIVE_STATUSES, type JobSource } from '@shared/jobs';
import type { Settings } from '@shared/settings';
import { DESKTOP_USER, requireLevel, type Person } from '@core/access/person';
import { promptProblem } from '@core/access/prompt-rules';
import { rateChecks, type SlidingWindowLimiter } from '@core/access/rate-limit';
import { nsfwWordRefusal, workflowChannelRefusal } from '@core/access/channel-rules';
import type { JobsRepo } from '@core/store/jobs-repo';
import type { OwnerRepo } from '@core/store/owner-repo';
import { checkQuota, type QuotaDeps } from '@core/usage/quotas';

export { DESKTOP_USER };

export function isDesktopOwner(source: JobSource, userId: string): boolean {
  return source === 'desktop' && userId === DESKTOP_USER.id;
}

/** Who may queue at all, and what they may write: throws the refusal. */
export function checkPerson(person: Person, texts: { prompt: string; negative: string }): void {
  if (person.kind === 'bot') throw refusal('forbidden', 'Not allowed', 'The bot does not queue jobs of its own.');
  if (person.kind !== 'discord') return;
  if (!person.guildId && person.level === 'user') {
    throw refusal(
      'forbidden',
      'Use a server',
      'Jobs are started from a server where ComfyDesk is; DMs only receive results.',
      'Run the command in your server’s channel (you can still get the result by DM with delivery:dm).',
    );
  }
  requireLevel(person, 'generator', 'start jobs');
  const problem = promptProblem(texts, person.guild?.bannedWords ?? []);
  if (problem) throw refusal('bad_request', 'Prompt refused', problem);
}

/** The per-user queue limit that applies to this person (their server's, else the app's); null for the owner. */
export function perUserLimitOf(person: Pick<Person, 'kind' | 'guild'>, queue: Settings['queue']): number | null {
  if (person.kind !== 'discord') return null;
  return person.guild?.limits.perUserQueue ?? queue.perUserLimit;
}

/** Throws a `limit` refusal saying what to do when this request may not be queued now. */
export function checkLimits(
  jobs: JobsRepo,
  queue: Settings['queue'],
  request: { source: JobSource; userId: string; perUserLimit?: number | null | undefined },
): void {
  const counts = jobs.countByStatus(ACTIVE_STATUSES);
  const active = ACTIVE_STATUSES.reduce((n, s) => n + counts[s], 0);
  if (active >= queue.globalLimit) {
    throw refusal(
      'limit',
      'Queue full',
      `The queue is full (${active} jobs, the limit is ${queue.globalLimit}).`,
      'Try again when some have finished.',
    );
  }
  if (isDesktopOwner(request.source, request.userId)) return;
  const perUser = request.perUserLimit ?? queue.perUserLimit;
  const mine = jobs.countActiveByUser(request.userId);
  if (mine >= perUser) {
    throw refusal(
      'limit',
      'Queue limit reached',
      `You already have ${mine} job${mine === 1 ? '' : 's'} waiting or running; the limit here is ${perUser}.`,
      'Wait until one finishes, or cancel one with /queue cancel.',
    );
  }
}

/**
 * The rate limits of a Discord user (per member and per server, sliding windows): `take` records the request,
 * otherwise it is only checked. Throws the refusal with when to try again.
 */
export function checkRate(limiter: SlidingWindowLimiter, person: Person, mode: 'peek' | 'take'): void {
  if (person.kind !== 'discord') return;
  const checks = rateChecks(person.userId, person.guildId, person.guild?.limits ?? {});
  const verdict = mode === 'take' ? limiter.take(checks) : limiter.peek(checks);
  if (verdict.ok) return;
  const who = verdict.scope === 'user' ? 'You have' : 'This server has';
  throw refusal(
    'limit',
    'Slow down',
    `${who} started ${verdict.rule.count} jobs in the last ${formatWait(verdict.rule.windowSec * 1000)}, the most allowed.`,
    `Try again in ${formatWait(verdict.retryAfterMs)}.`,
  );
}

export interface SharingDeps extends QuotaDeps {
  owner: Pick<OwnerRepo, 'blockOf'>;
  /** A workflow's title, for refusals. */
  workflowTitle(id: string): string;
}

/**
 * What sharing the GPU adds for a Discord user: the owner may have stopped them from generating (here or
 * everywhere, with the reason they see), the server's channel rules (this workflow here, words allowed only in
 * age-restricted channels) and the daily quotas. Throws the refusal, saying where to go or when it resets.
 */
export function checkSharing(
  d: SharingDeps,
  person: Person,
  request: { workflow: string; prompt?: string; negative?: string },
): void {
  if (person.kind !== 'discord') return;
  const block = d.owner.blockOf(person.userId, person.guildId);
  if (block) {
    const where = block.guildId === null ? 'anywhere' : 'in this server';
    throw refusal(
      'forbidden',
      'Not allowed to generate',
      `The owner of this GPU has stopped you from generating ${where}: “${block.reason}”.`,
      'Ask them if you think this is a mistake.',
    );
  }
  const refused =
    workflowChannelRefusal(person, { id: request.workflow, title: d.workflowTitle(request.workflow) }) ??
    nsfwWordRefusal(person, request);
  if (refused) throw refused;
  checkQuota(d, person);
}
