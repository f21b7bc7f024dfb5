/**
 * Sliding-window rate limits (per user and per guild): a request is allowed when fewer than `count` requests
 * were accepted in the last `windowSec` seconds. Time comes from the injected clock.
 */
import { DEFAULT_GUILD_RATE, DEFAULT_USER_RATE, type GuildLimits } from '@shared/guilds';

export interface RateRule {
  count: number;
  windowSec: number;
}

export { DEFAULT_GUILD_RATE, DEFAULT_USER_RATE };

export type RateVerdict = { ok: true } | { ok: false; scope: 'user' | 'guild'; retryAfterMs: number; rule: RateRule };

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Would every (key, rule) pair allow one more request now? Records nothing. */
  peek(checks: ReadonlyArray<{ key: string; scope: 'user' | 'guild'; rule: RateRule }>): RateVerdict {
    const at = this.now();
    for (const { key, scope, rule } of checks) {
      const windowMs = rule.windowSec * 1000;
      const list = this.prune(key, at - windowMs);
      if (list.length >= rule.count) {
        return { ok: false, scope, rule, retryAfterMs: Math.max(0, list[list.length - rule.count]! + windowMs - at) };
      }
    }
    return { ok: true };
  }

  /** Check every (key, rule) pair; only when all allow is the request recorded under each key. */
  take(checks: ReadonlyArray<{ key: string; scope: 'user' | 'guild'; rule: RateRule }>): RateVerdict {
    const verdict = this.peek(checks);
    if (!verdict.ok) return verdict;
    const at = this.now();
    for (const { key } of checks) {
      const list = this.hits.get(key) ?? [];
      list.push(at);
      this.hits.set(key, list);
    }
    return { ok: true };
  }

  private prune(key: string, after: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > after);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }
}

/** The user and guild checks for one request. */
export function rateChecks(
  userId: string,
  guildId: string | null,
  limits: GuildLimits,
): Array<{ key: string; scope: 'user' | 'guild'; rule: RateRule }> {
  const scopeKey = guildId ?? 'dm';
  const out: Array<{ key: string; scope: 'user' | 'guild'; rule: RateRule }> = [
    { key: `u:${scopeKey}:${userId}`, scope: 'user', rule: limits.userRate ?? DEFAULT_USER_RATE },
  ];
  if (guildId) out.push({ key: `g:${guildId}`, scope: 'guild', rule: limits.guildRate ?? DEFAULT_GUILD_RATE });
  return out;
}
