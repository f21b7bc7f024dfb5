import { useLayoutEffect, useRef } from 'react';
import { useHealth } from '../stores/health-store';

interface Props {
  /** Shown while there is no line yet. */
  empty?: string;
  /** Show only the last lines (the setup guide); all kept lines by default. */
  last?: number;
}

/** The launched ComfyUI's output, live; it follows the newest line unless the user scrolled up to read. */
export function LiveLog({ empty = 'No output yet. The log shows here when ComfyDesk launches ComfyUI.', last }: Props) {
  const all = useHealth((s) => s.log);
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
      aria-label="ComfyUI log"
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
