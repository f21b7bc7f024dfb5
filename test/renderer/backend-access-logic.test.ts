/** What the access fields send and what a backend row says about its trouble (plain functions of the renderer). */
import { describe, expect, it } from 'vitest';
import { formatFingerprint } from '@shared/backend-auth';
import { backendProblemText } from '../../renderer/src/lib/backend-problem';
import { NO_ACCESS, accessOf } from '../../renderer/src/lib/backend-access';

describe('access typed for a backend', () => {
  it('sends a token or a user name and password, nothing for none, and says what is missing', () => {
    expect(accessOf(NO_ACCESS)).toEqual({ auth: null });
    expect(accessOf({ ...NO_ACCESS, kind: 'bearer', token: '  abc  ' })).toEqual({
      auth: { kind: 'bearer', token: 'abc' },
    });
    expect(accessOf({ ...NO_ACCESS, kind: 'bearer' })).toEqual({ error: 'Enter the access token.' });
    expect(accessOf({ ...NO_ACCESS, kind: 'basic', username: 'ana', password: ' p w ' })).toEqual({
      auth: { kind: 'basic', username: 'ana', password: ' p w ' },
    });
    expect(accessOf({ ...NO_ACCESS, kind: 'basic', password: 'pw' })).toEqual({ error: 'Enter the user name.' });
    expect(accessOf({ ...NO_ACCESS, kind: 'basic', username: 'a:b' })).toEqual({
      error: 'A user name cannot contain ":".',
    });
  });
});

describe('a backend row’s trouble in words', () => {
  const row = (problem: Parameters<typeof backendProblemText>[0]['problem'], more = {}) =>
    backendProblemText({ problem, auth: 'none', trustedCertificate: null, ...more });
  it('says what to do for each kind of trouble, and nothing without one', () => {
    expect(row('access-refused', { auth: 'bearer' })).toBe(
      'The proxy refused the token — check it with whoever runs that ComfyUI.',
    );
    expect(row('access-refused', { auth: 'basic' })).toContain('refused the user name and password');
    expect(row('access-refused')).toContain('wants a token or a user name and password');
    expect(row('unreachable')).toContain('Nothing answers at this address');
    expect(row('certificate')).toContain('Compare the fingerprint');
    expect(row('certificate', { trustedCertificate: 'AB' })).toContain('not the one you trusted');
    expect(row('other')).toBeNull();
    expect(row(null)).toBeNull();
  });
});

describe('a certificate fingerprint as typed', () => {
  it('is written as Node writes fingerprint256, with or without colons, in any case', () => {
    const hex = 'b229fa41c2d6300b420f52ce61ff05c043e88399800185e21a0271d479e4aadf';
    const node = hex.toUpperCase().match(/../g)!.join(':');
    expect(formatFingerprint(hex)).toBe(node);
    expect(formatFingerprint(node.toLowerCase())).toBe(node);
    expect(formatFingerprint('not one')).toBe('not one');
  });
});
