/**
 * Where the renderer loads library media from: the desktop shell's custom protocol (`window.comfydesk.mediaBase`)
 * or, in a browser on the headless server, the same-origin `/media` routes.
 */
import { buildMediaUrl, type MediaKind } from './media-url';

export type { MediaKind } from './media-url';

export function mediaBase(): string {
  return window.comfydesk?.mediaBase ?? '/media';
}

/** The URL of an output's file or thumbnail. */
export function mediaUrl(kind: MediaKind, id: number, version?: string | number | null): string {
  return buildMediaUrl(mediaBase(), kind, id, version);
}
