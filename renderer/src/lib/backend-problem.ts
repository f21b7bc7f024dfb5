import type { BackendSummary } from '@shared/api/health';

/** What a backend's trouble means and what to do, in one sentence; null when it has none the row explains. */
export function backendProblemText(b: Pick<BackendSummary, 'problem' | 'auth' | 'trustedCertificate'>): string | null {
  switch (b.problem) {
    case 'access-refused':
      if (b.auth === 'bearer') return 'The proxy refused the token — check it with whoever runs that ComfyUI.';
      if (b.auth === 'basic')
        return 'The proxy refused the user name and password — check them with whoever runs that ComfyUI.';
      return 'A proxy in front of this ComfyUI wants a token or a user name and password — ask whoever runs it, then add them under Access.';
    case 'unreachable':
      return 'Nothing answers at this address — is that computer on, and ComfyUI (or the proxy in front of it) running?';
    case 'certificate':
      return b.trustedCertificate
        ? 'Its certificate is not the one you trusted: it changed, or something else answers there. Check with whoever runs that ComfyUI before trusting the new one.'
        : 'Its certificate is not trusted. Compare the fingerprint with whoever runs that ComfyUI, then trust it.';
    default:
      return null;
  }
}
