import { useRef, type ReactNode } from 'react';
import { Dialog as D } from 'radix-ui';

interface Props {
  /** The dialog's accessible name (and heading when `showTitle`). */
  title: string;
  onClose(): void;
  children: ReactNode;
  /**
   * `wide`: a large panel (up to 1240×860); `sheet`: the whole window on a phone, a tall panel on the right
   * otherwise; `fullscreen`: edge to edge, dark.
   */
  variant?: 'default' | 'wide' | 'sheet' | 'fullscreen';
  /** The same as `variant="wide"`. */
  wide?: boolean;
  /** Show the title as the heading; off when the content draws its own. */
  showTitle?: boolean;
  testId?: string;
}

/**
 * A modal dialog, open while it is rendered: focus moves in and stays in (Tab wraps), Escape closes the innermost
 * one wherever the focus is, a click on the backdrop closes it, and focus returns where it was. Radix Dialog does
 * the work; an element marked `data-autofocus` takes the first focus.
 */
export function Dialog({ title, onClose, children, variant = 'default', wide, showTitle = false, testId }: Props) {
  const look = wide ? 'wide' : variant;
  const before = useRef<HTMLElement | null>(
    typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null),
  );
  return (
    <D.Root open onOpenChange={(open) => !open && onClose()}>
      <D.Portal>
        <D.Overlay className="dialog-overlay" />
        <D.Content
          className={`dialog${look === 'default' ? '' : ` ${look}`}`}
          aria-label={title}
          aria-describedby={undefined}
          data-testid={testId}
          onOpenAutoFocus={(e) => {
            // The marked element, else the dialog itself: focusing its first button would pop that button's tooltip.
            e.preventDefault();
            const content = e.currentTarget as HTMLElement | null;
            (content?.querySelector<HTMLElement>('[data-autofocus]') ?? content)?.focus();
          }}
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            const el = before.current;
            if (el?.isConnected) el.focus();
          }}
        >
          <D.Title className={showTitle ? 'dialog-title' : 'sr-only'}>{title}</D.Title>
          {children}
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
