/**
 * The limits form of a server, checked as the core will: empty fields mean "the app's default" / "no limit",
 * a rate needs both its count and its window. Pure: text in, limits or errors by field out.
 */
import { GuildLimitsSchema, type GuildLimits } from '@shared/guilds';
import { numberBounds } from '../../lib/number-bounds';

export const PER_USER = numberBounds(GuildLimitsSchema.shape.perUserQueue);

export interface LimitsText {
  perUser: string;
  rateCount: string;
  rateWindow: string;
}

export type LimitErrors = Partial<Record<keyof LimitsText, string>>;

function whole(text: string, min: number, max: number): number | string {
  const n = Number(text);
  if (!Number.isInteger(n))
    return `Enter a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` of at least ${min}`}.`;
  if (n < min || n > max)
    return max < Number.MAX_SAFE_INTEGER ? `Use a number from ${min} to ${max}.` : `Use at least ${min}.`;
  return n;
}

export function checkLimits(text: LimitsText, base: GuildLimits): { limits: GuildLimits; errors: LimitErrors } {
  const errors: LimitErrors = {};
  const limits: GuildLimits = { ...base, perUserQueue: undefined, userRate: undefined };
  if (text.perUser.trim() !== '') {
    const v = whole(text.perUser.trim(), PER_USER.min, PER_USER.max);
    if (typeof v === 'string') errors.perUser = v;
    else limits.perUserQueue = v;
  }
  const count = text.rateCount.trim();
  const windowSec = text.rateWindow.trim();
  if (count !== '' || windowSec !== '') {
    const c =
      count === ''
        ? 'Give how many requests, or empty both fields for no limit.'
        : whole(count, 1, Number.MAX_SAFE_INTEGER);
    const w = windowSec === '' ? 'Give the seconds, or empty both fields for no limit.' : whole(windowSec, 1, 86_400);
    if (typeof c === 'string') errors.rateCount = c;
    if (typeof w === 'string') errors.rateWindow = w;
    if (typeof c === 'number' && typeof w === 'number') limits.userRate = { count: c, windowSec: w };
  }
  return { limits, errors };
}

/** "gore, spoiler ,, x" → ["gore", "spoiler", "x"]. */
export function bannedWords(text: string): string[] {
  return text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
}
