import { useAppStore } from '../stores/app-store';
import { useNav } from '../stores/nav-store';
import { useQueueCounts } from '../stores/queue-store';
import type { PageId } from '../pages/registry';
import { Tooltip } from './ui/Tooltip';
import { BOT_STATUS_LABEL, COMFY_STATUS_LABEL, statusLabel } from '../lib/status-labels';

const dot = (status: string | undefined) =>
  status === 'online'
    ? 'ok'
    : status === 'starting' || status === 'reconnecting'
      ? 'warn'
      : status === 'error'
        ? 'bad'
        : 'off';

/** One status line; a click opens the page where it is dealt with. */
function Row(props: {
  page: PageId;
  tone: string;
  name: string;
  text: string;
  testId: string;
  status?: string;
  collapsed: boolean;
}) {
  const go = useNav((s) => s.go);
  return (
    <Tooltip content={`${props.name}: ${props.text}`} side="right" disabled={!props.collapsed}>
      <button type="button" className="status-row" onClick={() => go(props.page)}>
        <span className={`dot ${props.tone}`} aria-hidden="true" />
        <span className="nav-label">
          <span className="status-name">{props.name}</span>
          <span className="status-text" data-testid={props.testId} data-status={props.status}>
            {props.text}
          </span>
        </span>
      </button>
    </Tooltip>
  );
}

/** ComfyUI, the bot and the queue at a glance, at the sidebar's foot. */
export function SidebarStatus({ collapsed }: { collapsed: boolean }) {
  const health = useAppStore((s) => s.health);
  const connection = useAppStore((s) => s.connection);
  const comfy = health?.comfy;
  const counts = useQueueCounts();
  return (
    <div className="sidebar-status" role="group" aria-label="Status">
      <Row
        page="health"
        tone={dot(comfy?.status)}
        name="ComfyUI"
        text={
          comfy?.status === 'none' && comfy.backends.length > 0
            ? 'All disabled'
            : statusLabel(COMFY_STATUS_LABEL, comfy?.status)
        }
        status={comfy?.status}
        testId="comfy-status"
        collapsed={collapsed}
      />
      <Row
        page="bot"
        tone={dot(health?.bot.status)}
        name="Bot"
        text={statusLabel(BOT_STATUS_LABEL, health?.bot.status)}
        status={health?.bot.status}
        testId="bot-status"
        collapsed={collapsed}
      />
      <Row
        page="queue"
        tone={health?.queue.paused ? 'warn' : 'ok'}
        name="Queue"
        text={`${counts.running} running · ${counts.waiting} waiting${health?.queue.paused ? ' · paused' : ''}`}
        testId="queue-status"
        collapsed={collapsed}
      />
      {connection !== 'open' && window.comfydesk === undefined && (
        <div className="status-row muted" role="status" data-testid="connection">
          <span className="dot warn" aria-hidden="true" />
          <span className="nav-label">{connection === 'connecting' ? 'Connecting…' : 'Disconnected, retrying…'}</span>
        </div>
      )}
    </div>
  );
}
