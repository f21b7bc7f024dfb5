import type { BackendAuth } from '@shared/backend-auth';

/** What is typed for a backend's access: none, a bearer token, or a user name and password. */
export interface AccessDraft {
  kind: 'none' | 'bearer' | 'basic';
  token: string;
  username: string;
  password: string;
}

export const NO_ACCESS: AccessDraft = { kind: 'none', token: '', username: '', password: '' };

/** The credentials to send (null: none), or what is missing, in words. */
export function accessOf(d: AccessDraft): { auth: BackendAuth | null } | { error: string } {
  if (d.kind === 'none') return { auth: null };
  if (d.kind === 'bearer') {
    const token = d.token.trim();
    return token ? { auth: { kind: 'bearer', token } } : { error: 'Enter the access token.' };
  }
  const username = d.username.trim();
  if (!username) return { error: 'Enter the user name.' };
  if (username.includes(':')) return { error: 'A user name cannot contain ":".' };
  return { auth: { kind: 'basic', username, password: d.password } };
}
