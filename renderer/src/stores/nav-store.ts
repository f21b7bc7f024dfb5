import { create } from 'zustand';
import { pageNameFromHash } from '../lib/pages';
// Type only: the registry imports the pages, and pages import this store to navigate.
import type { PageId } from '../pages/registry';

interface NavState {
  /** The page name in the URL hash; `useCurrentPage()` (pages/registry) resolves it, an unknown one to the default. */
  requested: string;
  go(page: PageId): void;
}

/** The current page, kept in the URL hash so reloads and links land on the same page. */
export const useNav = create<NavState>((set) => ({
  requested: pageNameFromHash(location.hash),
  go(page) {
    if (pageNameFromHash(location.hash) !== page) location.hash = `#/${page}`;
    set({ requested: page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ requested: pageNameFromHash(location.hash) }));
