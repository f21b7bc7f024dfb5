/**
 * Look for running ComfyUI servers: the two usual local ports plus any configured URLs, probed concurrently
 * with a short timeout. Returns plain data; remembering what was found is the caller's business.
 */
import { probeComfy, normalizeBaseUrl, type ProbeOutcome, type ProbeOptions } from '../protocol/probe';

export const DEFAULT_COMFY_URLS: readonly string[] = ['http://127.0.0.1:8188', 'http://127.0.0.1:8000'];

export interface FindOptions extends ProbeOptions {
  /** URLs from the user's config; probed too and listed first. */
  configured?: readonly string[];
  /** Overrides DEFAULT_COMFY_URLS (tests point these at loopback servers they own). */
  defaults?: readonly string[];
  /** Replaceable for tests. */
  probe?: (url: string, opts: ProbeOptions) => Promise<ProbeOutcome>;
}

export interface FoundComfy {
  url: string;
  version: string;
  latencyMs: number;
  source: 'configured' | 'default';
}

export interface FindResult {
  /** ComfyUI servers that answered, configured ones first, then in probe-list order. */
  found: FoundComfy[];
  /** Every probe's outcome in the same order (including "not ComfyUI" and "unreachable"). */
  probed: Array<ProbeOutcome & { source: 'configured' | 'default' }>;
  /** Configured entries that are not valid http(s) URLs. */
  invalid: string[];
}

export async function findComfyUI(opts: FindOptions = {}): Promise<FindResult> {
  const probe = opts.probe ?? probeComfy;
  const targets: Array<{ url: string; source: 'configured' | 'default' }> = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  const add = (raw: string, source: 'configured' | 'default') => {
    const url = normalizeBaseUrl(raw);
    if (!url) {
      if (source === 'configured') invalid.push(raw);
      return;
    }
    const key = url.toLowerCase().replace('://localhost', '://127.0.0.1');
    if (seen.has(key)) return;
    seen.add(key);
    targets.push({ url, source });
  };
  for (const u of opts.configured ?? []) add(u, 'configured');
  for (const u of opts.defaults ?? DEFAULT_COMFY_URLS) add(u, 'default');

  const probeOpts: ProbeOptions = { timeoutMs: opts.timeoutMs ?? 1500, ...(opts.now ? { now: opts.now } : {}) };
  const outcomes = await Promise.all(
    targets.map(async (t) => {
      try {
        return { ...(await probe(t.url, probeOpts)), source: t.source };
      } catch (err) {
        return { url: t.url, kind: 'unreachable' as const, reason: String(err), source: t.source };
      }
    }),
  );
  const found: FoundComfy[] = [];
  for (const o of outcomes) {
    if (o.kind === 'comfyui') found.push({ url: o.url, version: o.version, latencyMs: o.latencyMs, source: o.source });
  }
  return { found, probed: outcomes, invalid };
}
