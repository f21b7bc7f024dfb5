import type { ReactNode } from 'react';
import type { LucideIcon } from 'lucide-react';

interface Props {
  icon: LucideIcon;
  /** One sentence: what is missing and why. */
  children: ReactNode;
  /** The next step (usually a Button). */
  action?: ReactNode;
  testId?: string;
  compact?: boolean;
}

/** Nothing to show yet: an icon, a sentence and the button that gets the user further. */
export function EmptyState({ icon: Icon, children, action, testId, compact }: Props) {
  return (
    <div className={`empty-state${compact ? ' compact' : ''}`} data-testid={testId}>
      <Icon className="empty-icon" aria-hidden="true" />
      <p className="empty">{children}</p>
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}
