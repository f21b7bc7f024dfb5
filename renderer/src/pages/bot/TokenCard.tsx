import { useState } from 'react';
import { ExternalLink, KeyRound, Trash2 } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { Field } from '../../components/ui/Field';
import { Input } from '../../components/ui/Input';
import { useBot } from '../../stores/bot-store';

export const DEVELOPER_PORTAL = 'https://discord.com/developers/applications';

/** The write-only bot token: pasted, checked by the core, stored in the secret store, never shown again. */
export function TokenCard() {
  const { state, busy, setToken, clearToken } = useBot();
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card form"
      aria-label="Bot token"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void setToken(token).then((problem) => {
          setError(problem);
          if (!problem) setTokenText('');
        });
      }}
    >
      <div className="card-header">
        <KeyRound size={18} aria-hidden="true" />
        <h2>Token</h2>
        {state?.hasToken && <span className="status-pill done">Saved</span>}
      </div>
      <Field
        id="bot-token"
        label={state?.hasToken ? 'Replace the token' : 'Bot token'}
        error={error}
        hint={
          <>
            In the{' '}
            <a href={DEVELOPER_PORTAL} target="_blank" rel="noreferrer">
              Developer Portal
              <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
            </a>
            : your application → Bot → Reset token. It goes to the system’s secret store and is never shown again.
          </>
        }
      >
        <Input
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => {
            setTokenText(e.target.value);
            setError(null);
          }}
          placeholder={state?.hasToken ? '•••••••• (stored)' : 'Paste the token'}
        />
      </Field>
      <div className="actions">
        {state?.hasToken && (
          <Button variant="danger-ghost" icon={<Trash2 size={16} />} onClick={() => void clearToken()}>
            Remove token
          </Button>
        )}
        <span className="spacer" />
        <Button type="submit" variant="primary" loading={busy} disabled={token.trim() === ''}>
          Save token
        </Button>
      </div>
    </form>
  );
}
