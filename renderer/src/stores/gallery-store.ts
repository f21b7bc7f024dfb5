import { create } from 'zustand';
import type { Output } from '@shared/library';
import { api } from '../api/client';
import { onResync } from './app-store';
import { errorMessage } from '../lib/format';
import { report, toast } from './toast-store';
import {
  appendPage,
  applyAdded,
  applyChanged,
  applyRemoved,
  chunks,
  emptyGallery,
  nextCursor,
  rangeIds,
  type GalleryData,
  type GalleryFilters,
} from './gallery-logic';

export const PAGE_SIZE = 500;
/** The first page only has to fill a screen: it arrives (and is checked) sooner than a full page. */
export const FIRST_PAGE_SIZE = 100;

interface GalleryState extends GalleryData {
  filters: GalleryFilters;
  loading: boolean;
  error: string | null;
  /** Bumped per new search so a late page of an old search is dropped. */
  generation: number;
  /** The output shown in the details panel. */
  openId: number | null;
  /** The output shown full screen in the lightbox. */
  viewerId: number | null;
  /** Outputs ticked for a bulk action. */
  selected: ReadonlySet<number>;
  /** Where a Shift+click range starts: the last output ticked or unticked. */
  anchor: number | null;
  setFilters(patch: Partial<GalleryFilters>): void;
  clearFilters(): void;
  loadMore(): Promise<void>;
  reload(): Promise<void>;
  open(id: number | null): void;
  view(id: number | null): void;
  /** Tick or untick one output; with `range`, everything from the anchor to it. */
  toggle(id: number, range?: boolean): void;
  selectAll(): void;
  clearSelection(): void;
  setFavourite(id: number, favourite: boolean): Promise<void>;
  favouriteSelected(favourite: boolean): Promise<void>;
  remove(ids: number[]): Promise<boolean>;
}

/** Drop empty filter values so the query says only what is set. */
export function cleanFilters(filters: GalleryFilters): GalleryFilters {
  const out: GalleryFilters = {};
  for (const [k, v] of Object.entries(filters) as [keyof GalleryFilters, unknown][]) {
    if (v === undefined || v === '' || v === false || v === null) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The results without `ids`; the panel, the lightbox and the selection forget them. */
function withoutOutputs(s: GalleryState, ids: readonly number[]): Partial<GalleryState> {
  const gone = new Set(ids);
  const selected = [...s.selected].some((id) => gone.has(id))
    ? new Set([...s.selected].filter((id) => !gone.has(id)))
    : s.selected;
  return {
    ...applyRemoved(s, ids),
    openId: s.openId !== null && gone.has(s.openId) ? null : s.openId,
    viewerId: s.viewerId !== null && gone.has(s.viewerId) ? null : s.viewerId,
    selected,
  };
}

const NONE: ReadonlySet<number> = new Set();
const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** Gallery results: newest first, loaded page by page as the grid scrolls; library events keep it current. */
export const useGallery = create<GalleryState>((set, get) => ({
  ...emptyGallery(),
  filters: {},
  loading: false,
  error: null,
  generation: 0,
  openId: null,
  viewerId: null,
  selected: NONE,
  anchor: null,
  setFilters(patch) {
    set({ filters: cleanFilters({ ...get().filters, ...patch }) });
    void get().reload();
  },
  clearFilters() {
    set({ filters: {} });
    void get().reload();
  },
  async reload() {
    set({ ...emptyGallery(), generation: get().generation + 1, loading: false, error: null, selected: NONE });
    await get().loadMore();
  },
  async loadMore() {
    const state = get();
    if (state.loading || state.done) return;
    const generation = state.generation;
    const limit = state.items.length === 0 ? FIRST_PAGE_SIZE : PAGE_SIZE;
    set({ loading: true });
    try {
      const after = nextCursor(state);
      const page = await api.call('library.search', { ...state.filters, limit, ...(after ? { after } : {}) });
      if (get().generation !== generation) return;
      set((s) => ({ ...appendPage(s, page, limit), loading: false, error: null }));
    } catch (err) {
      if (get().generation === generation) set({ loading: false, error: errorMessage(err) });
    }
  },
  open(id) {
    set({ openId: id });
  },
  view(id) {
    set({ viewerId: id });
  },
  toggle(id, range = false) {
    const { selected, anchor, items } = get();
    const next = new Set(selected);
    if (range && anchor !== null) {
      // A range takes the anchor's state: ticking from a ticked one ticks them all.
      const on = selected.has(anchor);
      for (const r of rangeIds(items, anchor, id)) {
        if (on) next.add(r);
        else next.delete(r);
      }
    } else if (next.has(id)) next.delete(id);
    else next.add(id);
    set({ selected: next, anchor: id });
  },
  selectAll() {
    set({ selected: new Set(get().items.map((o) => o.id)) });
  },
  clearSelection() {
    set({ selected: NONE, anchor: null });
  },
  async setFavourite(id, favourite) {
    await report(
      () => api.call('library.favourite', { id, favourite }),
      favourite ? 'Added to favourites.' : 'Removed from favourites.',
    );
  },
  async favouriteSelected(favourite) {
    const ids = [...get().selected];
    const byId = new Map(get().items.map((o) => [o.id, o] as const));
    const todo = ids.filter((id) => byId.get(id)?.favourite !== favourite);
    let failed: string | null = null;
    // A few at a time: the core answers each in a millisecond, the socket stays free for everything else.
    for (const part of chunks(todo, 8)) {
      const results = await Promise.allSettled(part.map((id) => api.call('library.favourite', { id, favourite })));
      for (const r of results) if (r.status === 'rejected') failed = errorMessage(r.reason);
    }
    if (failed) toast.error(failed);
    else
      toast.success(
        favourite ? `${plural(ids.length, 'output')} in favourites.` : `${plural(ids.length, 'output')} unfavourited.`,
      );
  },
  async remove(ids) {
    const removed: number[] = [];
    for (const part of chunks(ids, 1000)) {
      const r = await report(() => api.call('library.delete', { ids: part }));
      if (!r) break;
      removed.push(...r.removed);
    }
    if (removed.length === 0) return false;
    toast.success(`Deleted ${plural(removed.length, 'output')}.`);
    set((s) => withoutOutputs(s, removed));
    return removed.length === ids.length;
  },
}));

/** An output of the loaded results, or null. */
export function loadedOutput(id: number | null): Output | null {
  if (id === null) return null;
  return useGallery.getState().items.find((o) => o.id === id) ?? null;
}

api.on('library.added', (outputs) => useGallery.setState((s) => applyAdded(s, outputs, s.filters)));
api.on('library.changed', (change) => useGallery.setState((s) => applyChanged(s, change, s.filters)));
api.on('library.removed', ({ ids }) => useGallery.setState((s) => withoutOutputs(s, ids)));
onResync(() => {
  if (useGallery.getState().generation > 0) void useGallery.getState().reload();
});
