/** Day ranges for the date filter: whole local days, and how a range reads ("3 Dec – 7 Dec"). Pure. */

export interface DayRange {
  /** The first day's start (local midnight), in ms. */
  from?: number;
  /** The last day's end (23:59:59.999 local), in ms. */
  to?: number;
}

export const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
export const endOf = (d: Date) => startOf(d) + 24 * 3600 * 1000 - 1;
const short = (ms: number) => new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });

/** "Any date", "3 Dec – 7 Dec", "from 3 Dec", "until 7 Dec". */
export function rangeLabel({ from, to }: DayRange): string {
  if (from !== undefined && to !== undefined)
    return startOf(new Date(from)) === startOf(new Date(to)) ? short(from) : `${short(from)} – ${short(to)}`;
  if (from !== undefined) return `From ${short(from)}`;
  if (to !== undefined) return `Until ${short(to)}`;
  return 'Any date';
}
