/** The app's pages and how the URL hash names them (pure; the nav store keeps the current one). */
export const PAGES = ['gallery', 'queue', 'generate', 'templates', 'health', 'bot', 'settings'] as const;
export type Page = (typeof PAGES)[number];

/** `#/queue` → 'queue'; anything else is the gallery. */
export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'gallery';
}
