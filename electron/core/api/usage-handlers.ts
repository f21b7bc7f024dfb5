/**
 * usage.*: GPU time as people see it. `usage.me` is the caller's (today and this week in their server's time zone,
 * running jobs included; the quota that leaves the least; where their jobs stand), `usage.server` a server's top
 * users for its admins, `usage.report` the desktop's Usage page (per day, user, server and workflow).
 */
import { refusal } from '@shared/api';
import type { UsagePeriod, UsageReport } from '@shared/api/usage';
import { isOwnerSide } from '@core/access/person';
import { dayKey, dayStart, monthStart, shiftDays, weekStart, zoneOf } from '@core/usage/days';
import { quotasOf, standing, tightestQuota, timeZoneOf, type QuotaDeps } from '@core/usage/quotas';
import type { QueuePlan } from '@core/jobs/queue-plan';
import type { Handlers } from './dispatch';

export interface UsageHandlerDeps extends QuotaDeps {
  /** Every job not over, in run order, with places and start estimates. */
  plan(): QueuePlan;
}

const periodStart: Record<UsagePeriod, (ms: number, tz: string) => number> = {
  day: dayStart,
  week: weekStart,
  month: monthStart,
};

export function usageHandlers(d: UsageHandlerDeps): Pick<Handlers, 'usage.me' | 'usage.server' | 'usage.report'> {
  const { store, clock } = d;
  return {
    'usage.me': (_input, { person }) => {
      const now = clock.now();
      const tz = timeZoneOf(store, person);
      const today = standing(d, person.userId, undefined, dayStart(now, tz));
      const week = standing(d, person.userId, undefined, weekStart(now, tz));
      const plan = d.plan();
      const waiting = plan.jobs.flatMap((job, i) => {
        if (job.userId !== person.userId) return [];
        const at = plan.at(i);
        const { id: jobId, number, workflow, status } = job;
        return [{ jobId, number, workflow, status, position: at.position, startsInMs: at.wait?.startsInMs ?? null }];
      });
      return {
        timeZone: tz,
        todayMs: today.usedMs,
        weekMs: week.usedMs,
        todayJobs: store.usage.totals({ since: dayStart(now, tz), until: now + 1, userId: person.userId }).jobs,
        quota: tightestQuota(quotasOf(d, person)),
        waiting,
      };
    },
    'usage.server': ({ period, limit, guildId }, { person }) => {
      const id = isOwnerSide(person) ? guildId : person.guildId;
      if (!isOwnerSide(person) && (person.level !== 'admin' || !person.guild)) {
        throw refusal(
          'forbidden',
          'Not allowed',
          'Only server admins can see the server’s usage.',
          'Use /usage for your own GPU time.',
        );
      }
      const guild = id ? store.guilds.get(id) : null;
      if (!id || !guild) throw refusal('not_found', 'Unknown server', 'Name a server the bot is in.');
      const now = clock.now();
      const tz = zoneOf(guild.settings.timeZone ?? store.settings.get().usage.timeZone);
      const since = periodStart[period](now, tz);
      const rows = store.usage.byUser({ since, until: now + 1, guildId: id });
      const totals = store.usage.totals({ since, until: now + 1, guildId: id });
      return {
        guildId: id,
        period,
        since,
        timeZone: tz,
        totals: { ...totals, users: rows.length },
        top: rows.slice(0, limit),
      };
    },
    'usage.report': ({ days, guildId, userId }) => {
      const now = clock.now();
      const tz = zoneOf(store.settings.get().usage.timeZone);
      const since = shiftDays(now, -(days - 1), tz);
      const filter = { since, until: now + 1, guildId, userId };
      const byDay = new Map<string, UsageReport['byDay'][number]>();
      for (let day = since; day <= now; day = shiftDays(day, 1, tz)) {
        const key = dayKey(day, tz);
        byDay.set(key, { day: key, gpuMs: 0, jobs: 0, failed: 0 });
      }
      for (const p of store.usage.points(filter)) {
        const row = byDay.get(dayKey(p.at, tz));
        if (!row) continue;
        row.gpuMs += p.ms;
        row.jobs += 1;
        row.failed += p.failed;
      }
      return {
        timeZone: tz,
        since,
        until: now,
        totals: store.usage.totals(filter),
        byDay: [...byDay.values()],
        byUser: store.usage.byUser(filter, 100),
        byGuild: store.usage.byGuild(filter),
        byWorkflow: store.usage.byWorkflow(filter),
      };
    },
  };
}
