import { z } from 'zod';

export const OutputKindSchema = z.enum(['image', 'video']);
export type OutputKind = z.infer<typeof OutputKindSchema>;

export const OutputSchema = z.object({
  id: z.number().int(),
  jobId: z.string(),
  filePath: z.string(),
  kind: OutputKindSchema,
  mime: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bytes: z.number().int().nonnegative(),
  thumbnailPath: z.string().nullable(),
  favourite: z.boolean(),
  userId: z.string(),
  guildId: z.string().nullable(),
  workflow: z.string(),
  prompt: z.string(),
  negative: z.string(),
  seed: z.number().int().nullable(),
  createdAt: z.number(),
});
export type Output = z.infer<typeof OutputSchema>;

/** Gallery search: full text over prompt/negative plus filters; keyset pagination by (createdAt, id). */
export const OutputQuerySchema = z
  .object({
    text: z.string().max(500).optional(),
    userId: z.string().max(200).optional(),
    guildId: z.string().max(200).optional(),
    workflow: z.string().max(200).optional(),
    kind: OutputKindSchema.optional(),
    favourite: z.boolean().optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    limit: z.number().int().min(1).max(500).default(100),
    /** Continue after this item (the last one of the previous page). */
    after: z.object({ createdAt: z.number(), id: z.number().int() }).strict().optional(),
  })
  .strict();
export type OutputQuery = z.input<typeof OutputQuerySchema>;
