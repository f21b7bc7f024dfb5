/**
 * Days, weeks and months in a time zone (a server's, or the app's): where today started, when the next midnight
 * is, what day a moment belongs to. Daylight saving time is the time zone database's business (date-fns with
 * @date-fns/tz over the runtime's Intl data), not ours.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay, startOfISOWeek, startOfMonth } from 'date-fns';

/** The time zone a setting names; '' (or a name this runtime does not know) is this computer's. */
export function zoneOf(name: string | null | undefined): string {
  if (name) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      return name;
    } catch {
      // fall through to the computer's
    }
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const at = (ms: number, tz: string): TZDate => new TZDate(ms, tz);

/** Midnight at the start of the day `ms` is in. */
export function dayStart(ms: number, tz: string): number {
  return startOfDay(at(ms, tz)).getTime();
}

/** The next midnight after `ms` (when today's quotas reset). */
export function nextMidnight(ms: number, tz: string): number {
  return addDays(startOfDay(at(ms, tz)), 1).getTime();
}

/** Monday 00:00 of the week `ms` is in. */
export function weekStart(ms: number, tz: string): number {
  return startOfISOWeek(at(ms, tz)).getTime();
}

/** 00:00 on the 1st of the month `ms` is in. */
export function monthStart(ms: number, tz: string): number {
  return startOfMonth(at(ms, tz)).getTime();
}

/** The day `ms` is in, as `YYYY-MM-DD`. */
export function dayKey(ms: number, tz: string): string {
  return format(at(ms, tz), 'yyyy-MM-dd');
}

/** Midnight of the day `days` days after the one `ms` is in (negative: before). */
export function shiftDays(ms: number, days: number, tz: string): number {
  return addDays(startOfDay(at(ms, tz)), days).getTime();
}

/** `Tue 00:00` style: when something happens, read in that time zone. */
export function clockLabel(ms: number, tz: string): string {
  return format(at(ms, tz), 'EEE HH:mm');
}
