import { Check, Copy, ExternalLink } from 'lucide-react';
import type { BotState } from '@shared/api/bot';
import { buttonClass } from '../../components/ui/Button';
import { Checkbox } from '../../components/ui/Checkbox';
import { Field } from '../../components/ui/Field';
import { IconButton } from '../../components/ui/IconButton';
import { Input } from '../../components/ui/Input';
import { SaveStatus } from '../../components/ui/SaveStatus';
import { copyText } from '../../lib/clipboard';
import { formatAgo } from '../../lib/format';
import { useSaveState } from '../../lib/use-save-state';
import { useAppStore } from '../../stores/app-store';
import { report } from '../../stores/toast-store';
import { DEVELOPER_PORTAL } from './TokenCard';

/** The four steps from nothing to a bot in a server; each says whether it is done. */
function SetupSteps({ state, invite }: { state: BotState | null; invite: string | null }) {
  const hasToken = state?.hasToken ?? false;
  const online = state?.status === 'online';
  const steps: Array<{ done: boolean; text: React.ReactNode }> = [
    {
      done: hasToken,
      text: (
        <>
          Create an application with a bot in the{' '}
          <a href={DEVELOPER_PORTAL} target="_blank" rel="noreferrer">
            Discord Developer Portal
            <ExternalLink size={12} aria-hidden="true" className="inline-icon" />
          </a>
          .
        </>
      ),
    },
    { done: hasToken, text: 'Paste its token in the Token box.' },
    { done: online, text: 'Start the bot with the button at the top.' },
    {
      done: hasToken && (state?.guilds ?? 0) > 0,
      text: invite
        ? 'Invite it to your server with the link below.'
        : 'Invite it to your server: the link appears here once the token is saved.',
    },
  ];
  return (
    <ol className="setup-steps" data-testid="bot-setup-steps">
      {steps.map((s, i) => (
        <li key={i} className={s.done ? 'done' : ''}>
          <span className="step-mark" aria-hidden="true">
            {s.done ? <Check size={14} strokeWidth={3} /> : i + 1}
          </span>
          <span>
            {s.text}
            {s.done && <span className="sr-only"> (done)</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Where the bot stands: the setup steps until it is in a server, then who it is and since when; the invite link
 * (or why there is none yet); and the one option, saved as it changes.
 */
export function StatusCard({ state, invite }: { state: BotState | null; invite: string | null }) {
  const settings = useAppStore((s) => s.settings);
  const save = useAppStore((s) => s.saveSettings);
  const { state: saveState, run } = useSaveState();
  const settingUp = !state?.hasToken || (state.guilds === 0 && state.status !== 'online');
  return (
    <section className="card" aria-label="Bot status">
      <div className="card-header">
        <h2>{settingUp ? 'Getting started' : 'Status'}</h2>
        <SaveStatus state={saveState} testId="saved-bot" />
      </div>
      {settingUp ? (
        <SetupSteps state={state} invite={invite} />
      ) : (
        <dl className="facts">
          <div>
            <dt>Signed in as</dt>
            <dd>{state?.username ?? 'Not connected yet'}</dd>
          </div>
          <div>
            <dt>Servers</dt>
            <dd>{state?.guilds ?? 0}</dd>
          </div>
          <div>
            <dt>Online</dt>
            <dd>{state?.onlineSince ? `since ${formatAgo(state.onlineSince)}` : 'Not now'}</dd>
          </div>
        </dl>
      )}
      {state?.error && (
        <p className="banner error" role="alert">
          {state.error}
        </p>
      )}
      <Field
        id="bot-invite"
        label="Invite link"
        hint={
          invite
            ? 'Opens Discord to add the bot to a server you manage.'
            : 'Save the bot’s token first: the link is made from it.'
        }
      >
        {invite ? (
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
        ) : (
          <p className="muted placeholder-box">No invite link yet.</p>
        )}
      </Field>
      <Checkbox
        label="Also register the commands globally"
        description="Every server and DMs. Takes effect at the next start; Discord can take up to an hour to show them."
        checked={settings?.discord.registerGlobally ?? false}
        disabled={!settings}
        onCheckedChange={(checked) => void run(() => save({ discord: { registerGlobally: checked } }))}
        data-testid="bot-register-globally"
      />
    </section>
  );
}
