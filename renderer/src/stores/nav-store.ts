import { create } from 'zustand';

export const PAGES = ['gallery', 'queue', 'generate', 'templates', 'health', 'bot', 'settings'] as const;
export type Page = (typeof PAGES)[number];

/** `#/queue` → 'queue'; anything else is the gallery. */
export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'gallery';
}

interface NavState {
  page: Page;
  go(page: Page): void;
}

/** The current page, kept in the URL hash so reloads and links land on the same page. */
export const useNav = create<NavState>((set) => ({
  page: typeof location === 'undefined' ? 'gallery' : pageFromHash(location.hash),
  go(page) {
    if (typeof location !== 'undefined' && pageFromHash(location.hash) !== page) location.hash = `#/${page}`;
    set({ page });
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useNav.setState({ page: pageFromHash(location.hash) }));
}
