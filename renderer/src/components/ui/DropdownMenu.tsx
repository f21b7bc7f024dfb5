import { DropdownMenu as M } from 'radix-ui';
import type { ReactElement, ReactNode } from 'react';

export interface MenuAction {
  label: string;
  icon?: ReactNode;
  onSelect(): void;
  danger?: boolean;
  disabled?: boolean;
}

interface Props {
  trigger: ReactElement;
  items: readonly MenuAction[];
  label?: string;
  align?: 'start' | 'center' | 'end';
}

/** A menu of actions behind one button (arrow keys, type-ahead, Escape). */
export function DropdownMenu({ trigger, items, label, align = 'end' }: Props) {
  return (
    <M.Root>
      <M.Trigger asChild>{trigger}</M.Trigger>
      <M.Portal>
        <M.Content className="menu" align={align} sideOffset={6} collisionPadding={8} aria-label={label}>
          {items.map((item) => (
            <M.Item
              key={item.label}
              className={`menu-item${item.danger ? ' danger' : ''}`}
              disabled={item.disabled}
              onSelect={item.onSelect}
            >
              {item.icon && (
                <span className="menu-icon" aria-hidden="true">
                  {item.icon}
                </span>
              )}
              {item.label}
            </M.Item>
          ))}
        </M.Content>
      </M.Portal>
    </M.Root>
  );
}
