/**
 * What every part of the fake shares: state, clocks, recorder, interaction records and the settings that
 * drive Discord's rules. Route modules and the gateway receive this object.
 */
import type { Clock } from '@core/clock';
import type { Logger } from '@core/log';
import type { InteractionStore } from './interaction-store';
import type { FakeState } from './model';
import type { RateLimiter } from './ratelimit';
import type { Recorder } from './recorder';

export interface FakeSettings {
  /** The valid bot token (IDENTIFY and `Authorization: Bot …`). */
  token: string;
  /** First-response deadline, default 3000 ms (discord-facts.md §1.2). */
  ackTimeoutMs: number;
  /** Interaction token lifetime, default 15 min (discord-facts.md §1.2). */
  tokenLifetimeMs: number;
  /** Per-file upload limit in bytes, default 10 MiB (discord-facts.md §4.3). */
  uploadLimitBytes: number;
  /** Lifetime of signed CDN URLs the fake hands out, default 24 h. */
  cdnUrlLifetimeMs: number;
  heartbeatIntervalMs: number;
}

export interface GatewayDispatcher {
  /** Send a dispatch (op 0) to every identified session; buffered for RESUME replay. */
  dispatch(event: string, data: unknown): void;
}

export interface FakeContext {
  state: FakeState;
  clock: Clock;
  recorder: Recorder;
  interactions: InteractionStore;
  limiter: RateLimiter;
  settings: FakeSettings;
  log: Logger;
  /** http://127.0.0.1:port, known once listening. */
  baseUrl: () => string;
  gateway: GatewayDispatcher;
}
