/**
 * TLS to a ComfyUI behind an https reverse proxy (`https://…` for HTTP, `wss://…` for the WebSocket), with one rule
 * for both: a certificate the system trusts (chain and host name, Node's own checks) is accepted; one that it does not
 * trust (self-signed, a home lab's own authority, another name) is refused with its SHA-256 fingerprint, so the user
 * can compare it with whoever runs the proxy and trust that exact certificate for that backend (a pin). With a pin,
 * only the certificate with that fingerprint is accepted, whatever else signs another one.
 *
 * The check runs on the finished handshake before the socket is handed to undici or to the WebSocket's request,
 * so nothing (no Authorization header) is written to a server that failed it. Node calls `checkServerIdentity` only
 * for certificates whose chain it already trusts, so a self-signed one cannot be pinned there: the handshake runs
 * with `rejectUnauthorized: false` and the verdict is made here from `authorized` (Node's checks) and
 * `getPeerCertificate().fingerprint256`.
 */
import net from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { buildConnector } from 'undici';
import { formatFingerprint, type CertificateInfo } from '@shared/backend-auth';

export type { CertificateInfo };

/** A finished TLS handshake whose certificate is not trusted (or not the pinned one). */
export class CertificateNotTrustedError extends Error {
  override readonly name = 'CertificateNotTrustedError';
  readonly code = 'ERR_COMFYDESK_CERT_NOT_TRUSTED';
  constructor(
    readonly host: string,
    readonly certificate: CertificateInfo,
    /** Node's reason (e.g. DEPTH_ZERO_SELF_SIGNED_CERT), or 'PIN_MISMATCH'. */
    readonly reason: string,
    readonly pinned: string | null,
  ) {
    super(untrustedMessage(host, certificate, reason, pinned));
  }
}

const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it is signed by a self-made authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is signed by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT: 'it is signed by an authority this computer does not know',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is signed by an authority this computer does not know',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is made out to another name',
};

function untrustedMessage(host: string, cert: CertificateInfo, reason: string, pinned: string | null): string {
  if (pinned) {
    return (
      `The certificate of ${host} is not the one trusted for this backend: it has the SHA-256 fingerprint ` +
      `${cert.fingerprint256}, the trusted one ${pinned}. The proxy's certificate changed, or something else answers ` +
      'at that address: check with whoever runs that ComfyUI before trusting the new one.'
    );
  }
  const why = REASONS[reason] ?? `the check said ${reason}`;
  return (
    `The certificate of ${host} is not trusted (${why}). Its SHA-256 fingerprint is ${cert.fingerprint256}. If ` +
    'whoever runs that ComfyUI confirms this fingerprint, trust this certificate for the backend in Settings → ComfyUI.'
  );
}

/** The CertificateNotTrustedError in an error or its causes, or null. */
export function certificateErrorOf(err: unknown): CertificateNotTrustedError | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof CertificateNotTrustedError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function nameOf(part: PeerCertificate['subject'] | undefined): string {
  if (!part) return '';
  const cn = part.CN;
  if (cn) return Array.isArray(cn) ? cn.join(', ') : cn;
  const o = part.O;
  return o ? (Array.isArray(o) ? o.join(', ') : o) : '';
}

export function certificateInfo(cert: PeerCertificate): CertificateInfo {
  return {
    fingerprint256: cert.fingerprint256 ?? '',
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    validFrom: cert.valid_from ?? '',
    validTo: cert.valid_to ?? '',
  };
}

/** Whether the finished handshake on `socket` may carry requests: null when it may, else why not. */
export function checkPeer(socket: TLSSocket, host: string, pin: string | null): CertificateNotTrustedError | null {
  const cert = socket.getPeerCertificate();
  const info = certificateInfo(cert);
  if (pin)
    return info.fingerprint256 === formatFingerprint(pin)
      ? null
      : new CertificateNotTrustedError(host, info, 'PIN_MISMATCH', pin);
  if (socket.authorized) return null;
  const reason = socket.authorizationError ? String(socket.authorizationError) : 'UNTRUSTED';
  return new CertificateNotTrustedError(host, info, reason, null);
}

/**
 * undici's `connect` for one backend: its own connector (TLS without Node's refusal, no session cache) and the
 * check above before the socket is used. Plain http goes through unchanged.
 */
export function tlsConnector(pin: string | null, timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ rejectUnauthorized: false, timeout: timeoutMs, maxCachedSessions: 0 });
  return (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      if (opts.protocol !== 'https:') return callback(null, socket);
      const refused = checkPeer(socket as TLSSocket, opts.hostname, pin);
      if (!refused) return callback(null, socket);
      socket.destroy();
      callback(refused, null);
    });
  };
}

/** What `http.request` passes to `createConnection` (the parts used here). */
interface ConnectArgs {
  host?: string | null;
  hostname?: string | null;
  port?: number | string | null;
  servername?: string;
  timeout?: number;
}

/**
 * The WebSocket's `createConnection` for a wss:// backend: the request gets its socket (through the callback) only
 * after the check, so the upgrade request and its headers never reach a server that failed it.
 */
export function wsTlsConnection(
  pin: string | null,
  timeoutMs: number,
): (args: ConnectArgs, done: (err: Error | null, socket?: Duplex) => void) => undefined {
  return (args, done) => {
    const host = (args.host ?? args.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    const socket = tls.connect({
      host,
      port: Number(args.port ?? 443),
      servername: args.servername ?? (net.isIP(host) ? '' : host),
      rejectUnauthorized: false,
    });
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      socket.off('error', finish);
      if (err) {
        socket.destroy();
        done(err);
      } else done(null, socket);
    };
    const onTimeout = (): void =>
      finish(Object.assign(new Error(`no TLS handshake with ${host} in time`), { code: 'ETIMEDOUT' }));
    socket.setTimeout(args.timeout ?? timeoutMs, onTimeout);
    socket.once('error', finish);
    socket.once('secureConnect', () => finish(checkPeer(socket, host, pin)));
    return undefined;
  };
}

export interface PeerCertificateReport {
  certificate: CertificateInfo;
  /** The system trusts it (chain and name). */
  trusted: boolean;
  /** Why not, in words; null when trusted. */
  reason: string | null;
}

/**
 * The certificate an https address presents, read from a TLS handshake alone (no HTTP request, nothing sent),
 * for the user to compare before trusting it.
 */
export function readPeerCertificate(url: string, timeoutMs = 5_000): Promise<PeerCertificateReport> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') return Promise.reject(new Error(`${url} is not an https address.`));
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(parsed.port || 443),
      servername: net.isIP(host) ? '' : host,
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no TLS handshake with ${parsed.host} within ${timeoutMs} ms`)),
    );
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const refused = checkPeer(socket, parsed.host, null);
      const certificate = certificateInfo(socket.getPeerCertificate());
      socket.destroy();
      if (!certificate.fingerprint256) return reject(new Error(`${parsed.host} presented no certificate.`));
      const reason = refused ? (REASONS[refused.reason] ?? refused.reason) : null;
      resolve({ certificate, trusted: !refused, reason });
    });
  });
}
