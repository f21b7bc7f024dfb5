/** How the URL hash names a page (pure; pages/registry.ts says which names are pages). */

/** `#/queue` → 'queue', `#/queue?x=1` → 'queue', `''` → ''. */
export function pageNameFromHash(hash: string): string {
  return hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
}
