/**
 * Access to a ComfyUI behind a reverse proxy: a bearer token or a user name and password (HTTP basic). Sent with
 * every HTTP request and the WebSocket upgrade; kept in the secret store, never shown back (the API says only
 * which kind is set).
 */
import { z } from 'zod';

export const BackendAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bearer'), token: z.string().trim().min(1).max(4096) }).strict(),
  z
    .object({
      kind: z.literal('basic'),
      username: z
        .string()
        .min(1)
        .max(256)
        .refine((u) => !u.includes(':'), 'a user name cannot contain ":"'),
      password: z.string().max(1024),
    })
    .strict(),
]);
export type BackendAuth = z.infer<typeof BackendAuthSchema>;

/** What the API tells about a backend's access (never the secret). */
export const BackendAuthKindSchema = z.enum(['none', 'bearer', 'basic']);
export type BackendAuthKind = z.infer<typeof BackendAuthKindSchema>;

/** "ab cd:…" / "ABCD…" → "AB:CD:…" (as Node's `fingerprint256`); the input as it is when it is not 64 hex digits. */
export function formatFingerprint(raw: string): string {
  const hex = raw.replace(/[\s:-]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex.match(/../g)!.join(':') : raw;
}

/** The SHA-256 fingerprint of a certificate trusted for one https backend (a pin), with or without colons. */
export const CertificateFingerprintSchema = z
  .string()
  .trim()
  .max(200)
  .refine(
    (s) => /^[0-9A-F]{64}$/i.test(s.replace(/[\s:-]/g, '')),
    'a SHA-256 fingerprint: 64 hexadecimal digits, e.g. AB:CD:…',
  )
  .transform(formatFingerprint);

/** A certificate an https backend presented, to compare with whoever runs it (public data). */
export const CertificateInfoSchema = z.object({
  fingerprint256: z.string(),
  /** Who it is made out to (the common name), and who signed it. */
  subject: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
});
export type CertificateInfo = z.infer<typeof CertificateInfoSchema>;

/** The title of `backends.add`'s refusal of an https address whose certificate is not trusted (the UI then offers it). */
export const CERTIFICATE_NOT_TRUSTED = 'Certificate not trusted';
