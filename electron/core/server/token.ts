/**
 * The headless server's access token: random, created once and kept in `<dataDir>/server-token` (0600), and
 * required on every request (Authorization: Bearer, `?token=`, or the cookie set after the first page load).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const TOKEN_COOKIE = 'comfydesk_token';

export function loadOrCreateToken(file: string): { token: string; created: boolean } {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(token)) return { token, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, token, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, created: true };
}

export function tokensMatch(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries, wherever it carries it. */
export function tokenFromRequest(headers: Record<string, string | string[] | undefined>, url: string): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const query = parseRequestUrl(url)?.searchParams.get('token');
  if (query) return query;
  const cookie = headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === TOKEN_COOKIE) return safeDecode(v.join('='));
    }
  }
  return null;
}

/** A request target as a URL, or null when it is not one (`//[` and the like arrive from raw clients). */
export function parseRequestUrl(url: string): URL | null {
  try {
    return new URL(url, 'http://x');
  } catch {
    return null;
  }
}

/** A malformed %-escape in a cookie is just a wrong token, not an error. */
function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
