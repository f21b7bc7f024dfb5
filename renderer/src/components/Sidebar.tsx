import { PanelLeftClose, PanelLeftOpen } from 'lucide-react';
import { PAGES, useCurrentPage, type NavBadge } from '../pages/registry';
import { useAppStore } from '../stores/app-store';
import { useLayout } from '../stores/layout-store';
import { useMediaQuery } from '../lib/use-media-query';
import { useNav } from '../stores/nav-store';
import { Badge } from './ui/Badge';
import { IconButton } from './ui/IconButton';
import { Tooltip } from './ui/Tooltip';
import { SidebarResizer } from './SidebarResizer';
import { SidebarStatus } from './SidebarStatus';

/** A page's badge in its own component, so only the link with one re-renders when its count changes. */
function NavCount({ useBadge }: { useBadge: () => NavBadge | null }) {
  const badge = useBadge();
  return badge && <Badge label={badge.label}>{badge.count}</Badge>;
}

/** The pages, the status of ComfyUI, the bot and the queue, and the version; resizable and collapsible. */
export function Sidebar() {
  const page = useCurrentPage().id;
  const go = useNav((s) => s.go);
  const info = useAppStore((s) => s.info);
  const layout = useLayout();
  // A narrow window keeps the page's room: icons only, whatever was chosen on a wide one.
  const narrow = useMediaQuery('(max-width: 960px)');
  const { sidebarWidth, toggleCollapsed } = layout;
  const collapsed = layout.collapsed || narrow;
  return (
    <nav
      className={`sidebar${collapsed ? ' collapsed' : ''}`}
      aria-label="Pages"
      style={collapsed ? undefined : { width: sidebarWidth }}
    >
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">ComfyDesk</span>
        {!narrow && (
          <IconButton
            className="sidebar-toggle"
            size="sm"
            label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
            tooltipSide="right"
            icon={collapsed ? <PanelLeftOpen size={16} /> : <PanelLeftClose size={16} />}
            onClick={toggleCollapsed}
            aria-expanded={!collapsed}
          />
        )}
      </div>
      <ul>
        {PAGES.map((p) => (
          <li key={p.id}>
            <Tooltip content={p.label} side="right" disabled={!collapsed}>
              <a
                href={`#/${p.id}`}
                className={p.id === page ? 'active' : ''}
                aria-current={p.id === page ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(p.id);
                }}
              >
                <span className="nav-icon" aria-hidden="true" data-icon={p.icon.displayName}>
                  <p.icon size={18} strokeWidth={1.75} />
                </span>
                <span className="nav-label">{p.label}</span>
                {p.useBadge && <NavCount useBadge={p.useBadge} />}
              </a>
            </Tooltip>
          </li>
        ))}
      </ul>
      <SidebarStatus collapsed={collapsed} />
      {info && (
        <footer className="version" data-testid="version">
          <span className="nav-label">
            ComfyDesk {info.version} · {info.mode === 'desktop' ? 'desktop' : 'browser'}
          </span>
        </footer>
      )}
      {!narrow && <SidebarResizer />}
    </nav>
  );
}
