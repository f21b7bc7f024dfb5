/** Checking an address before it is added as a backend. */
import { ApiError } from '@shared/api';
import type { BackendAuth } from '@shared/backend-auth';
import { authHeaders, refusedMessage } from '../protocol/auth';
import { probeComfy } from '../protocol/probe';
import type { BackendKind } from './records';

/**
 * Probe a ComfyUI about to be added: something that is not ComfyUI, or nothing answering, is refused with the
 * reason unless `force`. Loopback addresses are 'local', others 'remote'.
 */
export async function probeNewBackend(
  url: string,
  input: { name?: string; force?: boolean },
  auth: BackendAuth | null = null,
): Promise<{ kind: BackendKind; name: string; version: string | null }> {
  const probe = await probeComfy(url, { timeoutMs: 3000, headers: authHeaders(auth) });
  const refused = probe.kind === 'not-comfyui' ? /HTTP (401|403)\b/.exec(probe.reason) : null;
  if (refused && !input.force) {
    throw new ApiError({
      code: 'unavailable',
      title: 'The server refused access',
      message: `${url} was not added. ${refusedMessage(url, Number(refused[1]), auth !== null)}`,
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
