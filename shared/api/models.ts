/**
 * Model files: the catalogue of files the bundled workflows need (per backend: present, missing or downloading),
 * where a backend keeps a folder, and the downloads that fetch files into it (with the optional Hugging Face and
 * CivitAI tokens some hosts ask for).
 */
import { z } from 'zod';
import { CatalogEntrySchema } from '../model-catalog';
import { ModelFolderSchema } from '../workflow-manifest';
import {
  CivitaiTokenSchema,
  DestinationSchema,
  DownloadFolderSchema,
  DownloadProgressSchema,
  DownloadServiceSchema,
  DownloadTokensSchema,
  DownloadViewSchema,
  HuggingfaceTokenSchema,
} from '../downloads';
import { method, NoInput } from './define';

const BackendIdSchema = z.string().min(1).max(200);

/** One catalogue file on one backend. */
export const ModelOnBackendSchema = z.object({
  backendId: z.string(),
  backendName: z.string(),
  kind: z.enum(['launched', 'local', 'remote']),
  /** `unknown`: the backend is offline and its folder is not on this machine. */
  state: z.enum(['present', 'missing', 'downloading', 'unknown']),
  /** The download fetching it (queued or running), when there is one. */
  downloadId: z.string().nullable(),
  /** Where it goes on that backend, with the free space there (or why ComfyDesk cannot put it there). */
  destination: DestinationSchema,
});
export type ModelOnBackend = z.infer<typeof ModelOnBackendSchema>;

export const CatalogModelSchema = CatalogEntrySchema.extend({
  /** The workflows that need this file with the current model settings (ids). */
  workflows: z.array(z.string()),
  backends: z.array(ModelOnBackendSchema),
});
export type CatalogModel = z.infer<typeof CatalogModelSchema>;

export const ModelsCatalogSchema = z.object({
  /** Why the catalogue could not be read (missing or broken file); null when it was. */
  problem: z.string().nullable(),
  models: z.array(CatalogModelSchema),
});
export type ModelsCatalog = z.infer<typeof ModelsCatalogSchema>;

export const DownloadStartInputSchema = z.union([
  /** A catalogue file (checked against its published size and SHA-256). */
  z
    .object({
      /** Default: the ComfyUI ComfyDesk launches, else one running on this machine. */
      backendId: BackendIdSchema.optional(),
      entry: z.object({ folder: ModelFolderSchema, file: z.string().min(1).max(255) }).strict(),
    })
    .strict(),
  /** Any public link (a Hugging Face file, a CivitAI model); the file name comes from the host. */
  z
    .object({
      backendId: BackendIdSchema.optional(),
      url: z.url({ protocol: /^https?$/, error: 'a http(s) link, e.g. https://huggingface.co/…/resolve/main/…' }),
      folder: DownloadFolderSchema,
      /** The file's SHA-256 when the page publishes it: the download is checked against it. */
      sha256: z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 is 64 hexadecimal digits')
        .transform((s) => s.toLowerCase())
        .optional(),
    })
    .strict(),
]);
export type DownloadStartInput = z.input<typeof DownloadStartInputSchema>;
export type DownloadStart = z.output<typeof DownloadStartInputSchema>;

export const DownloadSetTokenInputSchema = z.discriminatedUnion('service', [
  z.object({ service: z.literal('huggingface'), token: HuggingfaceTokenSchema }).strict(),
  z.object({ service: z.literal('civitai'), token: CivitaiTokenSchema }).strict(),
]);

export const modelsMethods = {
  'models.catalog': method(
    NoInput,
    ModelsCatalogSchema,
    'Every catalogue file with, per backend, present / missing / downloading, where it goes and the free space there, and the workflows that need it.',
  ),
  'models.destination': method(
    z.object({ backendId: BackendIdSchema, folder: DownloadFolderSchema }).strict(),
    DestinationSchema,
    "Where a backend's files of one folder go, or why ComfyDesk cannot put them there and where they must go.",
  ),
  'downloads.start': method(
    DownloadStartInputSchema,
    DownloadViewSchema,
    'Download a catalogue file, or any public link into a named folder, into a backend’s model folder (two at a time, the rest wait).',
  ),
  'downloads.list': method(NoInput, z.array(DownloadViewSchema), 'The downloads, newest first.'),
  'downloads.cancel': method(
    z.object({ id: z.string().min(1).max(200) }).strict(),
    DownloadViewSchema,
    'Stop a download (or discard a failed one) and delete its partial file.',
  ),
  'downloads.tokens': method(NoInput, DownloadTokensSchema, 'Whether the Hugging Face and CivitAI tokens are set.'),
  'downloads.setToken': method(
    DownloadSetTokenInputSchema,
    DownloadTokensSchema,
    'Store the Hugging Face or CivitAI token in the secret store (write-only: it is never returned).',
  ),
  'downloads.clearToken': method(
    z.object({ service: DownloadServiceSchema }).strict(),
    DownloadTokensSchema,
    'Forget the Hugging Face or CivitAI token.',
  ),
};

export const modelsEvents = {
  /** Bytes done, speed and time left of a running download (at most four a second per download). */
  'download.progress': DownloadProgressSchema,
  /** A download was queued, started, finished, failed or was cancelled. */
  'download.changed': DownloadViewSchema,
  /** A model file was added to a backend's folder; its model lists were read again. */
  'models.changed': z.object({ backendIds: z.array(z.string()), folder: DownloadFolderSchema, file: z.string() }),
};
