import { useVirtualizer } from '@tanstack/react-virtual';
import { ImageOff, SearchX } from 'lucide-react';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Output } from '@shared/library';
import { aspectOf, layoutJustified, moveInLayout, rowOf, type JustifiedLayout } from '../../lib/justified-layout';
import { Button } from '../../components/ui/Button';
import { EmptyState } from '../../components/ui/EmptyState';
import { DeleteOutputDialog } from './DeleteOutputDialog';
import { GalleryTile } from './GalleryTile';
import { useCatalog } from '../../stores/catalog-store';
import { useNav } from '../../stores/nav-store';
import { useGallery } from '../../stores/gallery-store';
import { displayName, usePeople } from '../../stores/people-store';

const GAP = 8;
/** Rows are about this high; lower on a phone so two or three pictures share a row. */
const rowTarget = (width: number) => (width < 560 ? 150 : width < 1000 ? 190 : 230);

const aspectOfOutput = (o: Output | undefined) => aspectOf(o?.width, o?.height);

/**
 * The virtualized gallery: justified rows (each picture at its own shape), only the rows in view in the DOM, more
 * pages loaded near the end. Keyboard: arrows move, Enter opens the details, O the lightbox, Space ticks,
 * F favourites, Delete deletes (the ticked ones, else the focused one).
 */
