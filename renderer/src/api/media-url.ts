/** Library media URLs as a pure function of the base (tested without a browser). */
export type MediaKind = 'file' | 'thumb';

/** `${base}/${kind}/${id}`; `version` busts the cache once a thumbnail is (re)made. */
export function buildMediaUrl(base: string, kind: MediaKind, id: number, version?: string | number | null): string {
  const url = `${base.replace(/\/$/, '')}/${kind}/${id}`;
  return version === undefined || version === null ? url : `${url}?v=${encodeURIComponent(String(version))}`;
}
