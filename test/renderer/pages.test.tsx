/**
 * The page registry is the one list of pages: the sidebar's links and the page App shows both come from it.
 * Rendered to static markup in plain Node (no browser): the stores need only a `window` with the desktop bridge
 * (so the API client never dials) and a `location` with the URL hash. Server rendering shows the stores' initial
 * state, so each URL hash gets freshly loaded modules.
 */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { prerender } from 'react-dom/static';
import type { ComfyDeskBridge } from '@shared/ipc';
import { afterEach, describe, expect, it, vi } from 'vitest';

const bridge: ComfyDeskBridge = { call: () => new Promise(() => undefined), on: () => () => undefined };

/** The renderer's modules as a window opened at `hash` sees them. */
async function openAt(hash: string) {
  vi.stubGlobal('window', { comfydesk: bridge, addEventListener: () => undefined });
  vi.stubGlobal('location', { hash });
  vi.resetModules();
  const registry = await import('../../renderer/src/pages/registry');
  const { App } = await import('../../renderer/src/App');
  const { Sidebar } = await import('../../renderer/src/components/Sidebar');
  return { ...registry, App, Sidebar };
}

/** Static markup once every lazily loaded page in `element` has loaded (renderToStaticMarkup would show the fallback). */
async function markupOf(element: ReactElement): Promise<string> {
  const { prelude } = await prerender(element);
  return new Response(prelude).text();
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('page registry', () => {
  it('lists each page once with a label, an icon and a component', async () => {
    const { PAGES, pageFor } = await openAt('');
    const ids = PAGES.map((p) => p.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(PAGES.map((p) => p.label)).size).toBe(ids.length);
    for (const page of PAGES) {
      expect(page.id).toMatch(/^[a-z][a-z-]*$/);
      expect(page.label.trim()).not.toBe('');
      // A lucide-react icon component: drawn, and named for the sidebar's markup.
      expect(typeof page.icon === 'function' || typeof page.icon === 'object').toBe(true);
      expect(page.icon.displayName ?? '').not.toBe('');
      // A component: a function, or a lazily loaded one (React.lazy's object) for pages after the first.
      expect(['function', 'object']).toContain(typeof page.component);
      if (page.useBadge) expect(typeof page.useBadge).toBe('function');
      expect(pageFor(page.id)).toBe(page);
    }
    // An empty or unknown hash shows the first page.
    expect(pageFor('')).toBe(PAGES[0]);
    expect(pageFor('nope')).toBe(PAGES[0]);
  });

  it('the sidebar links exactly the registry’s pages, in its order, with their icons and labels', async () => {
    const { PAGES, Sidebar } = await openAt('#/queue');
    const html = renderToStaticMarkup(<Sidebar />);
    const links = [
      ...html.matchAll(
        /<a href="#\/([^"]*)"[^>]*><span class="nav-icon"[^>]*data-icon="([^"]*)"[^>]*><svg[^>]*>(?:(?!<\/svg>).)*<\/svg><\/span><span class="nav-label">([^<]*)/g,
      ),
    ];
    expect(links.map((l) => [l[1], l[2], l[3]])).toEqual(PAGES.map((p) => [p.id, p.icon.displayName, p.label]));
    expect(html.match(/aria-current="page"/g)).toHaveLength(1);
    expect(html).toContain('<a href="#/queue" class="active" aria-current="page">');
  });

  it('App shows the registry’s component for the page the URL names, and the sidebar marks that page', async () => {
    const { PAGES } = await openAt('');
    for (const { id } of PAGES) {
      const { App, PAGES: pages } = await openAt(`#/${id}`);
      const markup = await Promise.all(pages.map((p) => markupOf(<p.component />)));
      expect(new Set(markup).size).toBe(pages.length);
      const html = await markupOf(<App />);
      expect(html).toContain(`<main class="content" id="main" data-page="${id}">`);
      expect(pages.filter((_, i) => html.includes(markup[i]!)).map((p) => p.id)).toEqual([id]);
      expect(html).toContain(`<a href="#/${id}" class="active" aria-current="page">`);
    }
    const { App } = await openAt('#/nope');
    expect(await markupOf(<App />)).toContain(`data-page="${PAGES[0]!.id}"`);
  });

  it('the sidebar shows the badge a page’s registry hook returns, on that page’s link only', async () => {
    const { PAGES, Sidebar } = await openAt('');
    const badges = () =>
      [
        ...renderToStaticMarkup(<Sidebar />).matchAll(
          /<a href="#\/([^"]*)"[^>]*>(?:(?!<\/a>).)*<span class="badge" aria-label="([^"]*)">(\d+)<\/span><\/a>/g,
        ),
      ].map((m) => [m[1], m[2], m[3]]);
    // The queue's hook (active jobs) and the setup guide's (steps left): none yet, no badge.
    expect(PAGES.filter((p) => p.useBadge).map((p) => p.id)).toEqual(['queue', 'setup']);
    expect(badges()).toEqual([]);
    const queue = PAGES.find((p) => p.id === 'queue')!;
    vi.spyOn(queue, 'useBadge').mockReturnValue({ count: 2, label: '2 active jobs' });
    expect(badges()).toEqual([['queue', '2 active jobs', '2']]);
  });
});
