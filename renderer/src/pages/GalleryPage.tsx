import { lazy, Suspense, useEffect } from 'react';
import { Button } from '../components/ui/Button';
import { useGallery } from '../stores/gallery-store';
import { DetailPanel } from './gallery/DetailPanel';
import { GalleryFiltersBar } from './gallery/GalleryFiltersBar';
import { GalleryGrid } from './gallery/GalleryGrid';
import { SelectionBar } from './gallery/SelectionBar';

// The lightbox and its zoom library load the first time a picture is opened full screen.
const Lightbox = lazy(() => import('./gallery/Lightbox').then((m) => ({ default: m.Lightbox })));

export function GalleryPage() {
  const { items, total, totalCapped, loading, error, openId, viewerId, generation } = useGallery();
  const selecting = useGallery((s) => s.selected.size > 0);
  useEffect(() => {
    if (useGallery.getState().generation === 0) void useGallery.getState().reload();
  }, []);
  return (
    <section className={`page gallery-page${openId !== null ? ' with-panel' : ''}`} aria-labelledby="gallery-title">
      <div className="gallery-main">
        <header className="page-header">
          <h1 id="gallery-title">Gallery</h1>
          <span className="muted" data-testid="gallery-count" aria-live="polite">
            {generation === 0 || (loading && items.length === 0)
              ? 'Loading…'
              : `${total.toLocaleString()}${totalCapped ? '+' : ''} ${total === 1 ? 'output' : 'outputs'}`}
          </span>
        </header>
        {selecting ? <SelectionBar /> : <GalleryFiltersBar />}
        {error && (
          <p role="alert" className="banner error">
            {error}{' '}
            <Button size="sm" onClick={() => void useGallery.getState().reload()}>
              Retry
            </Button>
          </p>
        )}
        <GalleryGrid />
      </div>
      {openId !== null && <DetailPanel id={openId} />}
      {viewerId !== null && (
        <Suspense fallback={null}>
          <Lightbox id={viewerId} />
        </Suspense>
      )}
    </section>
  );
}
