import { Tooltip as T } from 'radix-ui';
import type { ReactElement, ReactNode } from 'react';

/** One provider for the app: tooltips open after a short delay and skip it when moving between them. */
export function TooltipProvider({ children }: { children: ReactNode }) {
  return (
    <T.Provider delayDuration={400} skipDelayDuration={200}>
      {children}
    </T.Provider>
  );
}

interface Props {
  content: ReactNode;
  children: ReactElement;
  side?: 'top' | 'right' | 'bottom' | 'left';
  /** Off: render the child alone (e.g. an expanded sidebar whose labels already show). */
  disabled?: boolean;
}

/** A short label shown on hover and keyboard focus; the child must be focusable. */
export function Tooltip({ content, children, side = 'top', disabled }: Props) {
  if (disabled) return children;
  // Its own provider too, so a component with tooltips renders anywhere (tests render pages alone); the app-wide
  // provider's delays apply when there is one around.
  return (
    <T.Provider delayDuration={400} skipDelayDuration={200}>
      <T.Root>
        <T.Trigger asChild>{children}</T.Trigger>
        <T.Portal>
          <T.Content className="tooltip" side={side} sideOffset={6} collisionPadding={8}>
            {content}
          </T.Content>
        </T.Portal>
      </T.Root>
    </T.Provider>
  );
}
