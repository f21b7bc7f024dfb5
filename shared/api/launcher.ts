/**
 * Launching ComfyUI on several GPUs: which instance a `comfy.*` call is for, and the GPUs this computer has
 * (the launch methods and the launcher's status are in backends.ts, with the other ComfyUI methods).
 */
import { z } from 'zod';
import { MAX_CUDA_DEVICE } from '../settings';
import { method, NoInput } from './define';

/**
 * Which launched ComfyUI a start, stop, restart or log tail is for: `device` names the one of that GPU (`--cuda-device
 * N`); left out, every one (with a single ComfyUI, that one).
 */
export const LauncherTargetSchema = z
  .object({
    device: z
      .number({ error: 'a GPU number (0, 1, …) is expected' })
      .int({ error: 'a whole GPU number (0, 1, …) is expected' })
      .min(0, { error: 'GPU numbers start at 0' })
      .max(MAX_CUDA_DEVICE, { error: `GPU numbers go up to ${MAX_CUDA_DEVICE}` })
      .optional(),
  })
  .strict()
  .optional()
  .default({});
export type LauncherTarget = z.output<typeof LauncherTargetSchema>;

/** A GPU as `nvidia-smi` lists it. */
export const GpuSchema = z.object({
  /** Its CUDA device number (`--cuda-device N`). */
  index: z.number().int().nonnegative(),
  /** "NVIDIA GeForce RTX 3060" */
  name: z.string(),
  /** Total memory in MiB, when told. */
  memoryMb: z.number().nonnegative().nullable(),
});
export type Gpu = z.infer<typeof GpuSchema>;

export const GpuListSchema = z.object({
  gpus: z.array(GpuSchema),
  /** Why none are listed (no nvidia-smi, or it failed); null when the list is what it said. */
  note: z.string().nullable(),
});
export type GpuList = z.infer<typeof GpuListSchema>;

export const launcherMethods = {
  'comfy.gpus': method(
    NoInput,
    GpuListSchema,
    'The GPUs of this computer (nvidia-smi), to choose which ones ComfyUI runs on; asked now.',
  ),
};
