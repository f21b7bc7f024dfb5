import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { copyText } from '../lib/clipboard';
import { formatAgo } from '../lib/format';
import { useAppStore } from '../stores/app-store';
import { useBot } from '../stores/bot-store';
import { report } from '../stores/toast-store';
import { GuildEditor } from './bot/GuildEditor';

const STATUS_LABEL: Record<string, string> = {
  stopped: 'Stopped',
  starting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  error: 'Error',
  'no-token': 'No token',
};

/** Discord bot: write-only token, start/stop, status, invite link and each server's roles and limits. */
export function BotPage() {
  const { state, guilds, invite, busy, load, setToken, clearToken, start, stop } = useBot();
  const { settings, updateSettings } = useAppStore(
    useShallow((s) => ({ settings: s.settings, updateSettings: s.updateSettings })),
  );
  const [token, setTokenText] = useState('');
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
            {STATUS_LABEL[status] ?? status}
          </span>
        ) : (
          <span className="muted">Loading…</span>
        )}
      </header>
      <div className="two-columns">
        <div className="card">
          <h2>Status</h2>
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
          <div className="actions">
            {online ? (
              <button type="button" disabled={busy} onClick={() => void stop()}>
                Stop bot
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                disabled={busy || !state?.hasToken}
                onClick={() => void start()}
              >
                {busy ? 'Starting…' : 'Start bot'}
              </button>
            )}
          </div>
          {invite && (
            <div className="field">
              <label htmlFor="bot-invite">Invite link (adds the bot to a server)</label>
              <div className="input-row">
                <input id="bot-invite" type="text" readOnly value={invite} onFocus={(e) => e.currentTarget.select()} />
                <button type="button" onClick={() => void report(() => copyText(invite), 'Invite link copied.')}>
                  Copy
                </button>
                <a className="button" href={invite} target="_blank" rel="noreferrer">
                  Open
                </a>
              </div>
            </div>
          )}
          <label
            className="checkbox"
            title="Commands are always registered in each server at once; global registration can take up to an hour to appear."
          >
            <input
              type="checkbox"
              checked={settings?.discord.registerGlobally ?? false}
              disabled={!settings}
              onChange={(e) =>
                void updateSettings(
                  { discord: { registerGlobally: e.target.checked } },
                  e.target.checked
                    ? 'Commands will also be registered globally at the next start.'
                    : 'Commands stay per server.',
                )
              }
              data-testid="bot-register-globally"
            />
            Also register the commands globally (every server and DMs; takes effect at the next start)
          </label>
        </div>
        <form
          className="card form"
          aria-label="Bot token"
          onSubmit={(e) => {
            e.preventDefault();
            void setToken(token).then((ok) => ok && setTokenText(''));
          }}
        >
          <h2>Token</h2>
          <p className="muted">
            Paste the token from the Discord Developer Portal (your application → Bot → Reset Token). It is stored in
            the system’s secret store and never shown again.
          </p>
          <div className="field">
            <label htmlFor="bot-token">{state?.hasToken ? 'Replace token' : 'Bot token'}</label>
            <input
              id="bot-token"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => setTokenText(e.target.value)}
              placeholder={state?.hasToken ? '•••••••• (stored)' : ''}
            />
          </div>
          <div className="actions">
            {state?.hasToken && (
              <button type="button" className="danger subtle" onClick={() => void clearToken()}>
                Remove token
              </button>
            )}
            <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
              Save token
            </button>
          </div>
        </form>
      </div>
      <h2 className="section-title">Servers</h2>
      {guilds.length === 0 ? (
        <p className="empty">The bot is in no server yet. Use the invite link to add it.</p>
      ) : (
        guilds.map((g) => <GuildEditor key={g.id} guild={g} />)
      )}
    </section>
  );
}
