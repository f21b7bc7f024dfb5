import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { useGallery } from '../../stores/gallery-store';

/** "Delete this output?" — the one confirmation the grid (Delete key) and the detail view share. */
export function DeleteOutputDialog({ id, onClose }: { id: number; onClose: () => void }) {
  return (
    <ConfirmDialog
      title="Delete this output?"
      message="The file, its thumbnail and its entry are removed from the library. This cannot be undone."
      confirmLabel="Delete"
      onCancel={onClose}
      onConfirm={() => {
        onClose();
        void useGallery.getState().remove([id]);
      }}
    />
  );
}
