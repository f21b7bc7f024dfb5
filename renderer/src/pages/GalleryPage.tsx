import { useEffect } from 'react';
import { Button } from '../components/ui/Button';
import { useGallery } from '../stores/gallery-store';
import { GalleryFiltersBar } from './gallery/GalleryFiltersBar';
import { GalleryGrid } from './gallery/GalleryGrid';
import { OutputDetail } from './gallery/OutputDetail';

export function GalleryPage() {
  const { items, total, totalCapped, loading, error, openId, generation } = useGallery();
  useEffect(() => {
    if (useGallery.getState().generation === 0) void useGallery.getState().reload();
  }, []);
  return (
    <section className="page gallery-page" aria-labelledby="gallery-title">
      <header className="page-header">
        <h1 id="gallery-title">Gallery</h1>
        <span className="muted" data-testid="gallery-count" aria-live="polite">
          {generation === 0 || (loading && items.length === 0)
            ? 'Loading…'
            : `${total.toLocaleString()}${totalCapped ? '+' : ''} ${total === 1 ? 'output' : 'outputs'}`}
        </span>
      </header>
      <GalleryFiltersBar />
      {error && (
        <p role="alert" className="banner error">
          {error}{' '}
          <Button size="sm" onClick={() => void useGallery.getState().reload()}>
            Retry
          </Button>
        </p>
      )}
      <GalleryGrid />
      {openId !== null && <OutputDetail id={openId} />}
    </section>
  );
}
