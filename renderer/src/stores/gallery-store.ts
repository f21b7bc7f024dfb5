import { create } from 'zustand';
import { api } from '../api/client';
import { onResync } from './app-store';
import { errorMessage } from '../lib/format';
import { report } from './toast-store';
import {
  appendPage,
  applyAdded,
  applyChanged,
  applyRemoved,
  emptyGallery,
  nextCursor,
  type GalleryData,
  type GalleryFilters,
} from './gallery-logic';

export const PAGE_SIZE = 500;

interface GalleryState extends GalleryData {
  filters: GalleryFilters;
  loading: boolean;
  error: string | null;
  /** Bumped per new search so a late page of an old search is dropped. */
  generation: number;
  /** The output shown in the detail view. */
  openId: number | null;
  setFilters(patch: Partial<GalleryFilters>): void;
  loadMore(): Promise<void>;
  reload(): Promise<void>;
  open(id: number | null): void;
  setFavourite(id: number, favourite: boolean): Promise<void>;
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

/** The results without `ids`; the detail view closes when it showed one of them. */
function withoutOutputs(s: GalleryState, ids: readonly number[]): Partial<GalleryState> {
  return { ...applyRemoved(s, ids), openId: s.openId !== null && ids.includes(s.openId) ? null : s.openId };
}

/** Gallery results: newest first, loaded page by page as the grid scrolls; library events keep it current. */
export const useGallery = create<GalleryState>((set, get) => ({
  ...emptyGallery(),
  filters: {},
  loading: false,
  error: null,
  generation: 0,
  openId: null,
  setFilters(patch) {
    set({ filters: cleanFilters({ ...get().filters, ...patch }) });
    void get().reload();
  },
  async reload() {
    set({ ...emptyGallery(), generation: get().generation + 1, loading: false, error: null });
    await get().loadMore();
  },
  async loadMore() {
    const state = get();
    if (state.loading || state.done) return;
    const generation = state.generation;
    set({ loading: true });
    try {
      const after = nextCursor(state);
      const page = await api.call('library.search', {
        ...state.filters,
        limit: PAGE_SIZE,
        ...(after ? { after } : {}),
      });
      if (get().generation !== generation) return;
      set((s) => ({ ...appendPage(s, page, PAGE_SIZE), loading: false, error: null }));
    } catch (err) {
      if (get().generation === generation) set({ loading: false, error: errorMessage(err) });
    }
  },
  open(id) {
    set({ openId: id });
  },
  async setFavourite(id, favourite) {
    await report(
      () => api.call('library.favourite', { id, favourite }),
      favourite ? 'Added to favourites.' : 'Removed from favourites.',
    );
  },
  async remove(ids) {
    const r = await report(
      () => api.call('library.delete', { ids }),
      (x) => `Deleted ${x.removed.length} output${x.removed.length === 1 ? '' : 's'}.`,
    );
    if (!r) return false;
    set((s) => withoutOutputs(s, r.removed));
    return true;
  },
}));

api.on('library.added', (outputs) => useGallery.setState((s) => applyAdded(s, outputs, s.filters)));
api.on('library.changed', (change) => useGallery.setState((s) => applyChanged(s, change, s.filters)));
api.on('library.removed', ({ ids }) => useGallery.setState((s) => withoutOutputs(s, ids)));
onResync(() => {
  if (useGallery.getState().generation > 0) void useGallery.getState().reload();
});
