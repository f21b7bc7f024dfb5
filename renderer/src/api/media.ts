/**
 * Where the renderer loads library media from: the desktop shell's custom protocol (`window.comfydesk.mediaBase`)
 * or, in a browser on the headless server, the same-origin `/media` routes.
 */
export type MediaKind = 'file' | 'thumb';

export function mediaBase(bridge: { mediaBase?: string } | undefined = typeof window === 'undefined' ? undefined : window.comfydesk): string {
  return bridge?.mediaBase ?? '/media';
}

/** The URL of an output's file or thumbnail; `version` busts the cache once a thumbnail is (re)made. */
export function mediaUrl(kind: MediaKind, id: number, version?: string | number | null, base = mediaBase()): string {
  const url = `${base.replace(/\/$/, '')}/${kind}/${id}`;
  return version === undefined || version === null ? url : `${url}?v=${encodeURIComponent(String(version))}`;
}
