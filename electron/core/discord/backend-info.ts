/**
 * Model lists and GPU names from the connected ComfyUI backends, for /models, /status and LoRA autocomplete.
 * Lists are cached for a minute so autocomplete answers well inside Discord's 3 seconds.
 */
import type { Clock } from '../clock';
import type { ComfyBackend } from '@core/comfy/backends/backend';
import { prettyDeviceName } from '@core/health/comfy-checks';

const CACHE_MS = 60_000;
const CALL_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class BackendInfo {
  private readonly cache = new Map<string, { at: number; files: string[] }>();

  constructor(
    private readonly backends: () => ReadonlyMap<string, ComfyBackend>,
    private readonly clock: Clock,
  ) {}

  private online(): ComfyBackend[] {
    return [...this.backends().values()].filter((b) => b.status === 'idle' || b.status === 'busy');
  }

  async models(folder: string): Promise<string[]> {
    const hit = this.cache.get(folder);
    if (hit && this.clock.now() - hit.at < CACHE_MS) return hit.files;
    const lists = await Promise.all(
      this.online().map((b) => withTimeout(b.client.models(folder), CALL_TIMEOUT_MS).catch(() => [] as string[])),
    );
    const files = [...new Set(lists.flat())].sort((a, b) => a.localeCompare(b));
    if (this.online().length > 0) this.cache.set(folder, { at: this.clock.now(), files });
    return files;
  }

  async gpus(): Promise<string[]> {
    const stats = await Promise.all(
      this.online().map((b) => withTimeout(b.client.systemStats(), CALL_TIMEOUT_MS).catch(() => null)),
    );
    const out: string[] = [];
    for (const s of stats) {
      for (const d of s?.devices ?? []) {
        const free =
          d.vram_free !== undefined && d.vram_total
            ? ` (${(d.vram_free / 1024 ** 3).toFixed(1)} of ${(d.vram_total / 1024 ** 3).toFixed(1)} GB free)`
            : '';
        out.push(`${prettyDeviceName(d.name)}${free}`);
      }
    }
    return out;
  }
}
