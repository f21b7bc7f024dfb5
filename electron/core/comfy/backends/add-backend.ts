/** Checking an address before it is added as a backend, and the certificate an https address presents. */
import { ApiError } from '@shared/api';
import { CERTIFICATE_NOT_TRUSTED, type BackendAuth } from '@shared/backend-auth';
import { authHeaders, refusedMessage, splitUrlAuth } from '../protocol/auth';
import { normalizeBaseUrl, probeComfy } from '../protocol/probe';
import { readPeerCertificate, type PeerCertificateReport } from '../protocol/tls';
import type { BackendKind, BackendRecords } from './records';

export interface NewBackendInput {
  url: string;
  name?: string;
  force?: boolean;
  auth?: BackendAuth;
  /** https: the SHA-256 fingerprint of the one certificate to trust for it (normalized, "AB:CD:…"). */
  trustCertificate?: string;
}

export interface NewBackend {
  url: string;
  auth: BackendAuth | null;
  tlsPin: string | null;
  kind: BackendKind;
  name: string;
  version: string | null;
}

/**
 * Everything `backends.add` checks before anything is kept: an http(s) address (credentials in it become basic
 * auth), not added yet, a certificate to trust only for https, somewhere to keep credentials, and the probe.
 */
export async function checkNewBackend(
  input: NewBackendInput,
  records: Pick<BackendRecords, 'byUrl'>,
  canKeepAuth: boolean,
): Promise<NewBackend> {
  const split = splitUrlAuth(input.url.trim());
  const auth = input.auth ?? split.auth;
  const url = normalizeBaseUrl(split.url);
  if (!url)
    throw new ApiError({
      code: 'bad_request',
      message: `"${input.url}" is not an http(s) address, e.g. http://192.168.1.20:8188.`,
    });
  const existing = records.byUrl(url);
  if (existing) {
    const as = existing.name && existing.name !== url ? ` as "${existing.name}"` : '';
    throw new ApiError({ code: 'conflict', message: `${url} is already added${as}.` });
  }
  const tlsPin = input.trustCertificate ?? null;
  if (tlsPin && !url.startsWith('https:'))
    throw new ApiError({
      code: 'bad_request',
      message: `${url} is not an https address: it has no certificate to trust.`,
    });
  const found = await probeNewBackend(url, input, auth, tlsPin);
  if (auth && !canKeepAuth)
    throw new ApiError({ code: 'unavailable', message: 'Credentials cannot be kept here (no secret store).' });
  return { url, auth, tlsPin, ...found };
}

/**
 * Probe a ComfyUI about to be added: something that is not ComfyUI, nothing answering, or a certificate that is not
 * trusted, is refused with the reason unless `force`. Loopback addresses are 'local', others 'remote'.
 */
export async function probeNewBackend(
  url: string,
  input: { name?: string; force?: boolean },
  auth: BackendAuth | null = null,
  tlsPin: string | null = null,
): Promise<{ kind: BackendKind; name: string; version: string | null }> {
  const probe = await probeComfy(url, { timeoutMs: 3000, headers: authHeaders(auth), tlsPin });
  const refused = probe.kind === 'not-comfyui' ? /HTTP (401|403)\b/.exec(probe.reason) : null;
  if (refused && !input.force) {
    throw new ApiError({
      code: 'unavailable',
      title: 'The server refused access',
      message: `${url} was not added. ${refusedMessage(url, Number(refused[1]), auth !== null)}`,
    });
  }
  if (probe.kind === 'unreachable' && probe.certificate && !input.force) {
    throw new ApiError({
      code: 'unavailable',
      title: tlsPin ? 'Not the trusted certificate' : CERTIFICATE_NOT_TRUSTED,
      message: `${url} was not added. ${probe.reason}`,
      hint: 'Compare the fingerprint with whoever runs that ComfyUI; trust the certificate only when it is theirs.',
    });
  }
  if (probe.kind !== 'comfyui' && !input.force) {
    if (probe.kind === 'unreachable') {
      throw new ApiError({
        code: 'unavailable',
        title: 'Nothing answers there',
        message:
          `${url} was not added: nothing answers there (${probe.reason}). Start ComfyUI and check the address and ` +
          'port (8188 by default, 8000 for ComfyUI Desktop); a ComfyUI on another machine must run with --listen. ' +
          'Or add it anyway: it is used as soon as it answers.',
      });
    }
    throw new ApiError({
      code: 'bad_request',
      title: 'Not ComfyUI',
      message:
        `${url} was not added: something answers there, but it is not ComfyUI. Check the port: ComfyUI listens on ` +
        '8188 by default (8000 for ComfyUI Desktop), and another program uses this one.',
    });
  }
  const { hostname, host } = new URL(url);
  const kind = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' ? 'local' : 'remote';
  const version = probe.kind === 'comfyui' ? probe.version : null;
  return { kind, name: input.name?.trim() || (version ? `ComfyUI ${version} at ${host}` : host), version };
}

/** The certificate an https address presents (a handshake only: no request, no credentials sent). */
export async function inspectCertificate(raw: string): Promise<PeerCertificateReport> {
  const url = normalizeBaseUrl(splitUrlAuth(raw.trim()).url);
  if (!url?.startsWith('https:'))
    throw new ApiError({ code: 'bad_request', message: `"${raw}" is not an https address: it has no certificate.` });
  try {
    return await readPeerCertificate(url);
  } catch (err) {
    throw new ApiError({
      code: 'unavailable',
      title: 'No certificate read',
      message: `No TLS answer from ${url}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}
