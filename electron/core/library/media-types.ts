/**
 * What a library file is, from its name: MIME type and gallery kind.
 */
import { extname } from 'node:path';
import type { OutputKind } from '@shared/library';

const TYPES: Record<string, { mime: string; kind: OutputKind }> = {
  '.png': { mime: 'image/png', kind: 'image' },
  '.jpg': { mime: 'image/jpeg', kind: 'image' },
  '.jpeg': { mime: 'image/jpeg', kind: 'image' },
  '.webp': { mime: 'image/webp', kind: 'image' },
  '.gif': { mime: 'image/gif', kind: 'image' },
  '.bmp': { mime: 'image/bmp', kind: 'image' },
  '.tif': { mime: 'image/tiff', kind: 'image' },
  '.tiff': { mime: 'image/tiff', kind: 'image' },
  '.avif': { mime: 'image/avif', kind: 'image' },
  '.mp4': { mime: 'video/mp4', kind: 'video' },
  '.m4v': { mime: 'video/x-m4v', kind: 'video' },
  '.webm': { mime: 'video/webm', kind: 'video' },
  '.mov': { mime: 'video/quicktime', kind: 'video' },
  '.mkv': { mime: 'video/x-matroska', kind: 'video' },
  '.avi': { mime: 'video/x-msvideo', kind: 'video' },
};

/** MIME type and kind of a file the library keeps, or null for anything else (logs, latents, JSON). */
export function mediaType(path: string): { mime: string; kind: OutputKind } | null {
  return TYPES[extname(path).toLowerCase()] ?? null;
}

/** The MIME type for serving a path; `application/octet-stream` when unknown. */
export function mimeOf(path: string): string {
  return mediaType(path)?.mime ?? 'application/octet-stream';
}
