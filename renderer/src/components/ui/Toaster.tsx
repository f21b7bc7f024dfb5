import { Toast as T } from 'radix-ui';
import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { useToasts, type ToastKind } from '../../stores/toast-store';

/** Success and info fade after a few seconds (paused while hovered or focused); errors wait to be dismissed. */
const DURATION: Record<ToastKind, number> = { success: 4000, info: 5000, error: Infinity };
const ICON = { success: CircleCheck, error: CircleAlert, info: Info } as const;

/**
 * The toasts, bottom left over the sidebar's foot: every page keeps its primary buttons on the right, so a toast
 * never covers one. F8 moves the focus to them.
 */
export function Toaster() {
  const { toasts, dismiss } = useToasts();
  return (
    <T.Provider swipeDirection="left" label="Notification">
      {toasts.map((t) => {
        const Icon = ICON[t.kind];
        return (
          <T.Root
            key={t.id}
            className={`toast ${t.kind}`}
            type={t.kind === 'error' ? 'foreground' : 'background'}
            duration={DURATION[t.kind]}
            onOpenChange={(open) => !open && dismiss(t.id)}
            data-testid={`toast-${t.kind}`}
          >
            <Icon className="toast-icon" size={18} aria-hidden="true" />
            <T.Description className="toast-text">{t.text}</T.Description>
            <T.Close className="btn btn-ghost btn-sm btn-icon-only toast-close" aria-label="Dismiss">
              <X size={16} aria-hidden="true" />
            </T.Close>
          </T.Root>
        );
      })}
      <T.Viewport className="toasts" />
    </T.Provider>
  );
}
