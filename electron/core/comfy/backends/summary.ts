/** One backend as the API shows it: its record, its live connection's state, and what it is reached with. */
import type { BackendSummary } from '@shared/api/health';
import type { BackendAuthKind } from '@shared/backend-auth';
import type { ComfyBackend } from './backend';
import type { BackendRecord } from './records';

export function backendSummary(
  r: BackendRecord,
  b: ComfyBackend | undefined,
  version: string | null,
  auth: BackendAuthKind,
): BackendSummary {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    kind: r.kind,
    enabled: r.enabled,
    status: b?.status ?? 'offline',
    version,
    error: b?.statusDetail ?? null,
    load: b ? b.load() : 0,
    auth,
    problem: b?.problem ?? null,
    trustedCertificate: r.tlsPin,
    untrustedCertificate: b?.untrustedCertificate ?? null,
  };
}
