import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'accent' | 'ok' | 'warn' | 'danger';

interface Props {
  children: ReactNode;
  /** Neutral for counts; colours only for a state (running, failed…). */
  tone?: BadgeTone;
  /** What a screen reader says instead of the bare content. */
  label?: string;
  className?: string;
}

/** A small count or state. Counts are neutral: a number of jobs is news, not an error. */
export function Badge({ children, tone = 'neutral', label, className }: Props) {
  const cls = ['badge', tone === 'neutral' ? '' : `badge-${tone}`, className].filter(Boolean).join(' ');
  return (
    <span className={cls} aria-label={label}>
      {children}
    </span>
  );
}
