import { Tabs as T } from 'radix-ui';
import type { ReactNode } from 'react';

export interface TabSpec {
  id: string;
  label: ReactNode;
  content: ReactNode;
}

interface Props {
  tabs: readonly TabSpec[];
  value: string;
  onValueChange(value: string): void;
  label: string;
}

/** Sections of one page behind a tab row (arrow keys move between tabs). */
export function Tabs({ tabs, value, onValueChange, label }: Props) {
  return (
    <T.Root className="tabs" value={value} onValueChange={onValueChange}>
      <T.List className="tab-list" aria-label={label}>
        {tabs.map((t) => (
          <T.Trigger key={t.id} value={t.id} className="tab" data-testid={`tab-${t.id}`}>
            {t.label}
          </T.Trigger>
        ))}
      </T.List>
      {tabs.map((t) => (
        <T.Content key={t.id} value={t.id} className="tab-panel">
          {t.content}
        </T.Content>
      ))}
    </T.Root>
  );
}
