/**
 * What the online backends have right now, asked live (each answer within 2 s): the files of a model folder
 * (for LoRA autocomplete and model pickers; cached a minute per folder so autocomplete answers well inside
 * Discord's 3 seconds) and their GPUs with free memory (for /status).
 */
import type { ComfyDevice } from '@shared/api/backends';
import type { Clock } from '@core/clock';
import type { ComfyBackend } from './backend';

/** "cuda:0 NVIDIA H100 80GB HBM3 : cudaMallocAsync" → "NVIDIA H100 80GB HBM3". */
export function prettyDeviceName(name: string): string {
  return (
    name
      .replace(/^\s*[a-z]+:\d+\s+/i, '')
      .replace(/\s*:\s*\w+\s*$/, '')
      .trim() || name
  );
}

const CACHE_MS = 60_000;
const CALL_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = clock.setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clock.clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class LiveInfo {
  private readonly cache = new Map<string, { at: number; files: string[] }>();

  constructor(
    private readonly backends: () => Iterable<ComfyBackend>,
    private readonly name: (id: string) => string,
    private readonly clock: Clock,
  ) {}

  private online(): ComfyBackend[] {
    return [...this.backends()].filter((b) => b.status === 'idle' || b.status === 'busy');
  }

  /** The files of one model folder across the online backends, sorted; [] when none answers. */
  async models(folder: string): Promise<string[]> {
    const hit = this.cache.get(folder);
    if (hit && this.clock.now() - hit.at < CACHE_MS) return hit.files;
    const online = this.online();
    const lists = await Promise.all(
      online.map((b) => withTimeout(b.client.models(folder), CALL_TIMEOUT_MS, this.clock).catch(() => [] as string[])),
    );
    const files = [...new Set(lists.flat())].sort((a, b) => a.localeCompare(b));
    if (online.length > 0) this.cache.set(folder, { at: this.clock.now(), files });
    return files;
  }

  /** Forget the cached lists (a model was added or removed). */
  forget(): void {
    this.cache.clear();
  }

  /** Every device of every online backend, with free memory. */
  async devices(): Promise<ComfyDevice[]> {
    const online = this.online();
    const stats = await Promise.all(
      online.map((b) => withTimeout(b.client.systemStats(), CALL_TIMEOUT_MS, this.clock).catch(() => null)),
    );
    return online.flatMap((b, i) =>
      (stats[i]?.devices ?? []).map((d) => ({
        backendId: b.id,
        backendName: this.name(b.id),
        name: d.type === 'cpu' ? 'CPU' : prettyDeviceName(d.name),
        type: d.type,
        vramTotal: d.vram_total ?? null,
        vramFree: d.vram_free ?? null,
      })),
    );
  }
}
