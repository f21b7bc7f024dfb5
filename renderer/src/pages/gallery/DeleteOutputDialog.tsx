import { ConfirmDialog } from '../../components/ui/ConfirmDialog';
import { useGallery } from '../../stores/gallery-store';

/** "Delete this output?" / "Delete 12 outputs?": the one confirmation the grid, the panel and the bulk bar share. */
export function DeleteOutputDialog({ ids, onClose }: { ids: number[]; onClose: () => void }) {
  const many = ids.length > 1;
  return (
    <ConfirmDialog
      title={many ? `Delete ${ids.length.toLocaleString()} outputs?` : 'Delete this output?'}
      message={`The ${many ? 'files, their thumbnails and their entries are' : 'file, its thumbnail and its entry are'} removed from the library. This cannot be undone.`}
      confirmLabel={many ? `Delete ${ids.length.toLocaleString()}` : 'Delete'}
      onCancel={onClose}
      onConfirm={() => {
        onClose();
        void useGallery.getState().remove(ids);
      }}
    />
  );
}
