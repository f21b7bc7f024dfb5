/**
 * The Authorization header for a ComfyUI behind a reverse proxy (shared/backend-auth.ts), and an address's own
 * `user:password@` part taken out of it as basic auth (it must not stay in a stored or logged URL).
 */
import type { BackendAuth } from '@shared/backend-auth';
import { registerSecret } from '@core/log';

export function authHeaders(auth: BackendAuth | null | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.kind === 'bearer') {
    registerSecret(auth.token);
    return { authorization: `Bearer ${auth.token}` };
  }
  const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
  if (auth.password) registerSecret(auth.password);
  registerSecret(encoded);
  return { authorization: `Basic ${encoded}` };
}

/** `https://me:pw@host/x` → `https://host/x` with basic auth; any other address as it is. */
export function splitUrlAuth(url: string): { url: string; auth: BackendAuth | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, auth: null };
  }
  if (!parsed.username && !parsed.password) return { url, auth: null };
  const auth: BackendAuth = {
    kind: 'basic',
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString().replace(/\/+$/, ''), auth };
}

/** What a 401/403 from a ComfyUI address means, in words. */
export function refusedMessage(url: string, status: number, withAuth: boolean): string {
  const what = status === 401 ? 'asks for credentials (HTTP 401)' : 'refused access (HTTP 403)';
  return withAuth
    ? `The server at ${url} ${what}: the access token or user name and password ComfyDesk sends were not accepted. Check them in Settings → ComfyUI.`
    : `The server at ${url} ${what}: a reverse proxy in front of ComfyUI wants a token or a user name and password. Enter them for this backend in Settings → ComfyUI.`;
}
