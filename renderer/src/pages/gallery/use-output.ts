import { useEffect, useRef, useState } from 'react';
import type { Output } from '@shared/library';
import { api } from '../../api/client';
import { useGallery } from '../../stores/gallery-store';

/**
 * One output for the details panel or the lightbox: from the loaded results, else asked of the core (opened from
 * the queue, or filtered out). While the results reload it stays the one last seen, so what shows it does not
 * blink (and keeps the keyboard's focus). `onGone` runs when the core no longer has it.
 */
export function useOutput(id: number, onGone: () => void): Output | null {
  const loaded = useGallery((s) => s.items.find((o) => o.id === id) ?? null);
  const [fetched, setFetched] = useState<Output | null>(null);
  const last = useRef<Output | null>(null);
  const gone = useRef(onGone);
  gone.current = onGone;
  useEffect(() => {
    if (loaded) return;
    let live = true;
    api.call('library.get', { id }).then(
      (o) => live && setFetched(o),
      () => live && gone.current(),
    );
    return () => {
      live = false;
    };
  }, [id, loaded]);
  const current = loaded ?? (fetched?.id === id ? fetched : null) ?? (last.current?.id === id ? last.current : null);
  if (current) last.current = current;
  return current;
}
