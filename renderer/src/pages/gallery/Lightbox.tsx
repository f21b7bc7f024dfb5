import { useEffect, useRef, useState } from 'react';
import { TransformComponent, TransformWrapper, type ReactZoomPanPinchContentRef } from 'react-zoom-pan-pinch';
import { ChevronLeft, ChevronRight, Info, Maximize, X, ZoomIn, ZoomOut } from 'lucide-react';
import { mediaUrl } from '../../api/media';
import { Dialog } from '../../components/ui/Dialog';
import { IconButton } from '../../components/ui/IconButton';
import { useGallery } from '../../stores/gallery-store';
import { useOutput } from './use-output';

const MAX_SCALE = 8;
const STEP = 0.5;

/**
 * One output full screen: the picture fitted to the window, zoom with the wheel, a pinch, double-click or +/−,
 * pan by dragging; ←/→ step through the gallery (the next page loads near the end), 0 fits again, Esc closes.
 */
export function Lightbox({ id }: { id: number }) {
  const output = useOutput(id, () => useGallery.getState().view(null));
  const items = useGallery((s) => s.items);
  const index = items.findIndex((o) => o.id === id);
  const zoom = useRef<ReactZoomPanPinchContentRef>(null);
  const [scale, setScale] = useState(1);
  const close = () => useGallery.getState().view(null);
  const step = (d: number) => {
    const next = index >= 0 ? items[index + d] : undefined;
    if (!next) return;
    useGallery.getState().view(next.id);
    // The panel follows, so closing the lightbox shows the details of the picture last seen.
    if (useGallery.getState().openId !== null) useGallery.getState().open(next.id);
  };
  useEffect(() => {
    // Near the end of what is loaded: ask for the next page before the user gets there.
    const { done, loading, loadMore } = useGallery.getState();
    if (index >= 0 && index > items.length - 5 && !done && !loading) void loadMore();
  }, [index, items.length]);
  // Each picture starts fitted (its TransformWrapper is new, keyed by the id).
  useEffect(() => setScale(1), [id]);

  const showDetails = () => {
    useGallery.getState().open(id);
    close();
  };

  // Keys work wherever the focus is in the window (a zoom button that just got disabled drops it to the page).
  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
  onKey.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'ArrowRight') step(1);
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === '+' || e.key === '=') void zoom.current?.zoomIn(STEP);
    else if (e.key === '-') void zoom.current?.zoomOut(STEP);
    else if (e.key === '0') void zoom.current?.resetTransform();
    else if (e.key === 'i') showDetails();
    else return;
    e.preventDefault();
  };

  const counter = index >= 0 ? `${(index + 1).toLocaleString()} of ${items.length.toLocaleString()}` : '';
  return (
    <Dialog title="Full screen view" onClose={close} variant="fullscreen" testId="lightbox">
      <div className="lightbox" tabIndex={-1} data-autofocus data-scale={scale.toFixed(2)} data-output-id={id}>
        <div className="lightbox-bar">
          <span className="lightbox-counter" aria-live="polite">
            {counter}
          </span>
          <span className="spacer" />
          {output?.kind !== 'video' && (
            <>
              <IconButton
                label="Zoom out (−)"
                icon={<ZoomOut size={18} />}
                disabled={scale <= 1}
                onClick={() => void zoom.current?.zoomOut(STEP)}
              />
              <span className="lightbox-zoom" data-testid="lightbox-zoom">
                {Math.round(scale * 100)}%
              </span>
              <IconButton
                label="Zoom in (+)"
                icon={<ZoomIn size={18} />}
                disabled={scale >= MAX_SCALE}
                onClick={() => void zoom.current?.zoomIn(STEP)}
                data-testid="lightbox-zoom-in"
              />
              <IconButton
                label="Fit to the window (0)"
                icon={<Maximize size={18} />}
                disabled={scale === 1}
                onClick={() => void zoom.current?.resetTransform()}
              />
            </>
          )}
          <IconButton label="Details (I)" icon={<Info size={18} />} onClick={showDetails} />
          <IconButton label="Close (Esc)" icon={<X size={20} />} onClick={close} />
        </div>
        <div className="lightbox-stage">
          {!output ? null : output.kind === 'video' ? (
            <video className="lightbox-video" src={mediaUrl('file', output.id)} controls loop autoPlay muted />
          ) : (
            <TransformWrapper
              key={output.id}
              ref={zoom}
              minScale={1}
              maxScale={MAX_SCALE}
              centerOnInit
              limitToBounds
              doubleClick={{ mode: 'toggle', step: 1.5 }}
              wheel={{ step: 0.15 }}
              onTransform={(_ref, state) => setScale(state.scale)}
            >
              <TransformComponent
                wrapperClass="lightbox-zoom-wrapper"
                contentClass="lightbox-zoom-content"
                wrapperStyle={{ width: '100%', height: '100%' }}
                contentStyle={{ width: '100%', height: '100%' }}
              >
                <img
                  className="lightbox-image"
                  src={mediaUrl('file', output.id)}
                  alt={output.prompt || 'Generated image'}
                  draggable={false}
                  data-testid="lightbox-image"
                />
              </TransformComponent>
            </TransformWrapper>
          )}
          {index > 0 && (
            <IconButton
              className="lightbox-nav prev"
              label="Previous (←)"
              icon={<ChevronLeft size={28} />}
              onClick={() => step(-1)}
            />
          )}
          {index >= 0 && index < items.length - 1 && (
            <IconButton
              className="lightbox-nav next"
              label="Next (→)"
              icon={<ChevronRight size={28} />}
              onClick={() => step(1)}
              data-testid="lightbox-next"
            />
          )}
        </div>
        {output?.prompt && <p className="lightbox-caption">{output.prompt}</p>}
      </div>
    </Dialog>
  );
}
