import { useLayoutEffect, useMemo, useRef } from 'react';
import { useHealth } from '../stores/health-store';

interface Props {
  /** Shown while there is no line yet. */
  empty?: string;
  /** Show only the last lines (the setup guide); all kept lines by default. */
  last?: number;
  /** Only the lines of this launched ComfyUI (a GPU's number, null for the single one); all by default. */
  device?: number | null;
  /** Its accessible name (default "ComfyUI log"). */
  label?: string;
}

/** The launched ComfyUI's output, live; it follows the newest line unless the user scrolled up to read. */
export function LiveLog({
  empty = 'No output yet. The log shows here when ComfyDesk launches ComfyUI.',
  last,
  device,
  label = 'ComfyUI log',
}: Props) {
  const kept = useHealth((s) => s.log);
  const all = useMemo(() => (device === undefined ? kept : kept.filter((l) => l.device === device)), [kept, device]);
  const log = last ? all.slice(-last) : all;
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);
  return (
    <pre
      ref={ref}
      className={`log${log.length === 0 ? ' log-empty' : ''}`}
      tabIndex={0}
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {log.length === 0 ? <span className="muted">{empty}</span> : null}
      {log.map((l, i) => (
        <div key={`${l.at}-${i}`} className={l.stream === 'stderr' ? 'stderr' : undefined}>
          {l.text}
        </div>
      ))}
    </pre>
  );
}
