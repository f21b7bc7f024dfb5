import { Popover as P } from 'radix-ui';
import type { ReactElement, ReactNode } from 'react';

interface Props {
  /** The element that opens it (a Button). */
  trigger: ReactElement;
  children: ReactNode;
  open?: boolean;
  onOpenChange?(open: boolean): void;
  align?: 'start' | 'center' | 'end';
  label?: string;
}

/** Non-modal content anchored to a button: Escape and a click outside close it, focus returns to the button. */
export function Popover({ trigger, children, open, onOpenChange, align = 'start', label }: Props) {
  return (
    <P.Root open={open} onOpenChange={onOpenChange}>
      <P.Trigger asChild>{trigger}</P.Trigger>
      <P.Portal>
        <P.Content className="popover" align={align} sideOffset={6} collisionPadding={8} aria-label={label}>
          {children}
        </P.Content>
      </P.Portal>
    </P.Root>
  );
}
