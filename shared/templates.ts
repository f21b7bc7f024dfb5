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
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Template = z.infer<typeof TemplateSchema>;
