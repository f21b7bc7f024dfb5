/**
 * Look for running ComfyUI servers: the two usual local ports plus any configured URLs, probed concurrently
 * with a short timeout (findComfyUI, plain data); and what becomes of those found at start (useFound).
 */
import { probeComfy, normalizeBaseUrl, type ProbeOutcome, type ProbeOptions } from '../protocol/probe';
import type { Logger } from '@core/log';
import type { BackendRecord, BackendRecords, RemovedAddresses } from './records';

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

/**
 * ComfyUIs found running at the usual addresses: each is remembered as a local backend (unless the user removed
 * that address) and used when enabled. Returns how many are in use for ComfyDesk: one the user removed or turned
 * off is running, but not for ComfyDesk, and one of ComfyDesk's own launched ComfyUIs (`ours`) is not "another"
 * ComfyUI; neither stops the auto launch.
 */
export function useFound(
  found: readonly FoundComfy[],
  d: {
    records: BackendRecords;
    removed: RemovedAddresses;
    log: Logger;
    ours(recordId: string): boolean;
    version(id: string, version: string): void;
    startLive(record: BackendRecord): void;
    changed(): void;
  },
): number {
  const removed = new Set(d.removed.list());
  let used = 0;
  for (const hit of found) {
    const known = d.records.byUrl(hit.url);
    if (!known && removed.has(hit.url)) continue;
    const record = known ?? d.records.ensure(hit.url, 'local', `ComfyUI ${hit.version} (found at ${hit.url})`);
    if (!known) d.log.info('found a running ComfyUI', { url: hit.url, version: hit.version });
    d.version(record.id, hit.version);
    if (!record.enabled) continue;
    d.startLive(record);
    if (!d.ours(record.id)) used += 1;
  }
  if (found.length) d.changed();
  return used;
}
