import { useEffect } from 'react';
import { ExternalLink, Play, Server, Square } from 'lucide-react';
import { Button } from '../components/ui/Button';
import { EmptyState } from '../components/ui/EmptyState';
import { BOT_STATUS_LABEL, statusLabel } from '../lib/status-labels';
import { useBot } from '../stores/bot-store';
import { GuildEditor } from './bot/GuildEditor';
import { StatusCard } from './bot/StatusCard';
import { DEVELOPER_PORTAL, TokenCard } from './bot/TokenCard';

/** Discord bot: on/off at the top, the way to set it up, the write-only token, and each server's rules. */
export function BotPage() {
  const { state, guilds, invite, busy, load, start, stop } = useBot();
  useEffect(() => {
    void load();
  }, [load]);
  const status = state?.status ?? 'stopped';
  const online = status === 'online' || status === 'starting' || status === 'reconnecting';

  return (
    <section className="page" aria-labelledby="bot-title">
      <header className="page-header">
        <h1 id="bot-title">Discord bot</h1>
        {state ? (
          <span className={`status-pill ${status}`} data-testid="bot-state" data-status={status}>
            {statusLabel(BOT_STATUS_LABEL, status)}
          </span>
        ) : (
          <span className="muted">Loading…</span>
        )}
        <span className="spacer" />
        {online ? (
          <Button icon={<Square size={16} />} loading={busy} onClick={() => void stop()} data-testid="bot-toggle">
            Stop bot
          </Button>
        ) : (
          <Button
            variant="primary"
            icon={<Play size={16} />}
            loading={busy}
            disabled={!state?.hasToken}
            title={state?.hasToken ? undefined : 'Save a token first'}
            onClick={() => void start()}
            data-testid="bot-toggle"
          >
            {busy ? 'Starting…' : 'Start bot'}
          </Button>
        )}
      </header>
      <p className="page-lead">
        Let friends generate on your GPU from Discord: paste your bot’s token, start it, then invite it to a server.
      </p>
      <div className="two-columns">
        <StatusCard state={state} invite={invite} />
        <TokenCard />
      </div>
      <h2 className="section-title">Servers</h2>
      {guilds.length === 0 ? (
        <div className="card">
          <EmptyState icon={Server} compact>
            {invite ? (
              'The bot is in no server yet. Use the invite link above to add it to one.'
            ) : (
              <>
                The bot is in no server yet. Save a token first (from the{' '}
                <a href={DEVELOPER_PORTAL} target="_blank" rel="noreferrer">
                  Discord Developer Portal
                  <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
                </a>
                ), then invite it.
              </>
            )}
          </EmptyState>
        </div>
      ) : (
        guilds.map((g) => <GuildEditor key={g.id} guild={g} />)
      )}
    </section>
  );
}
