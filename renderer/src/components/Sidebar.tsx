import { PAGES, useCurrentPage, type NavBadge } from '../pages/registry';
import { useAppStore } from '../stores/app-store';
import { useNav } from '../stores/nav-store';

const COMFY_LABEL: Record<string, string> = {
  online: 'online',
  offline: 'offline',
  starting: 'starting…',
  none: 'no backend',
};
const BOT_LABEL: Record<string, string> = {
  stopped: 'stopped',
  starting: 'connecting…',
  online: 'online',
  reconnecting: 'reconnecting…',
  error: 'error',
  'no-token': 'no token',
};
const label = (labels: Record<string, string>, status: string | undefined) =>
  status === undefined ? '…' : (labels[status] ?? status);

const dot = (status: string | undefined) =>
  status === 'online'
    ? 'ok'
    : status === 'starting' || status === 'reconnecting'
      ? 'warn'
      : status === 'error'
        ? 'bad'
        : 'off';

/** A page's badge in its own component, so only the link with one re-renders when its count changes. */
function Badge({ useBadge }: { useBadge: () => NavBadge | null }) {
  const badge = useBadge();
  return (
    badge && (
      <span className="badge" aria-label={badge.label}>
        {badge.count}
      </span>
    )
  );
}

export function Sidebar() {
  const page = useCurrentPage().id;
  const go = useNav((s) => s.go);
  const health = useAppStore((s) => s.health);
  const connection = useAppStore((s) => s.connection);
  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        ComfyDesk
      </div>
      <ul>
        {PAGES.map((p) => (
          <li key={p.id}>
            <a
              href={`#/${p.id}`}
              className={p.id === page ? 'active' : ''}
              aria-current={p.id === page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(p.id);
              }}
            >
              <span className="nav-icon" aria-hidden="true">
                {p.icon}
              </span>
              {p.label}
              {p.useBadge && <Badge useBadge={p.useBadge} />}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-status" aria-label="Status">
        <div>
          <span className={`dot ${dot(health?.comfy.status)}`} aria-hidden="true" /> ComfyUI:{' '}
          <span data-testid="comfy-status" data-status={health?.comfy.status}>
            {health?.comfy.status === 'none' && health.comfy.backends.length > 0
              ? 'all disabled'
              : label(COMFY_LABEL, health?.comfy.status)}
          </span>
        </div>
        <div>
          <span className={`dot ${dot(health?.bot.status)}`} aria-hidden="true" /> Bot:{' '}
          <span data-testid="bot-status" data-status={health?.bot.status}>
            {label(BOT_LABEL, health?.bot.status)}
          </span>
        </div>
        <div>
          <span className={`dot ${health?.queue.paused ? 'warn' : 'ok'}`} aria-hidden="true" />{' '}
          <span data-testid="queue-status">
            {health
              ? `${health.queue.queued} queued · ${health.queue.running} running${health.queue.paused ? ' · paused' : ''}`
              : '…'}
          </span>
        </div>
        {connection !== 'open' && window.comfydesk === undefined && (
          <div className="muted" role="status" data-testid="connection">
            {connection === 'connecting' ? 'Connecting…' : 'Disconnected, retrying…'}
          </div>
        )}
      </div>
    </nav>
  );
}
