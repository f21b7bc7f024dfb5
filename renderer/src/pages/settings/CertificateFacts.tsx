import type { CertificateInfo } from '@shared/backend-auth';

/** The SHA-256 fingerprint of a certificate (to read out and compare) and who it is made out to. */
export function CertificateFacts({ certificate, label }: { certificate: CertificateInfo; label?: string }) {
  const who = [
    certificate.subject ? `made out to ${certificate.subject}` : null,
    certificate.issuer
      ? `signed by ${certificate.issuer === certificate.subject ? 'itself' : certificate.issuer}`
      : null,
    certificate.validTo ? `valid until ${certificate.validTo}` : null,
  ].filter(Boolean);
  return (
    <div className="certificate-facts">
      <span className="muted small">{label ?? 'SHA-256 fingerprint'}</span>
      <code className="fingerprint" data-testid="fingerprint">
        {certificate.fingerprint256}
      </code>
      {who.length > 0 && <span className="muted small">{who.join(', ')}.</span>}
    </div>
  );
}
