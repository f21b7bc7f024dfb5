import { useEffect, useState } from 'react';
import { ExternalLink, Send, UserPlus } from 'lucide-react';
import { BotTokenSchema, type BotChannel } from '@shared/api/bot';
import { api } from '../../api/client';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { Select } from '../../components/ui/Select';
import { errorMessage } from '../../lib/format';
import { useBot } from '../../stores/bot-store';
import { DEVELOPER_PORTAL } from '../bot/TokenCard';

/**
 * Step 4 (optional): the bot, step by step. Create the application, paste its token (checked as it is typed, then
 * by Discord when the bot logs in), invite it with exactly the permissions it needs, and send a test message.
 */
export function DiscordStep() {
  const { state, guilds, invite, load, setToken, start, loadGuilds, busy } = useBot();
  const [token, setTokenText] = useState('');
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [guildId, setGuildId] = useState('');
  const [channels, setChannels] = useState<BotChannel[]>([]);
  const [channelId, setChannelId] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => void load(), [load]);
  const online = state?.status === 'online';
  const joined = guilds.filter((g) => g.connected);
  useEffect(() => {
    if (online) void loadGuilds();
  }, [online, state?.guilds, loadGuilds]);
  useEffect(() => {
    if (!guildId && joined[0]) setGuildId(joined[0].id);
  }, [guildId, joined]);
  useEffect(() => {
    if (!guildId || !online) return;
    api.call('bot.channels', { guildId }).then(
      (list) => {
        setChannels(list);
        setChannelId((current) => current || (list.find((c) => c.missing.length === 0) ?? list[0])?.id || '');
      },
      () => setChannels([]),
    );
  }, [guildId, online]);

  const formatProblem = (t: string): string | null => {
    if (!t.trim()) return null;
    const parsed = BotTokenSchema.safeParse(t);
    return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'That is not a bot token.');
  };
  const saveToken = async () => {
    const problem = formatProblem(token);
    if (problem) return setTokenError(problem);
    const error = await setToken(token);
    if (error) return setTokenError(error);
    setTokenText('');
    await start(); // Discord checks the token: online as the bot's own user, or the reason it refused
  };
  const sendTest = async () => {
    setSending(true);
    setSendError(null);
    setSent(null);
    try {
      const r = await api.call('bot.testMessage', { channelId });
      setSent(`Sent to #${r.channelName} in ${r.guildName}. Look in Discord!`);
    } catch (err) {
      setSendError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="setup-discord">
      <p>
        Let friends generate from your Discord servers. You can skip this and set it up later on the Discord bot page.
      </p>
      <ol className="setup-substeps">
        <li>
          <h3>Create the application</h3>
          <p>
            Open the{' '}
            <a href={DEVELOPER_PORTAL} target="_blank" rel="noreferrer">
              Discord Developer Portal
              <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
            </a>
            , press New Application and give it a name. Under Bot, press Reset Token and copy the token.
          </p>
        </li>
        <li>
          <h3>Paste the token</h3>
          {state?.hasToken && (
            <p className={online ? 'banner ok' : state.error ? 'banner error' : 'muted'}>
              {online
                ? `Logged in as ${state.username ?? 'your bot'}.`
                : (state.error ?? `A token is stored; the bot is ${state.status}.`)}
            </p>
          )}
          <Field id="setup-token" label={state?.hasToken ? 'Replace the token' : 'Bot token'} error={tokenError}>
            <Input
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => {
                setTokenText(e.target.value);
                setTokenError(formatProblem(e.target.value));
              }}
              placeholder="Paste the token"
            />
          </Field>
          <div className="actions">
            {state?.hasToken && !online && (
              <Button loading={busy} onClick={() => void start()}>
                Start the bot
              </Button>
            )}
            <Button
              variant="primary"
              loading={busy}
              disabled={token.trim() === '' || !!tokenError}
              onClick={() => void saveToken()}
              data-testid="setup-save-token"
            >
              Save and connect
            </Button>
          </div>
        </li>
        <li>
          <h3>Invite it to a server</h3>
          {invite ? (
            <p>
              <a className="btn btn-secondary btn-md" href={invite} target="_blank" rel="noreferrer">
                <UserPlus size={16} aria-hidden="true" /> Add the bot to a server
              </a>{' '}
              <span className="muted">It asks only to see channels, send messages, embed links and attach files.</span>
            </p>
          ) : (
            <p className="muted">The invite link appears once the token is saved.</p>
          )}
          {online && (
            <p className="muted" data-testid="setup-guilds">
              {joined.length === 0
                ? 'The bot is in no server yet: use the link above, then come back.'
                : `In ${joined.map((g) => g.name).join(', ')}.`}
            </p>
          )}
        </li>
        <li>
          <h3>Send a test message</h3>
          {online && joined.length > 0 ? (
            <>
              <div className="form-grid">
                <Field id="setup-guild" label="Server">
                  <Select
                    value={guildId}
                    onValueChange={(v) => {
                      setGuildId(v);
                      setChannelId('');
                    }}
                    options={joined.map((g) => ({ value: g.id, label: g.name }))}
                  />
                </Field>
                <Field id="setup-channel" label="Channel" error={sendError}>
                  <Select
                    value={channelId}
                    onValueChange={(v) => {
                      setChannelId(v);
                      setSendError(null);
                    }}
                    options={channels.map((c) => ({
                      value: c.id,
                      label: `#${c.name}${c.missing.length ? ` (cannot post: lacks ${c.missing.join(', ')})` : ''}`,
                    }))}
                  />
                </Field>
              </div>
              <div className="actions">
                <Button
                  icon={<Send size={16} />}
                  loading={sending}
                  disabled={!channelId}
                  onClick={() => void sendTest()}
                  data-testid="setup-test-message"
                >
                  Send a test message
                </Button>
              </div>
              {sent && <p className="banner ok">{sent}</p>}
            </>
          ) : (
            <p className="muted">Once the bot is online in a server, pick a channel here.</p>
          )}
        </li>
      </ol>
    </div>
  );
}
