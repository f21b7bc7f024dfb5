import { useState } from 'react';
import { Download, Star, StarOff, Trash2, X } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { IconButton } from '../../components/ui/IconButton';
import { downloadMany } from '../../lib/download';
import { errorMessage } from '../../lib/format';
import { useGallery } from '../../stores/gallery-store';
import { toast } from '../../stores/toast-store';
import { DeleteOutputDialog } from './DeleteOutputDialog';

/** What to do with the ticked outputs: favourite, download (one ZIP), delete; Esc or × unticks them all. */
export function SelectionBar() {
  const selected = useGallery((s) => s.selected);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState<'favourite' | 'download' | null>(null);
  if (selected.size === 0) return null;
  const ids = [...selected];
  const outputs = () => {
    const byId = new Map(useGallery.getState().items.map((o) => [o.id, o] as const));
    return ids.map((id) => byId.get(id)).filter((o) => o !== undefined);
  };
  const allFavourite = outputs().every((o) => o.favourite);
  const run = async (kind: 'favourite' | 'download', action: () => Promise<void>) => {
    setBusy(kind);
    try {
      await action();
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected outputs" data-testid="selection-bar">
      <IconButton
        label="Clear the selection (Esc)"
        icon={<X size={18} />}
        onClick={() => useGallery.getState().clearSelection()}
      />
      <span className="selection-count" aria-live="polite" data-testid="selection-count">
        {ids.length.toLocaleString()} selected
      </span>
      <Button variant="ghost" size="sm" onClick={() => useGallery.getState().selectAll()}>
        Select all loaded
      </Button>
      <span className="spacer" />
      <Button
        icon={allFavourite ? <StarOff size={16} /> : <Star size={16} />}
        loading={busy === 'favourite'}
        onClick={() => void run('favourite', () => useGallery.getState().favouriteSelected(!allFavourite))}
      >
        {allFavourite ? 'Unfavourite' : 'Favourite'}
      </Button>
      <Button
        icon={<Download size={16} />}
        loading={busy === 'download'}
        onClick={() => void run('download', () => downloadMany(outputs()))}
      >
        Download
      </Button>
      <Button variant="danger" icon={<Trash2 size={16} />} onClick={() => setConfirm(true)} data-testid="bulk-delete">
        Delete
      </Button>
      {confirm && <DeleteOutputDialog ids={ids} onClose={() => setConfirm(false)} />}
    </div>
  );
}
