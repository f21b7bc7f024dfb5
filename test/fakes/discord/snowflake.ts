/**
 * Snowflake ids as Discord builds them: (ms since 2015-01-01) << 22 | worker << 17 | process << 12 | increment.
 * Real-looking ids matter: @discordjs/rest only treats 17–19 digit numbers as ids when it computes rate-limit
 * buckets and major parameters (REST.generateRouteData), so short fake ids would break its queueing.
 */
import type { Clock } from '@core/clock';

export const DISCORD_EPOCH = 1_420_070_400_000n;

export class SnowflakeSource {
  private increment = 0n;
  private lastMs = -1n;

  constructor(
    private readonly clock: Clock,
    private readonly worker = 1n,
  ) {}

  next(): string {
    let ms = BigInt(this.clock.now());
    // Keep ids strictly increasing even when the (manual) clock stands still.
    if (ms <= this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) {
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        this.increment = 0n;
        ms += 1n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return (((ms - DISCORD_EPOCH) << 22n) | (this.worker << 17n) | this.increment).toString();
  }
}

export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
