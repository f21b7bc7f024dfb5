/**
 * Rate limits (discord-facts.md §5). Three layers, each optional:
 *  - route buckets: one fixed-window bucket per (route template, major parameter), advertised on every answer
 *    with X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket (§5.2);
 *  - message edits: a per-channel (bot-token edits) or per-interaction-token (webhook edits) limit. Discord
 *    publishes no number for it (§5.2), so the default here (5 per 5 s) is a test setting. With
 *    `advertise: false` (default) it behaves like Discord's undocumented sublimits: the headers show the
 *    route bucket and the client only learns about it from a 429 with `retry_after` (§5.3);
 *  - global: N requests per second per bot token, interaction routes exempt (§5.1).
 *
 * Time here is wall time by default, because discord.js (@discordjs/rest SequentialHandler) waits on
 * `Date.now()` and real timers for `Retry-After` / `X-RateLimit-Reset-After`.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '@core/clock';
import { FakeHttpError } from './errors';

export interface BucketRule {
  limit: number;
  windowMs: number;
}

export interface EditRule extends BucketRule {
  /** Show this bucket in the X-RateLimit-* headers of edit responses (true) or keep it hidden (false). */
  advertise: boolean;
}

export interface RateLimitOptions {
  route?: BucketRule | false;
  messageEdits?: EditRule | false;
  global?: { perSecond: number } | false;
}

export const DEFAULT_RATE_LIMITS: Required<RateLimitOptions> = {
  route: { limit: 50, windowMs: 1_000 },
  messageEdits: { limit: 5, windowMs: 5_000, advertise: false },
  global: { perSecond: 50 },
};

export interface RateLimitRequest {
  method: string;
  route: string;
  /** channel id, guild id or `webhookId/token` (the major parameter, §5.2). */
  major: string;
  /** Key of the edit limit when this request edits a message, else null. */
  editKey: string | null;
  /** Interaction callback / interaction webhook routes are exempt from the global limit (§5.1). */
  interactionRoute: boolean;
  /** Identity for the global limit (the bot token) or null when the request carries none. */
  globalKey: string | null;
}

interface Window {
  count: number;
  resetAt: number;
}

export interface RateLimitEvent {
  kind: 'route' | 'edit' | 'global';
  key: string;
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  readonly hits: RateLimitEvent[] = [];

  constructor(
    private readonly options: Required<RateLimitOptions>,
    private readonly clock: Clock,
  ) {}

  /** Returns the headers to add to the answer, or throws the 429 FakeHttpError. */
  check(req: RateLimitRequest): Record<string, string> {
    const now = this.clock.now();
    const { route, messageEdits, global } = this.options;

    if (global && req.globalKey && !req.interactionRoute) {
      const w = this.take(`global:${req.globalKey}`, { limit: global.perSecond, windowMs: 1_000 }, now);
      if (!w.ok)
        throw this.tooMany(
          'global',
          `global:${req.globalKey}`,
          w.window.resetAt - now,
          { 'X-RateLimit-Global': 'true' },
          true,
        );
    }

    let headers: Record<string, string> = {};
    if (route) {
      const key = `route:${req.method} ${req.route}:${req.major}`;
      const w = this.take(key, route, now);
      headers = bucketHeaders(route.limit, w.window, now, bucketHash(`${req.method} ${req.route}`));
      if (!w.ok) throw this.tooMany('route', key, w.window.resetAt - now, headers, false);
    }

    if (messageEdits && req.editKey) {
      const key = `edit:${req.editKey}`;
      const w = this.take(key, messageEdits, now);
      const editHeaders = bucketHeaders(messageEdits.limit, w.window, now, bucketHash(`edits ${req.route}`));
      if (messageEdits.advertise) headers = editHeaders;
      if (!w.ok) throw this.tooMany('edit', key, w.window.resetAt - now, headers, false);
    }
    return headers;
  }

  private take(key: string, rule: BucketRule, now: number): { ok: boolean; window: Window } {
    let w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      w = { count: 0, resetAt: now + rule.windowMs };
      this.windows.set(key, w);
    }
    if (w.count >= rule.limit) return { ok: false, window: w };
    w.count += 1;
    return { ok: true, window: w };
  }

  private tooMany(
    kind: RateLimitEvent['kind'],
    key: string,
    retryAfterMs: number,
    headers: Record<string, string>,
    global: boolean,
  ): FakeHttpError {
    const ms = Math.max(1, retryAfterMs);
    this.hits.push({ kind, key, retryAfterMs: ms });
    const seconds = ms / 1000;
    return new FakeHttpError(
      429,
      // §5.3: message, retry_after (float seconds), global
      { message: 'You are being rate limited.', retry_after: Number(seconds.toFixed(3)), global },
      {
        ...headers,
        // Discord sends whole seconds in the header; the body carries the precise float.
        'Retry-After': String(Math.ceil(seconds)),
        'X-RateLimit-Scope': global ? 'global' : 'user',
      },
    );
  }
}

function bucketHeaders(limit: number, w: Window, now: number, hash: string): Record<string, string> {
  const resetAfter = Math.max(0, w.resetAt - now) / 1000;
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - w.count)),
    'X-RateLimit-Reset': (w.resetAt / 1000).toFixed(3),
    'X-RateLimit-Reset-After': resetAfter.toFixed(3),
    'X-RateLimit-Bucket': hash,
  };
}

function bucketHash(name: string): string {
  return createHash('sha1').update(name).digest('hex').slice(0, 32);
}
