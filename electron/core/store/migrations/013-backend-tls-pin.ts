/**
 * A certificate trusted for one https backend: the SHA-256 fingerprint ("AB:CD:…") of the one certificate accepted
 * from it (a home lab's self-signed proxy), or null for the system's trust. Public data, kept with the backend.
 */
export default {
  version: 13,
  name: 'backend-tls-pin',
  sql: /* sql */ `
ALTER TABLE backends ADD COLUMN tls_pin TEXT;
`,
};
