/**
 * The gallery's loaded results as plain data: keyset pages appended as the grid scrolls, and library events
 * (added, changed, removed) folded in without reloading. Pure functions, tested without a browser.
 */
import type { LibraryChanged, LibrarySearchResult } from '@shared/api/library';
import type { Output, OutputQuery } from '@shared/library';

/** The filters the gallery offers (everything of OutputQuery but paging). */
export type GalleryFilters = Omit<OutputQuery, 'limit' | 'after'>;

export interface GalleryData {
  items: Output[];
  /** Matches counted by the core (capped; see `totalCapped`). */
  total: number;
  totalCapped: boolean;
  /** No more pages after the last loaded item. */
  done: boolean;
  /** Bumped when a thumbnail is made, so its image reloads. */
  thumbVersion: Record<number, number>;
}

export const emptyGallery = (): GalleryData => ({
  items: [],
  total: 0,
  totalCapped: false,
  done: false,
  thumbVersion: {},
});

export function appendPage(state: GalleryData, page: LibrarySearchResult, limit: number): GalleryData {
  // Keyset pages only overlap the previous page's tail: check those ids, not all loaded items (100k rows).
  const seen = new Set(state.items.slice(-Math.max(limit, page.items.length)).map((o) => o.id));
  const fresh = page.items.filter((o) => !seen.has(o.id));
  return {
    ...state,
    items: state.items.length === 0 ? page.items : [...state.items, ...fresh],
    total: Math.max(page.total, state.items.length + fresh.length),
    totalCapped: page.totalCapped,
    done: page.items.length < limit,
  };
}

/** The `after` cursor for the next page. */
export function nextCursor(state: GalleryData): { createdAt: number; id: number } | undefined {
  const last = state.items[state.items.length - 1];
  return last ? { createdAt: last.createdAt, id: last.id } : undefined;
}

/** Words of a search text (what full-text search matches on), lower case. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Whether a new output belongs in the current results (text: every word starts a word of its prompt or negative). */
export function matchesFilters(output: Output, filters: GalleryFilters): boolean {
  if (filters.userId && output.userId !== filters.userId) return false;
  if (filters.guildId && output.guildId !== filters.guildId) return false;
  if (filters.workflow && output.workflow !== filters.workflow) return false;
  if (filters.kind && output.kind !== filters.kind) return false;
  if (filters.favourite && !output.favourite) return false;
  if (filters.from !== undefined && output.createdAt < filters.from) return false;
  if (filters.to !== undefined && output.createdAt > filters.to) return false;
  if (filters.text && filters.text.trim() !== '') {
    const words = new Set(searchWords(`${output.prompt} ${output.negative}`));
    const all = [...words];
    for (const w of searchWords(filters.text)) if (!words.has(w) && !all.some((x) => x.startsWith(w))) return false;
  }
  return true;
}

const newestFirst = (a: Output, b: Output): number => b.createdAt - a.createdAt || b.id - a.id;

export function applyAdded(state: GalleryData, added: Output[], filters: GalleryFilters): GalleryData {
  const seen = new Set(state.items.map((o) => o.id));
  const fresh = added.filter((o) => !seen.has(o.id) && matchesFilters(o, filters));
  if (fresh.length === 0) return state;
  return { ...state, items: [...fresh.sort(newestFirst), ...state.items], total: state.total + fresh.length };
}

export function applyChanged(state: GalleryData, change: LibraryChanged, filters: GalleryFilters): GalleryData {
  const index = state.items.findIndex((o) => o.id === change.id);
  if (index < 0) return state;
  const before = state.items[index]!;
  const after: Output = {
    ...before,
    ...(change.thumbnailPath !== undefined ? { thumbnailPath: change.thumbnailPath } : {}),
    ...(change.favourite !== undefined ? { favourite: change.favourite } : {}),
  };
  const thumbVersion =
    change.thumbnailPath !== undefined
      ? { ...state.thumbVersion, [change.id]: (state.thumbVersion[change.id] ?? 0) + 1 }
      : state.thumbVersion;
  // Unfavourited while the favourites filter is on: it leaves the results.
  if (!matchesFilters(after, filters)) {
    return {
      ...state,
      items: state.items.filter((o) => o.id !== change.id),
      total: Math.max(0, state.total - 1),
      thumbVersion,
    };
  }
  const items = state.items.slice();
  items[index] = after;
  return { ...state, items, thumbVersion };
}

export function applyRemoved(state: GalleryData, ids: readonly number[]): GalleryData {
  const gone = new Set(ids);
  const items = state.items.filter((o) => !gone.has(o.id));
  if (items.length === state.items.length) return state;
  return { ...state, items, total: Math.max(items.length, state.total - (state.items.length - items.length)) };
}

/** Ids from `anchor` to `id` in list order (both included): what a Shift+click selects. */
export function rangeIds(items: readonly Output[], anchor: number | null, id: number): number[] {
  const to = items.findIndex((o) => o.id === id);
  const from = anchor === null ? -1 : items.findIndex((o) => o.id === anchor);
  if (to < 0) return [];
  if (from < 0) return [id];
  const [a, b] = from <= to ? [from, to] : [to, from];
  return items.slice(a, b + 1).map((o) => o.id);
}

/** `ids` in chunks of at most `size` (the core deletes at most 1,000 outputs per call). */
export function chunks<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}
