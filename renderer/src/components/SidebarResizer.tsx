import { useRef } from 'react';
import { SIDEBAR_MAX, SIDEBAR_MIN, useLayout } from '../stores/layout-store';

/** The sidebar's right edge: drag it, or focus it and use the arrow keys, to change the width. */
export function SidebarResizer() {
  const { sidebarWidth, collapsed, setSidebarWidth } = useLayout();
  const start = useRef<{ x: number; w: number } | null>(null);
  if (collapsed) return null;
  return (
    <div
      className="sidebar-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the sidebar"
      aria-valuemin={SIDEBAR_MIN}
      aria-valuemax={SIDEBAR_MAX}
      aria-valuenow={sidebarWidth}
      tabIndex={0}
      onPointerDown={(e) => {
        start.current = { x: e.clientX, w: sidebarWidth };
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={(e) => {
        if (start.current) setSidebarWidth(start.current.w + e.clientX - start.current.x);
      }}
      onPointerUp={() => (start.current = null)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 40 : 10;
        if (e.key === 'ArrowLeft') setSidebarWidth(sidebarWidth - step);
        else if (e.key === 'ArrowRight') setSidebarWidth(sidebarWidth + step);
        else return;
        e.preventDefault();
      }}
    />
  );
}
