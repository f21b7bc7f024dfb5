/**
 * "Refresh this backend": read a ComfyUI's node classes (/object_info) and every model folder again, after files
 * were copied in by hand or custom nodes installed, so routing, pickers and health see them at once.
 */
import { ApiError } from '@shared/api';
import type { BackendSummary } from '@shared/api/health';
import type { BackendManager } from './manager';
import { isOnline } from './routing';

export async function refreshBackend(
  comfy: BackendManager,
  id: string,
): Promise<{ backend: BackendSummary; nodeClasses: number; modelFiles: number }> {
  const summary = () => comfy.summaries().find((b) => b.id === id);
  const known = summary();
  if (!known) throw new ApiError({ code: 'not_found', message: `No ComfyUI backend with id ${id}.` });
  const backend = comfy.get(id);
  if (!backend)
    throw new ApiError({
      code: 'unavailable',
      title: 'Disabled',
      message: `${known.name} is disabled: enable it in Settings → ComfyUI first.`,
    });
  if (!isOnline(backend.status))
    throw new ApiError({
      code: 'unavailable',
      title: 'Not running',
      message: `${known.name} is not answering${backend.statusDetail ? ` (${backend.statusDetail})` : ''}: start ComfyUI first; it is read again as soon as it answers.`,
    });
  // A fetch already under way may have read the folders before the change: let it land, then read again.
  await comfy.capabilitiesSettled();
  const caps = await comfy.pool.refresh(id).catch((err: unknown) => {
    throw new ApiError({
      code: 'unavailable',
      title: 'Not read',
      message: `${known.name} did not answer while its node list and model folders were read (${err instanceof Error ? err.message : String(err)}). Try again in a moment: ComfyUI may be loading a model.`,
    });
  });
  // Nothing to read again here (the pool has it all): this forgets the live lists and tells everyone.
  await comfy.recheckModels([]);
  let modelFiles = 0;
  for (const files of caps.models.values()) modelFiles += files.size;
  return { backend: summary() ?? known, nodeClasses: caps.nodeClasses.size, modelFiles };
}
