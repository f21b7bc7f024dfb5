/**
 * The output library: search the gallery, favourite, delete. Files themselves are served as media
 * (`/media/file/:id`, `/media/thumb/:id` over HTTP; the Electron shell maps the same lookup to its protocol).
 */
import { z } from 'zod';
import { OutputQuerySchema, OutputSchema } from '../library';
import { method, NoInput } from './define';

const OutputId = z.number().int().positive();

/**
 * Search results: `total` counts every match up to `SEARCH_TOTAL_CAP`; `totalCapped` says the real count is
 * higher (show "1,000+"). Counting further would cost more than the page itself on a large library.
 */
export const SEARCH_TOTAL_CAP = 1_000;

export const LibrarySearchResultSchema = z.object({
  items: z.array(OutputSchema),
  total: z.number().int().nonnegative(),
  totalCapped: z.boolean(),
});
export type LibrarySearchResult = z.infer<typeof LibrarySearchResultSchema>;

export const LibraryStatsSchema = z.object({
  count: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type LibraryStats = z.infer<typeof LibraryStatsSchema>;

export const LibraryChangedSchema = z.object({
  id: OutputId,
  thumbnailPath: z.string().nullable().optional(),
  favourite: z.boolean().optional(),
});
export type LibraryChanged = z.infer<typeof LibraryChangedSchema>;

export const FacetSchema = z.object({ id: z.string(), name: z.string(), count: z.number().int().nonnegative() });
export type Facet = z.infer<typeof FacetSchema>;

export const libraryMethods = {
  'library.byJob': method(
    z.object({ jobId: z.string().min(1).max(200) }).strict(),
    z.array(OutputSchema),
    "A job's outputs, in the order it made them.",
  ),
  'library.search': method(
    OutputQuerySchema,
    LibrarySearchResultSchema,
    'Gallery search, newest first: full text over prompt/negative plus filters, keyset pages (pass the last item as `after`).',
  ),
  'library.get': method(
    z.object({ id: OutputId }).strict(),
    OutputSchema,
    'One output by id (not_found when it is gone).',
  ),
  'library.favourite': method(
    z.object({ id: OutputId, favourite: z.boolean() }).strict(),
    OutputSchema,
    'Mark or unmark an output as favourite; returns it.',
  ),
  'library.delete': method(
    z.object({ ids: z.array(OutputId).min(1).max(1000) }).strict(),
    z.object({ removed: z.array(OutputId) }),
    'Delete outputs: index rows, files and thumbnails together. Ids already gone are skipped.',
  ),
  'library.facets': method(
    NoInput,
    z.object({ users: z.array(FacetSchema), guilds: z.array(FacetSchema), workflows: z.array(FacetSchema) }),
    "Who, which server and which workflow the outputs come from, with names and counts, for the gallery's filters.",
  ),
  'library.reveal': method(
    z.object({ id: OutputId }).strict(),
    z.object({ path: z.string(), opened: z.boolean() }),
    "Show an output's file in the system file manager (desktop). Headless, `opened` is false and the path is returned to copy.",
  ),
  'library.revealFolder': method(
    NoInput,
    z.object({ path: z.string(), opened: z.boolean() }),
    'Show the library folder in the system file manager (desktop). Headless, `opened` is false and the path is returned to copy.',
  ),
  'library.stats': method(
    NoInput,
    LibraryStatsSchema,
    'How many outputs the library holds and their total size in bytes.',
  ),
};

export const libraryEvents = {
  /** New outputs of a finished job. */
  'library.added': z.array(OutputSchema),
  /** An output changed: its thumbnail was made (`thumbnailPath`) or its favourite flag changed. */
  'library.changed': LibraryChangedSchema,
  'library.removed': z.object({ ids: z.array(OutputId) }),
};
