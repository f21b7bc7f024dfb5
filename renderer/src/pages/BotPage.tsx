import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Copy, ExternalLink, Play, Server, Square } from 'lucide-react';
import { Button, buttonClass } from '../components/ui/Button';
import { Checkbox } from '../components/ui/Checkbox';
import { EmptyState } from '../components/ui/EmptyState';
import { Field } from '../components/ui/Field';
import { IconButton } from '../components/ui/IconButton';
import { Input } from '../components/ui/Input';
import { copyText } from '../lib/clipboard';
import { formatAgo } from '../lib/format';
import { useAppStore } from '../stores/app-store';
import { useBot } from '../stores/bot-store';
import { report } from '../stores/toast-store';
import { BOT_STATUS_LABEL, statusLabel } from '../lib/status-labels';
import { GuildEditor } from './bot/GuildEditor';
import { DEVELOPER_PORTAL, TokenCard } from './bot/TokenCard';

/** Discord bot: write-only token, start/stop, status, invite link and each server's roles and limits. */
export function BotPage() {
  const { state, guilds, invite, busy, load, start, stop } = useBot();
  const { settings, updateSettings } = useAppStore(
    useShallow((s) => ({ settings: s.settings, updateSettings: s.updateSettings })),
  );
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
      </header>
      <p className="page-lead">
        Let friends generate on your GPU from Discord: paste your bot’s token, start it, then invite it to a server.
      </p>
      <div className="two-columns">
        <div className="card">
          <div className="card-header">
            <h2>Status</h2>
            <span className="spacer" />
            {online ? (
              <Button icon={<Square size={16} />} loading={busy} onClick={() => void stop()}>
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
              >
                {busy ? 'Starting…' : 'Start bot'}
              </Button>
            )}
          </div>
          <dl className="facts">
            <div>
              <dt>Bot</dt>
              <dd>{state?.username ?? '—'}</dd>
            </div>
            <div>
              <dt>Servers</dt>
              <dd>{state?.guilds ?? 0}</dd>
            </div>
            <div>
              <dt>Online since</dt>
              <dd>{state?.onlineSince ? formatAgo(state.onlineSince) : '—'}</dd>
            </div>
            <div>
              <dt>Token</dt>
              <dd>{!state ? '…' : state.hasToken ? 'Stored (hidden)' : 'Not set'}</dd>
            </div>
          </dl>
          {state?.error && (
            <p className="banner error" role="alert">
              {state.error}
            </p>
          )}
          {invite && (
            <Field id="bot-invite" label="Invite link" hint="Opens Discord to add the bot to a server you manage.">
              <div className="input-row">
                <Input className="grow" type="text" readOnly value={invite} onFocus={(e) => e.currentTarget.select()} />
                <IconButton
                  variant="secondary"
                  label="Copy the invite link"
                  icon={<Copy size={16} />}
                  onClick={() => void report(() => copyText(invite), 'Invite link copied.')}
                />
                <a className={buttonClass('secondary')} href={invite} target="_blank" rel="noreferrer">
                  <ExternalLink size={16} aria-hidden="true" />
                  Open
                </a>
              </div>
            </Field>
          )}
          <Checkbox
            label="Also register the commands globally"
            description="Every server and DMs. Takes effect at the next start; Discord can take up to an hour to show them."
            checked={settings?.discord.registerGlobally ?? false}
            disabled={!settings}
            onCheckedChange={(checked) =>
              void updateSettings(
                { discord: { registerGlobally: checked } },
                checked ? 'Commands will also be registered globally at the next start.' : 'Commands stay per server.',
              )
            }
            data-testid="bot-register-globally"
          />
        </div>
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