export function GalleryGrid() {
  const { items, done, loading, error, thumbVersion, loadMore, generation, selected, openId } = useGallery();
  const filtered = useGallery((s) => Object.keys(s.filters).length > 0);
  const workflows = useCatalog((s) => s.workflows);
  const titles = useMemo(() => new Map(workflows.map((w) => [w.manifest.id, w.manifest.title])), [workflows]);
  const names = usePeople((s) => s.names);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [focus, setFocus] = useState(0);
  const [confirm, setConfirm] = useState<number[] | null>(null);
  const layoutRef = useRef<JustifiedLayout | null>(null);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth - 2 * GAP);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const aspect = (i: number) => aspectOfOutput(items[i]);
  const layout = useMemo(() => {
    const next = layoutJustified(
      layoutRef.current,
      { width: Math.max(width, 1), target: rowTarget(width), gap: GAP },
      width > 0 ? items.length : 0,
      (i) => aspectOfOutput(items[i]),
      (i) => items[i]?.id,
    );
    layoutRef.current = next;
    return next;
  }, [items, width]);
  const rows = layout.rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.height ?? 200) + GAP,
    overscan: 3,
  });
  // Row heights come from the layout, not from the DOM: a new layout is new sizes.
  useEffect(() => virtualizer.measure(), [layout, virtualizer]);
  const virtualRows = virtualizer.getVirtualItems();
  const firstRow = virtualRows[0]?.index ?? 0;
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? 0;

  // The names of who asked for the pictures in view, asked for in one call.
  useEffect(() => {
    const from = rows[firstRow]?.start ?? 0;
    const last = rows[lastRow];
    const to = last ? last.start + last.count : 0;
    usePeople.getState().ensure([...new Set(items.slice(from, to).map((o) => o.userId))]);
  }, [firstRow, lastRow, rows, items]);
  const scrolling = virtualizer.isScrolling;

  // After a failed page the banner's Retry asks again: retrying here would hammer the core in a tight loop. The
  // page starts the first search (generation 0 is "not searched yet").
  useEffect(() => {
    if (generation > 0 && !done && !loading && !error && (rows.length === 0 || lastRow >= rows.length - 8))
      void loadMore();
  }, [generation, lastRow, rows.length, done, loading, error, loadMore]);

  useEffect(() => {
    if (focus >= items.length && items.length > 0) setFocus(items.length - 1);
  }, [items.length, focus]);

  // The panel's ←/→ and a click on a tile move the grid's focus along.
  useEffect(() => {
    if (openId === null) return;
    const index = useGallery.getState().items.findIndex((o) => o.id === openId);
    if (index >= 0) setFocus(index);
  }, [openId]);

  const moveTo = (next: number) => {
    setFocus(next);
    const r = rowOf(layout, next);
    if (r >= 0) virtualizer.scrollToIndex(r, { align: 'auto' });
    const gallery = useGallery.getState();
    // With the panel open it follows the focus, like a file manager's preview.
    if (gallery.openId !== null && items[next]) gallery.open(items[next].id);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const current = items[focus];
    const gallery = useGallery.getState();
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (e.ctrlKey || e.metaKey) {
      if (key === 'a') {
        gallery.selectAll();
        e.preventDefault();
      }
      return;
    }
    if (current && key === 'Enter') gallery.open(current.id);
    else if (current && key === 'o') gallery.view(current.id);
    else if (current && key === ' ') gallery.toggle(current.id, e.shiftKey);
    else if (current && key === 'f') void gallery.setFavourite(current.id, !current.favourite);
    else if (key === 'Escape' && gallery.selected.size > 0) gallery.clearSelection();
    else if (key === 'Delete' && (gallery.selected.size > 0 || current))
      setConfirm(gallery.selected.size > 0 ? [...gallery.selected] : [current!.id]);
    else {
      const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / (rowTarget(width) + GAP)));
      const next = moveInLayout(layout, focus, e.key, aspect, page);
      if (next === focus || next < 0) return;
      moveTo(next);
    }
    e.preventDefault();
  };

  const focusedId = items[focus]?.id;
  const selecting = selected.size > 0;
  return (
    <>
      <div
        ref={scrollRef}
        className={`grid-scroll${selecting ? ' selection-mode' : ''}`}
        role="grid"
        aria-label="Outputs, newest first. Arrow keys move, Enter shows details, O opens full screen, Space selects, F favourites, Delete deletes."
        aria-multiselectable="true"
        aria-rowcount={rows.length}
        aria-activedescendant={focusedId !== undefined ? `tile-${focusedId}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="gallery-grid"
        data-loaded={items.length}
        data-done={done}
      >
        {items.length === 0 && done && !error && (
          <EmptyState
            icon={filtered ? SearchX : ImageOff}
            testId="gallery-empty"
            action={
              filtered ? (
                <Button onClick={() => useGallery.getState().clearFilters()}>Clear filters</Button>
              ) : (
                <Button variant="primary" onClick={() => useNav.getState().go('generate')}>
                  Generate an image
                </Button>
              )
            }
          >
            {filtered
              ? 'No outputs match these filters. Try other words, or clear the filters.'
              : 'Nothing here yet. Images from Generate and from the Discord bot appear here.'}
          </EmptyState>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualRows.map((v) => {
            const row = rows[v.index];
            if (!row) return null;
            return (
              <div
                key={v.key}
                role="row"
                aria-rowindex={v.index + 1}
                className="grid-row"
                style={{ transform: `translateY(${v.start}px)`, height: row.height, gap: GAP }}
              >
                {items.slice(row.start, row.start + row.count).map((o, i) => {
                  const index = row.start + i;
                  const a = aspectOfOutput(o);
                  return (
                    <GalleryTile
                      key={o.id}
                      output={o}
                      index={index}
                      aspect={a}
                      fixedWidth={row.full ? null : Math.floor(a * row.height)}
                      focused={index === focus}
                      selected={selected.has(o.id)}
                      selecting={selecting}
                      open={o.id === openId}
                      version={thumbVersion[o.id] ?? 0}
                      workflowTitle={titles.get(o.workflow) ?? o.workflow}
                      who={displayName(o.userId, names)}
                      defer={scrolling}
                    />
                  );
                })}
              </div>
            );
          })}
        </div>
        {loading && items.length > 0 && <p className="grid-loading muted">Loading…</p>}
      </div>
      {confirm && <DeleteOutputDialog ids={confirm} onClose={() => setConfirm(null)} />}
    </>
  );
}
