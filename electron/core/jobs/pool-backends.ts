/** JobBackends over a BackendPool of live ComfyBackends (the pool ranks; the map resolves ids). */
import type { ComfyBackend } from '../comfy/backend';
import type { BackendPool } from '../comfy/pool';
import type { Requirements } from '../comfy/pool-select';
import type { JobBackends } from './types';

export function poolBackends(
  pool: BackendPool,
  get: (id: string) => ComfyBackend | undefined,
  onChange: (listener: () => void) => () => void,
): JobBackends {
  return {
    rank: (req: Requirements) =>
      pool
        .rank(req)
        .map((b) => get(b.id))
        .filter((b): b is ComfyBackend => b !== undefined),
    explainNoBackend: (req) => pool.explainNoBackend(req),
    get,
    onChange,
  };
}
