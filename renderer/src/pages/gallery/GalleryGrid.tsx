import { useVirtualizer } from '@tanstack/react-virtual';
import { ImageOff, Play, SearchX, Star } from 'lucide-react';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Output } from '@shared/library';
import { mediaUrl } from '../../api/media';
import { moveFocus } from '../../stores/gallery-logic';
import { Button } from '../../components/ui/Button';
import { EmptyState } from '../../components/ui/EmptyState';
import { DeleteOutputDialog } from './DeleteOutputDialog';
import { useNav } from '../../stores/nav-store';
import { useGallery } from '../../stores/gallery-store';

/** Tiles are at least this wide; the columns then share the row's width. */
const MIN_TILE = 180;
const GAP = 10;

/**
 * A tile asks for its thumbnail only once it stayed on screen for a moment: a fast scroll over thousands of rows
 * then requests nothing for the rows it flew past, and the screen it stops on loads at once.
 */
const SETTLE_MS = 90;

const Tile = memo(function Tile({
  output,
  index,
  focused,
  version,
}: {
  output: Output;
  index: number;
  focused: boolean;
  version: number;
}) {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setSettled(true), SETTLE_MS);
    return () => clearTimeout(t);
  }, []);
  const src = !settled
    ? null
    : output.thumbnailPath
      ? mediaUrl('thumb', output.id, version || null)
      : output.kind === 'image'
        ? mediaUrl('file', output.id)
        : null;
  return (
    <div
      role="gridcell"
      id={`tile-${output.id}`}
      aria-selected={focused}
      aria-label={`${output.kind === 'video' ? 'Video' : 'Image'}: ${output.prompt || 'no prompt'}`}
      className={`tile${focused ? ' focused' : ''}`}
      data-index={index}
      data-testid="gallery-tile"
      data-output-id={output.id}
      onClick={() => useGallery.getState().open(output.id)}
    >
      {src ? (
        <img src={src} alt="" decoding="async" draggable={false} />
      ) : (
        <div className="tile-placeholder" aria-hidden="true">
          {settled && <Play size={28} />}
        </div>
      )}
      {output.kind === 'video' && (
        <span className="tile-badge">
          <Play size={12} aria-hidden="true" /> video
        </span>
      )}
      {output.favourite && (
        <span className="tile-fav" aria-hidden="true">
          <Star size={18} fill="currentColor" />
        </span>
      )}
    </div>
  );
});

/** The virtualized thumbnail grid: only visible rows exist in the DOM; more pages load near the end. */
export function GalleryGrid() {
  const { items, done, loading, error, thumbVersion, loadMore } = useGallery();
  const filtered = useGallery((s) => Object.values(s.filters).some((v) => v !== undefined));
  const scrollRef = useRef<HTMLDivElement>(null);
  const [{ columns, tile }, setLayout] = useState({ columns: 5, tile: MIN_TILE });
  const [focus, setFocus] = useState(0);
  const [confirm, setConfirm] = useState<Output | null>(null);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      const width = el.clientWidth - 2 * GAP;
      const cols = Math.max(1, Math.floor((width + GAP) / (MIN_TILE + GAP)));
      setLayout({ columns: cols, tile: Math.floor((width - GAP * (cols - 1)) / cols) });
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const rows = Math.ceil(items.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => tile + GAP,
    overscan: 4,
  });
  useEffect(() => virtualizer.measure(), [tile, virtualizer]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? 0;

  // After a failed page the banner's Retry asks again: retrying here would hammer the core in a tight loop.
  useEffect(() => {
    if (!done && !loading && !error && (rows === 0 || lastRow >= rows - 6)) void loadMore();
  }, [lastRow, rows, done, loading, error, loadMore]);

  useEffect(() => {
    if (focus >= items.length && items.length > 0) setFocus(items.length - 1);
  }, [items.length, focus]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const current = items[focus];
    if (e.key === 'Enter' || e.key === ' ') {
      if (current) useGallery.getState().open(current.id);
      e.preventDefault();
      return;
    }
    if (e.key === 'Delete' && current) {
      setConfirm(current);
      e.preventDefault();
      return;
    }
    if (e.key.toLowerCase() === 'f' && current && !e.ctrlKey && !e.metaKey) {
      void useGallery.getState().setFavourite(current.id, !current.favourite);
      e.preventDefault();
      return;
    }
    const next = moveFocus(
      focus,
      e.key,
      columns,
      items.length,
      Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / (tile + GAP))),
    );
    if (next !== focus && next >= 0) {
      e.preventDefault();
      setFocus(next);
      virtualizer.scrollToIndex(Math.floor(next / columns), { align: 'auto' });
    }
  };

  const focusedId = items[focus]?.id;
  return (
    <>
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label="Outputs, newest first. Arrow keys move, Enter opens, F favourites, Delete deletes."
        aria-rowcount={rows}
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
              filtered ? undefined : (
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
          {virtualRows.map((row) => (
            <div
              key={row.key}
              role="row"
              aria-rowindex={row.index + 1}
              className="grid-row"
              style={{
                transform: `translateY(${row.start}px)`,
                height: tile,
                gap: GAP,
                gridTemplateColumns: `repeat(${columns}, ${tile}px)`,
              }}
            >
              {items.slice(row.index * columns, row.index * columns + columns).map((o, i) => {
                const index = row.index * columns + i;
                return (
                  <Tile
                    key={o.id}
                    output={o}
                    index={index}
                    focused={index === focus}
                    version={thumbVersion[o.id] ?? 0}
                  />
                );
              })}
            </div>
          ))}
        </div>
        {loading && <p className="grid-loading muted">Loading…</p>}
      </div>
      {confirm && <DeleteOutputDialog id={confirm.id} onClose={() => setConfirm(null)} />}
    </>
  );
}
