interface Props {
  width?: number | string;
  height?: number | string;
  /** Several lines of text. */
  lines?: number;
  className?: string;
}

/** A grey placeholder where content is loading (hidden from screen readers; say "Loading" elsewhere). */
export function Skeleton({ width = '100%', height = 14, lines = 1, className }: Props) {
  return (
    <span className={`skeleton-group${className ? ` ${className}` : ''}`} aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton" style={{ width: i === lines - 1 && lines > 1 ? '60%' : width, height }} />
      ))}
    </span>
  );
}
