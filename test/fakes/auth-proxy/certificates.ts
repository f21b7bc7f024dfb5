/** The self-signed test certificates of the https proxy double (test/fixtures/tls), with their SHA-256 fingerprints. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProxyCertificate } from './index';

const FIXTURES = join(__dirname, '../../fixtures/tls');

/** `proxy`: the proxy's certificate; `other`: another one for the same names (a changed or impostor proxy). */
export function testCertificate(name: 'proxy' | 'other'): ProxyCertificate & { fingerprint: string } {
  const cert = readFileSync(join(FIXTURES, `${name}.crt`), 'utf8');
  const key = readFileSync(join(FIXTURES, `${name}.key`), 'utf8');
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
}
