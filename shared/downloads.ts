/**
 * Model downloads as every client sees them: the folders a file can go into, where a backend keeps them, one
 * download's state and progress, and whether the download tokens are set. The API methods are in api/models.ts.
 */
import { z } from 'zod';

/**
 * ComfyUI's model folders that hold model files (`/models` lists them, docs/reference/comfyui-api.md §1),
 * with the legacy names `unet` and `clip` (stored under `diffusion_models` and `text_encoders`).
 */
export const DOWNLOAD_FOLDERS = [
  'checkpoints',
  'diffusion_models',
  'text_encoders',
  'vae',
  'loras',
  'upscale_models',
  'clip_vision',
  'controlnet',
  'embeddings',
  'style_models',
  'gligen',
  'hypernetworks',
  'photomaker',
  'model_patches',
  'audio_encoders',
  'vae_approx',
  'unet',
  'clip',
] as const;
export const DownloadFolderSchema = z.enum(DOWNLOAD_FOLDERS);
export type DownloadFolder = z.infer<typeof DownloadFolderSchema>;

/** The folder a (possibly legacy) name is kept under. */
export function canonicalDownloadFolder(folder: DownloadFolder): DownloadFolder {
  if (folder === 'unet') return 'diffusion_models';
  if (folder === 'clip') return 'text_encoders';
  return folder;
}

/** Where a backend's files of one folder go: a folder ComfyDesk can write to, or why not and where instead. */
export const DestinationSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    backendId: z.string(),
    folder: DownloadFolderSchema,
    /** The absolute folder the file is written into. */
    dir: z.string(),
    /** Free space on its drive (bytes); null when it could not be read. */
    freeBytes: z.number().nonnegative().nullable(),
    /** Known from the ComfyUI install ComfyDesk launches, or as the running ComfyUI said (/internal/folder_paths). */
    from: z.enum(['install', 'server']),
  }),
  z.object({
    ok: z.literal(false),
    backendId: z.string(),
    folder: DownloadFolderSchema,
    /** Why ComfyDesk cannot put the file there, and what to do instead (a sentence for a person). */
    reason: z.string(),
    /** The folder the file must go into on the machine ComfyUI runs on, when known. */
    where: z.string().nullable(),
  }),
]);
export type Destination = z.infer<typeof DestinationSchema>;

export const DOWNLOAD_STATES = ['queued', 'downloading', 'verifying', 'done', 'failed', 'cancelled'] as const;
export const DownloadStateSchema = z.enum(DOWNLOAD_STATES);
export type DownloadState = z.infer<typeof DownloadStateSchema>;
/** States in which a download still holds (or waits for) a place in the queue. */
export const ACTIVE_DOWNLOAD_STATES: readonly DownloadState[] = ['queued', 'downloading', 'verifying'];

/** What went wrong, for a program to switch on; the message says it for a person. */
export const DownloadErrorKindSchema = z.enum([
  /** The host wants a login or a token (401/403). */
  'auth',
  /** Nothing at that address (404/410). */
  'not-found',
  /** The host could not be reached, or stopped answering. */
  'unreachable',
  /** Any other refusal or server error. */
  'http',
  /** The host answered with a web page instead of a file. */
  'not-a-file',
  /** Not enough free space. */
  'disk',
  /** The bytes do not match the published SHA-256. */
  'hash',
  /** The size does not match. */
  'size',
  /** A file of that name is already there. */
  'exists',
  /** The folder cannot be written to (gone, read-only, another machine). */
  'destination',
]);
export type DownloadErrorKind = z.infer<typeof DownloadErrorKindSchema>;

export const DownloadViewSchema = z.object({
  id: z.string(),
  state: DownloadStateSchema,
  /** A catalogue entry, or a link someone pasted. */
  source: z.enum(['catalog', 'url']),
  /** The backend it is for (null once that backend was removed). */
  backendId: z.string().nullable(),
  folder: DownloadFolderSchema,
  /** The file name; null for a link until the host has said what the file is called. */
  file: z.string().nullable(),
  /** The folder it is written into. */
  dir: z.string(),
  /** The address it comes from (never with a token). */
  url: z.string(),
  /** The whole size once known (the catalogue's, then the host's). */
  totalBytes: z.number().int().nonnegative().nullable(),
  bytesDone: z.number().int().nonnegative(),
  /** The published SHA-256 it is checked against; null when none is published (the size is checked). */
  sha256: z.string().nullable(),
  error: z.object({ kind: DownloadErrorKindSchema, message: z.string() }).nullable(),
  /** Something worth knowing about a finished download (e.g. "No SHA-256 is published: only the size was checked."). */
  note: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type DownloadView = z.infer<typeof DownloadViewSchema>;

export const DownloadProgressSchema = z.object({
  id: z.string(),
  bytesDone: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative().nullable(),
  /** Over the last few seconds. */
  bytesPerSecond: z.number().nonnegative(),
  /** Seconds left at that speed; null when the size or the speed is unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type DownloadProgress = z.infer<typeof DownloadProgressSchema>;

export const DownloadServiceSchema = z.enum(['huggingface', 'civitai']);
export type DownloadService = z.infer<typeof DownloadServiceSchema>;

/** Whether each token is set (a token itself never leaves the core). */
export const DownloadTokensSchema = z.object({
  huggingface: z.object({ set: z.boolean() }),
  civitai: z.object({ set: z.boolean() }),
  /** Where tokens are kept ("encrypted by the macOS Keychain in …"). */
  storage: z.string(),
});
export type DownloadTokens = z.infer<typeof DownloadTokensSchema>;

/** A pasted token: surrounding blanks and a leading "Bearer " are dropped. */
const pastedToken = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .transform((t) => t.replace(/^Bearer\s+/i, ''))
    .pipe(z.string().regex(pattern, message));

export const HuggingfaceTokenSchema = pastedToken(
  /^hf_[A-Za-z0-9]{16,200}$/,
  'That is not a Hugging Face token (it starts with hf_). Create a read token at https://huggingface.co/settings/tokens and paste it whole.',
);
export const CivitaiTokenSchema = pastedToken(
  /^[A-Za-z0-9_-]{16,200}$/,
  'That is not a CivitAI API key. Create one at https://civitai.com/user/account (API Keys) and paste it whole.',
);
