/** "Free VRAM": ask these ComfyUIs to unload their models and free memory. */
import { ApiError } from '@shared/api';
import type { ComfyBackend } from './backend';

/** Returns the ids of those that did; fails (with the first reason) only when every one failed. */
export async function freeVramOn(targets: readonly ComfyBackend[]): Promise<string[]> {
  if (targets.length === 0) throw new ApiError({ code: 'unavailable', message: 'No ComfyUI backend is online.' });
  const results = await Promise.allSettled(targets.map((b) => b.client.free({ unloadModels: true, freeMemory: true })));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && results.every((r) => r.status === 'rejected')) {
    throw new ApiError({
      code: 'unavailable',
      message: failed.reason instanceof Error ? failed.reason.message : String(failed.reason),
    });
  }
  return targets.filter((_, i) => results[i]!.status === 'fulfilled').map((b) => b.id);
}
