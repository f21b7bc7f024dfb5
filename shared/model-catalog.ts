/**
 * The catalogue of model files ComfyDesk knows how to get: every file a bundled workflow names, where to
 * download it, how big it is and how to verify it. Kept in `resources/models/catalog.json`, parsed with this
 * schema at load.
 */
import { z } from 'zod';
import { ModelFolderSchema } from './workflow-manifest';

export const CatalogEntrySchema = z
  .object({
    /** The file name as the workflows name it (and as it must be called in the folder). */
    file: z.string().min(1).max(255),
    /** The ComfyUI model folder it goes into (`checkpoints`, `diffusion_models`, `loras`…). */
    folder: ModelFolderSchema,
    /** Public download addresses, best first (a Hugging Face `resolve/main` link, a mirror). */
    urls: z.array(z.url()).min(1),
    /** Exact size in bytes. */
    bytes: z.number().int().positive(),
    /** SHA-256 of the whole file (64 hex digits), as the host publishes it; null when none is published. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    /** Where the size and hash were read (the model page), so anyone can check them. */
    source: z.url(),
    /** The licence in a few words, e.g. "CreativeML Open RAIL++-M" or "FLUX.1 [dev] Non-Commercial". */
    licence: z.string().min(1).max(200),
    /** The host asks for a login (and accepting terms) before download: a token is needed. */
    gated: z.boolean(),
    /** Anything a user should know (e.g. "no hash published: the size is checked"). */
    note: z.string().max(500).optional(),
  })
  .strict();
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const ModelCatalogSchema = z
  .object({
    version: z.literal(1),
    /** Every entry's (folder, file) pair is unique. */
    models: z.array(CatalogEntrySchema),
  })
  .strict();
export type ModelCatalog = z.infer<typeof ModelCatalogSchema>;
