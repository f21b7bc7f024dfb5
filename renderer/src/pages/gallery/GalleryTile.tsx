import { memo, useEffect, useState } from 'react';
import { Check, Play, Star } from 'lucide-react';
import type { Output } from '@shared/library';
import { mediaUrl } from '../../api/media';
import { useGallery } from '../../stores/gallery-store';

/**
 * A tile mounted while the grid flies past (a fast scroll, a jump to the end) asks for its thumbnail only once
 * it stayed on screen this long: the rows scrolled over request nothing, the screen the user stops on loads.
 * Tiles mounted while the grid is still load at once.
 */
const SETTLE_MS = 90;

interface Props {
  output: Output;
  index: number;
  /** Width ÷ height: a full row shares its width by this. */
  aspect: number;
  /** An unfinished last row keeps its height: the tile's width in px, else null. */
  fixedWidth: number | null;
  focused: boolean;
  selected: boolean;
  /** Some output is ticked: a click ticks instead of opening. */
  selecting: boolean;
  open: boolean;
  version: number;
  workflowTitle: string;
  /** Who asked: a Discord name, or "You". */
  who: string;
  /** Mounted during a fast scroll: wait before loading the thumbnail. */
  defer: boolean;
}

/** One output in the grid: its thumbnail at its own shape, a caption on hover or focus, a tick box. */
export const GalleryTile = memo(function GalleryTile({
  output,
  index,
  aspect,
  fixedWidth,
  focused,
  selected,
  selecting,
  open,
  version,
  workflowTitle,
  who,
  defer,
}: Props) {
  const [settled, setSettled] = useState(!defer);
  // The tick box exists where it can be used: under the pointer, on the focused tile, while selecting.
  const [hot, setHot] = useState(false);
  useEffect(() => {
    if (settled) return;
    const t = setTimeout(() => setSettled(true), SETTLE_MS);
    return () => clearTimeout(t);
  }, [settled]);
  const src = !settled
    ? null
    : output.thumbnailPath
      ? mediaUrl('thumb', output.id, version || null)
      : output.kind === 'image'
        ? mediaUrl('file', output.id)
        : null;
  const gallery = useGallery.getState;
  const classes = ['tile', focused && 'focused', selected && 'selected', open && 'open'].filter(Boolean).join(' ');
  return (
    <div
      role="gridcell"
      id={`tile-${output.id}`}
      aria-selected={selected}
      className={classes}
      style={fixedWidth === null ? { flex: `${aspect} 1 0`, minWidth: 0 } : { width: fixedWidth, flex: 'none' }}
      data-index={index}
      data-testid="gallery-tile"
      data-output-id={output.id}
      onClick={(e) => {
        if (e.shiftKey || e.ctrlKey || e.metaKey || selecting) gallery().toggle(output.id, e.shiftKey);
        else gallery().open(output.id);
      }}
      onDoubleClick={() => !selecting && gallery().view(output.id)}
      onMouseEnter={() => setHot(true)}
      onMouseLeave={() => setHot(false)}
      onContextMenu={(e) => {
        // A long press on a touch screen: start (or extend) a selection.
        if (!matchMedia('(hover: none)').matches) return;
        e.preventDefault();
        gallery().toggle(output.id);
      }}
    >
      {src ? (
        <img src={src} alt="" decoding="async" draggable={false} />
      ) : (
        <div className="tile-placeholder" aria-hidden="true">
          {settled && <Play size={28} />}
        </div>
      )}
      {(hot || focused || selecting || selected) && (
        <button
          type="button"
          className="tile-check"
          role="checkbox"
          aria-checked={selected}
          aria-label={selected ? 'Selected' : 'Select'}
          tabIndex={-1}
          data-testid="tile-select"
          onClick={(e) => {
            e.stopPropagation();
            gallery().toggle(output.id, e.shiftKey);
          }}
        >
          <Check size={14} strokeWidth={3} aria-hidden="true" />
        </button>
      )}
      {output.kind === 'video' && (
        <span className="tile-badge">
          <Play size={12} aria-hidden="true" /> video
        </span>
      )}
      {output.favourite && (
        <span className="tile-fav" aria-hidden="true">
          <Star size={16} fill="currentColor" />
        </span>
      )}
      <div className="tile-caption">
        <p className="tile-prompt" id={`tile-${output.id}-prompt`}>
          {output.prompt || 'No prompt'}
        </p>
        <p className="tile-meta" id={`tile-${output.id}-meta`}>
          {output.kind === 'video' ? 'Video · ' : ''}
          {workflowTitle} · {who}
        </p>
      </div>
    </div>
  );
});
