/**
 * One quick "is this ComfyUI?" request: GET {url}/api/system_stats. A 200 JSON answer carrying
 * `system.comfyui_version` identifies ComfyUI; anything else is "not ComfyUI" or "unreachable".
 * Shared by the finder (find.ts) and the launcher's readiness poll. Never throws.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { certificateErrorOf, tlsConnector, type CertificateInfo } from './tls';

const systemStatsIdentity = z.object({
  system: z.object({ comfyui_version: z.string().min(1) }).passthrough(),
});

export type ProbeOutcome =
  | { url: string; kind: 'comfyui'; version: string; latencyMs: number }
  | { url: string; kind: 'not-comfyui'; reason: string; latencyMs: number }
  | {
      url: string;
      kind: 'unreachable';
      reason: string;
      /** https: the handshake finished but the certificate is not trusted (or not the pinned one). */
      certificate?: CertificateInfo;
    };

export interface ProbeOptions {
  timeoutMs?: number;
  /** Monotonic milliseconds, for the latency figure. */
  now?: () => number;
  /** Sent with the request (a reverse proxy's Authorization). */
  headers?: Record<string, string>;
  /** https: the fingerprint of the one certificate trusted for it (tls.ts); null: the system's trust. */
  tlsPin?: string | null;
}

/** Strip trailing slashes and any path; keep scheme, host and port. Null for something that is not an http(s) URL. */
export function normalizeBaseUrl(raw: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const base = `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, '');
  return base;
}

export async function probeComfy(url: string, opts: ProbeOptions = {}): Promise<ProbeOutcome> {
  const base = normalizeBaseUrl(url);
  if (!base) return { url, kind: 'unreachable', reason: `not an http(s) URL: ${url}` };
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.timeoutMs ?? 1500;
  const started = now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref?.();
  // https goes through the same certificate rule as the backend's own connections (tls.ts).
  const dispatcher = base.startsWith('https:')
    ? new Agent({ connect: tlsConnector(opts.tlsPin ?? null, timeoutMs) })
    : undefined;
  try {
    const res = await request(`${base}/api/system_stats`, {
      ...(dispatcher ? { dispatcher } : {}),
      method: 'GET',
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: { ...opts.headers, accept: 'application/json' },
    });
    const text = await res.body.text();
    const latencyMs = Math.max(0, Math.round((now() - started) * 10) / 10);
    if (res.statusCode !== 200) {
      return {
        url: base,
        kind: 'not-comfyui',
        reason: `GET /api/system_stats answered HTTP ${res.statusCode}`,
        latencyMs,
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { url: base, kind: 'not-comfyui', reason: 'GET /api/system_stats did not answer JSON', latencyMs };
    }
    const parsed = systemStatsIdentity.safeParse(json);
    if (!parsed.success) {
      return { url: base, kind: 'not-comfyui', reason: 'the answer has no system.comfyui_version', latencyMs };
    }
    return { url: base, kind: 'comfyui', version: parsed.data.system.comfyui_version, latencyMs };
  } catch (err) {
    const untrusted = certificateErrorOf(err);
    if (untrusted)
      return { url: base, kind: 'unreachable', reason: untrusted.message, certificate: untrusted.certificate };
    const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeNetworkError(err);
    return { url: base, kind: 'unreachable', reason };
  } finally {
    clearTimeout(timer);
    void dispatcher?.close().catch(() => undefined);
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens there)';
  if (code === 'ENOTFOUND') return 'host name not found';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'no answer in time';
  return e?.message ? String(e.message) : String(err);
}
