import { useEffect, useState } from 'react';
import { Dialog as D } from 'radix-ui';
import { Menu, X } from 'lucide-react';
import { PAGES, useCurrentPage, type NavBadge, type Page } from '../pages/registry';
import { useAppStore } from '../stores/app-store';
import { useNav } from '../stores/nav-store';
import { Badge } from './ui/Badge';
import { IconButton } from './ui/IconButton';
import { SidebarStatus } from './SidebarStatus';

function NavCount({ useBadge }: { useBadge: () => NavBadge | null }) {
  const badge = useBadge();
  return badge && <Badge label={badge.label}>{badge.count}</Badge>;
}

function PageLink({
  page,
  current,
  short,
  onGo,
}: {
  page: Page;
  current: boolean;
  short?: boolean;
  onGo?: () => void;
}) {
  const go = useNav((s) => s.go);
  return (
    <a
      href={`#/${page.id}`}
      className={current ? 'active' : ''}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        go(page.id);
        onGo?.();
      }}
    >
      <span className="nav-icon" aria-hidden="true">
        <page.icon size={20} strokeWidth={1.75} />
      </span>
      <span className="nav-label">{short ? (page.shortLabel ?? page.label) : page.label}</span>
      {page.useBadge && <NavCount useBadge={page.useBadge} />}
    </a>
  );
}

/**
 * The pages on a phone-sized screen: the registry's `phone` pages as a bar at the bottom, every page, the status
 * and the version in a drawer behind "More", which carries the badges of the pages only the drawer lists.
 */
export function BottomBar() {
  const page = useCurrentPage().id;
  const info = useAppStore((s) => s.info);
  const [open, setOpen] = useState(false);
  // A status row in the drawer leads to its page too: the drawer goes when the page changes.
  useEffect(() => setOpen(false), [page]);
  const inBar = PAGES.filter((p) => p.phone);
  const elsewhere = !inBar.some((p) => p.id === page);
  // What the drawer's pages have to say shows on "More" too (the setup guide's steps left), not only inside it.
  const drawerBadges = PAGES.filter((p) => !p.phone && p.useBadge);
  return (
    <nav className="bottom-bar" aria-label="Pages">
      <ul>
        {inBar.map((p) => (
          <li key={p.id}>
            <PageLink page={p} current={p.id === page} short />
          </li>
        ))}
        <li>
          <D.Root open={open} onOpenChange={setOpen}>
            <D.Trigger asChild>
              <button type="button" className={elsewhere ? 'active' : ''} data-testid="more-pages">
                <span className="nav-icon" aria-hidden="true">
                  <Menu size={20} strokeWidth={1.75} />
                </span>
                <span className="nav-label">More</span>
                {drawerBadges.map((p) => p.useBadge && <NavCount key={p.id} useBadge={p.useBadge} />)}
              </button>
            </D.Trigger>
            <D.Portal>
              <D.Overlay className="dialog-overlay" />
              <D.Content
                className="drawer"
                aria-describedby={undefined}
                // Focus the current page's link, not the Close button: its tooltip would take the first Escape.
                onOpenAutoFocus={(e) => {
                  const links = (e.currentTarget as HTMLElement | null)?.querySelectorAll<HTMLElement>(
                    '.drawer-pages a',
                  );
                  const here = [...(links ?? [])].find((a) => a.getAttribute('aria-current') === 'page') ?? links?.[0];
                  if (!here) return;
                  e.preventDefault();
                  here.focus();
                }}
              >
                <div className="drawer-top">
                  <span className="brand-mark" aria-hidden="true" />
                  <D.Title className="brand-name">ComfyDesk</D.Title>
                  <D.Close asChild>
                    <IconButton label="Close" icon={<X size={18} />} />
                  </D.Close>
                </div>
                <ul className="drawer-pages">
                  {PAGES.map((p) => (
                    <li key={p.id}>
                      <PageLink page={p} current={p.id === page} onGo={() => setOpen(false)} />
                    </li>
                  ))}
                </ul>
                <SidebarStatus collapsed={false} />
                {info && (
                  <p className="version">
                    ComfyDesk {info.version} · {info.mode === 'desktop' ? 'desktop' : 'browser'}
                  </p>
                )}
              </D.Content>
            </D.Portal>
          </D.Root>
        </li>
      </ul>
    </nav>
  );
}
