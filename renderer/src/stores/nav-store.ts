import { create } from 'zustand';
import { pageFromHash, type Page } from '../lib/pages';

export { PAGES, type Page } from '../lib/pages';

interface NavState {
  page: Page;
  go(page: Page): void;
}

/** The current page, kept in the URL hash so reloads and links land on the same page. */
export const useNav = create<NavState>((set) => ({
  page: pageFromHash(location.hash),
  go(page) {
    if (pageFromHash(location.hash) !== page) location.hash = `#/${page}`;
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNav.setState({ page: pageFromHash(location.hash) }));
