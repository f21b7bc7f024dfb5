import { z } from 'zod';

export const TemplateSchema = z.object({
  id: z.number().int(),
  ownerId: z.string(),
  guildId: z.string().nullable(),
  shared: z.boolean(),
  name: z.string().min(1).max(100),
  prompt: z.string().max(2000),
  negative: z.string().max(2000),
  params: z.record(z.string(), z.unknown()),
  workflow: z.string().min(1),
  /** Model file by the workflow's model setting (e.g. `models.sdxl.checkpoint`); the others as remembered. */
  models: z.record(z.string(), z.string()),
  /** The LoRA it applies (a file of the backend's `loras` folder), or null for none. */
  lora: z.object({ name: z.string(), strength: z.number().optional() }).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Template = z.infer<typeof TemplateSchema>;
