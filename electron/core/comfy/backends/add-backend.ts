/** Checking an address before it is added as a backend. */
import { ApiError } from '@shared/api';
import { probeComfy } from '../protocol/probe';
import type { BackendKind } from './records';

/**
 * Probe a ComfyUI about to be added: something that is not ComfyUI, or nothing answering, is refused with the
 * reason unless `force`. Loopback addresses are 'local', others 'remote'.
 */
export async function probeNewBackend(
  url: string,
  input: { name?: string; force?: boolean },
): Promise<{ kind: BackendKind; name: string; version: string | null }> {
  const probe = await probeComfy(url, { timeoutMs: 3000 });
  if (probe.kind !== 'comfyui' && !input.force) {
    const why =
      probe.kind === 'unreachable'
        ? `nothing answers there (${probe.reason})`
        : `it answers, but not as ComfyUI (${probe.reason})`;
    throw new ApiError({
      code: probe.kind === 'unreachable' ? 'unavailable' : 'bad_request',
      message: `${url} was not added: ${why}. Check the address and that ComfyUI runs with --listen; add it anyway to use it once it answers.`,
    });
  }
  const { hostname, host } = new URL(url);
  const kind = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' ? 'local' : 'remote';
  const version = probe.kind === 'comfyui' ? probe.version : null;
  return { kind, name: input.name?.trim() || (version ? `ComfyUI ${version} at ${host}` : host), version };
}
