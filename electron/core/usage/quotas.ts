/**
 * Daily GPU quotas: a server's per-role minutes (the highest a member holds applies; none = unlimited) and the
 * app's cap for every Discord user across servers. A day runs from midnight to midnight in the server's time zone
 * (the app's for the cap): quotas reset at midnight, not on a rolling 24 hours. A job is refused at submit when
 * the person's GPU time today plus what their jobs not over yet are expected to take has reached a quota — it
 * would start past it; a job already waiting or running is never cut.
 */
import { refusal } from '@shared/api';
import type { QuotaView } from '@shared/api/usage';
import { formatDuration } from '@shared/embeds';
import { dailyQuotaOf, heldRoles } from '@shared/sharing';
import type { Job } from '@shared/jobs';
import type { Person } from '@core/access/person';
import type { Clock } from '../clock';
import type { Store } from '../store';
import type { UsageBook } from '@core/jobs/usage-book';
import { clockLabel, dayStart, nextMidnight, zoneOf } from './days';

/** What quotas read of the engine: GPU time in flight, waiting jobs and what they are expected to cost. */
export interface QuotaEngine {
  usage: Pick<UsageBook, 'flightsOf'>;
  waitingOf(userId: string): Job[];
  costOf(job: Job): number;
}

export interface QuotaDeps {
  store: Store;
  engine: QuotaEngine;
  clock: Clock;
}

/** The person's time zone for days: their server's, else the app's. */
export function timeZoneOf(store: Store, person: Pick<Person, 'guild'>): string {
  return zoneOf(person.guild?.settings.timeZone ?? store.settings.get().usage.timeZone);
}

/** GPU time of the person today (since `since`) in one server or every one: used, and expected of jobs not over. */
export function standing(
  d: QuotaDeps,
  userId: string,
  guildId: string | undefined,
  since: number,
): { usedMs: number; waitingMs: number } {
  const now = d.clock.now();
  const inScope = (g: string | null) => guildId === undefined || g === guildId;
  let usedMs = d.store.usage.totals({ since, until: now + 1, userId, guildId }).gpuMs;
  let waitingMs = 0;
  for (const f of d.engine.usage.flightsOf(userId)) {
    if (!inScope(f.guildId)) continue;
    const ran = f.startedAt === null ? 0 : Math.max(0, now - f.startedAt);
    usedMs += ran;
    waitingMs += Math.max(0, f.costMs - ran);
  }
  for (const job of d.engine.waitingOf(userId)) if (inScope(job.guildId)) waitingMs += d.engine.costOf(job);
  return { usedMs, waitingMs };
}

/** Every quota that applies to this person now (none for the owner). */
export function quotasOf(d: QuotaDeps, person: Person): QuotaView[] {
  if (person.kind !== 'discord') return [];
  const now = d.clock.now();
  const out: QuotaView[] = [];
  const view = (scope: QuotaView['scope'], minutes: number, tz: string, guildId: string | undefined): QuotaView => {
    const { usedMs, waitingMs } = standing(d, person.userId, guildId, dayStart(now, tz));
    const limitMs = minutes * 60_000;
    const leftMs = Math.max(0, limitMs - usedMs - waitingMs);
    return { scope, limitMs, usedMs, waitingMs, leftMs, resetsAt: nextMidnight(now, tz), timeZone: tz };
  };
  if (person.guild) {
    const minutes = dailyQuotaOf(person.guild.settings.shares, heldRoles(person.guild.id, person.roleIds));
    if (minutes !== null) out.push(view('guild', minutes, timeZoneOf(d.store, person), person.guild.id));
  }
  const usage = d.store.settings.get().usage;
  if (usage.dailyCapMinutes !== null)
    out.push(view('global', usage.dailyCapMinutes, zoneOf(usage.timeZone), undefined));
  return out;
}

/** The quota that leaves the least, or null when none applies. */
export function tightestQuota(quotas: readonly QuotaView[]): QuotaView | null {
  return quotas.reduce<QuotaView | null>((best, q) => (best === null || q.leftMs < best.leftMs ? q : best), null);
}

/** Refuse a new job that would start past a quota, with what is left and when it resets. */
export function checkQuota(d: QuotaDeps, person: Person): void {
  const now = d.clock.now();
  for (const q of quotasOf(d, person)) {
    if (q.usedMs + q.waitingMs < q.limitMs) continue;
    const where = q.scope === 'guild' ? 'in this server' : 'across every server';
    const waiting = q.waitingMs > 0 ? `, and your jobs not finished yet need about ${formatDuration(q.waitingMs)}` : '';
    throw refusal(
      'limit',
      'Daily GPU time used up',
      `You have used ${formatDuration(q.usedMs)} of your ${formatDuration(q.limitMs)} of GPU time today ${where}${waiting}: ${formatDuration(q.leftMs)} left.`,
      `It resets at midnight (${q.timeZone}): ${clockLabel(q.resetsAt, q.timeZone)}, in ${formatDuration(q.resetsAt - now)}. Jobs already waiting or running go on.`,
    );
  }
}
