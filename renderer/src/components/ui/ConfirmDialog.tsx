import { Button } from './Button';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  /** A destructive action gets the danger button (the default). */
  danger?: boolean;
}

/** "Are you sure?": Cancel has the focus, so Enter never destroys by accident. */
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel, danger = true }: Props) {
  return (
    <Dialog title={title} onClose={onCancel} showTitle>
      <p className="dialog-message">{message}</p>
      <div className="actions">
        <Button onClick={onCancel} data-autofocus>
          Cancel
        </Button>
        <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
