/**
 * The core's logger. One small interface, implemented by the rotating file logger in log-file.ts and by
 * `nullLogger` for tests. Every line goes through `redact()` so a Discord token never reaches a log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogMeta = Record<string, unknown>;

export interface Logger {
  debug(msg: string, meta?: LogMeta): void;
  info(msg: string, meta?: LogMeta): void;
  warn(msg: string, meta?: LogMeta): void;
  error(msg: string, meta?: LogMeta): void;
  /** A logger whose lines carry `scope` (e.g. "comfy", "discord"). */
  child(scope: string): Logger;
}

export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};

/** Discord bot tokens: three base64url parts separated by dots (id.timestamp.hmac). */
const DISCORD_TOKEN = /[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g;
/** `Bot <token>` / `Bearer <token>` authorization values and `token=...` style pairs. */
const AUTH_VALUE = /\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_VALUE = /\b(token|secret|password|authorization|access_token)(["']?\s*[:=]\s*["']?)[^\s"',}]{4,}/gi;

const known = new Set<string>();

/** Register a secret value (e.g. the configured Discord token) so it is masked wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) known.add(value);
}

export function forgetSecrets(): void {
  known.clear();
}

/** Mask every secret in a string: registered values first, then token-shaped patterns. */
export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(DISCORD_TOKEN, '[redacted-token]')
    .replace(AUTH_VALUE, (_m, kind: string) => `${kind} [redacted]`)
    .replace(KEY_VALUE, (_m, key: string, sep: string) => `${key}${sep}[redacted]`);
}
